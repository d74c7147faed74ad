/**
 * In-process locks by record key (`objectType:reference`). Newer-wins reads a record's field versions, writes to
 * Salesforce, then records the new versions; the inbox dispatcher's batches and on-demand syncs hold the record for
 * all three steps, so neither writes on versions the other is about to change. Holders of a key run in the order
 * they asked; all of a holder's keys are claimed at once, so holders of overlapping keys cannot deadlock. (One relay
 * process writes its store's records; the locks do not reach beyond it.)
 */
/** The key of a record: its object and Gentrack reference (External ID value). */
export function recordKey(objectType: string, reference: string): string {
  return `${objectType}:${reference}`;
}

export class RecordLocks {
  /** Per key, what the newest holder's turn ends with. */
  private readonly tails = new Map<string, Promise<void>>();

  /** Runs `run` once no earlier holder of any of `keys` is still running. */
  async hold<T>(keys: Iterable<string>, run: () => Promise<T>): Promise<T> {
    const unique = [...new Set(keys)];
    const earlier = unique.map((key) => this.tails.get(key));
    let release!: () => void;
    const turn = new Promise<void>((resolve) => (release = resolve));
    for (const key of unique) this.tails.set(key, turn);
    try {
      await Promise.all(earlier);
      return await run();
    } finally {
      release();
      for (const key of unique) if (this.tails.get(key) === turn) this.tails.delete(key);
    }
  }

  /** Keys held or waited for (tests). */
  get size(): number {
    return this.tails.size;
  }
}
