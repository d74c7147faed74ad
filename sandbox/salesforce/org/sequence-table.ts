/**
 * Values keyed by the sequence number minted into a record id (ids.ts mintedSequence), kept in pages of consecutive
 * numbers. Finding a value reads one array slot: in a Map of millions of entries a lookup costs a hash and two or
 * three cache misses, and a bulk load makes several per row. Ids are minted in order, so pages fill densely; a page
 * exists only where the table has values. Iteration follows the numbers, which is the order the ids were minted.
 */
const PAGE_BITS = 12;
const PAGE_SIZE = 1 << PAGE_BITS;
const PAGE_MASK = PAGE_SIZE - 1;

type Page<T> = (T | undefined)[];

export class SequenceTable<T> {
  private readonly pages = new Map<number, Page<T>>();
  /** Page numbers, ascending. */
  private readonly pageNumbers: number[] = [];
  /** The page used last: a bulk load works through one page at a time. */
  private lastNumber = -1;
  private lastPage: Page<T> | undefined;

  get(sequence: number): T | undefined {
    return this.page(pageNumberOf(sequence), false)?.[slotOf(sequence)];
  }

  set(sequence: number, value: T): void {
    this.page(pageNumberOf(sequence), true)![slotOf(sequence)] = value;
  }

  delete(sequence: number): void {
    const page = this.page(pageNumberOf(sequence), false);
    if (page) page[slotOf(sequence)] = undefined;
  }

  *values(): IterableIterator<T> {
    for (const number of this.pageNumbers) {
      for (const value of this.pages.get(number)!) if (value !== undefined) yield value;
    }
  }

  private page(number: number, create: boolean): Page<T> | undefined {
    if (number === this.lastNumber) return this.lastPage;
    let page = this.pages.get(number);
    if (!page) {
      if (!create) return undefined;
      page = new Array<T | undefined>(PAGE_SIZE).fill(undefined);
      this.pages.set(number, page);
      insertAscending(this.pageNumbers, number);
    }
    this.lastNumber = number;
    this.lastPage = page;
    return page;
  }
}

/** Minted numbers fit 31 bits for the first two billion ids; larger ones (forged ids) take the slower arithmetic. */
function pageNumberOf(sequence: number): number {
  return sequence <= 0x7fffffff ? sequence >> PAGE_BITS : Math.floor(sequence / PAGE_SIZE);
}

function slotOf(sequence: number): number {
  return sequence <= 0x7fffffff ? sequence & PAGE_MASK : sequence % PAGE_SIZE;
}

function insertAscending(numbers: number[], number: number): void {
  let index = numbers.length;
  while (index > 0 && numbers[index - 1]! > number) index--;
  numbers.splice(index, 0, number);
}
