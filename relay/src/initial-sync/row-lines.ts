/**
 * The extract line of each row a job carries, looked up by the row's key when its result comes back (results are in
 * no particular order). Kept in typed arrays, not a Map of strings: a job's 50,000 keys would otherwise live just long
 * enough to be promoted to the old generation and pile up there as garbage across a long load.
 *
 * Keys are identified by two independent 32-bit hashes (a false match needs both to collide: about one chance in
 * 10^10 per job), so a line found is trusted; a key not found gives 0 (line unknown).
 */
export class RowLines {
  private hashesA: Int32Array;
  private hashesB: Int32Array;
  private lines: Int32Array;
  private size = 0;

  constructor(expectedRows: number) {
    const slots = slotsFor(expectedRows);
    this.hashesA = new Int32Array(slots);
    this.hashesB = new Int32Array(slots);
    this.lines = new Int32Array(slots);
  }

  set(key: string, line: number): void {
    if ((this.size + 1) * 2 > this.lines.length) this.grow();
    this.insert(hashA(key), hashB(key), line);
  }

  /** The line of `key`, or 0 when the job carried no such row. */
  get(key: string): number {
    const a = hashA(key);
    const b = hashB(key);
    const mask = this.lines.length - 1;
    for (let slot = a & mask; this.lines[slot] !== 0; slot = (slot + 1) & mask) {
      if (this.hashesA[slot] === a && this.hashesB[slot] === b) return this.lines[slot]!;
    }
    return 0;
  }

  private insert(a: number, b: number, line: number): void {
    const mask = this.lines.length - 1;
    let slot = a & mask;
    while (this.lines[slot] !== 0) {
      if (this.hashesA[slot] === a && this.hashesB[slot] === b) {
        this.lines[slot] = line;
        return;
      }
      slot = (slot + 1) & mask;
    }
    this.hashesA[slot] = a;
    this.hashesB[slot] = b;
    // Lines start at 1, so 0 marks an empty slot.
    this.lines[slot] = Math.max(line, 1);
    this.size++;
  }

  private grow(): void {
    const { hashesA, hashesB, lines } = this;
    this.hashesA = new Int32Array(lines.length * 2);
    this.hashesB = new Int32Array(lines.length * 2);
    this.lines = new Int32Array(lines.length * 2);
    this.size = 0;
    for (let slot = 0; slot < lines.length; slot++)
      if (lines[slot] !== 0) this.insert(hashesA[slot]!, hashesB[slot]!, lines[slot]!);
  }
}

function slotsFor(rows: number): number {
  let slots = 1024;
  while (slots < rows * 2) slots *= 2;
  return slots;
}

/** FNV-1a. */
function hashA(key: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < key.length; index++) hash = Math.imul(hash ^ key.charCodeAt(index), 0x01000193);
  return hash | 0;
}

/** A multiplicative hash with another seed and multiplier, independent of hashA. */
function hashB(key: string): number {
  let hash = 0x9e3779b9;
  for (let index = 0; index < key.length; index++)
    hash = Math.imul(hash ^ key.charCodeAt(index), 0x5bd1e995) ^ (hash >>> 15);
  return hash | 0;
}
