/**
 * Says yes to the first occurrence of a key in a time window and no to the rest: the portal records one audit entry
 * for an address whose sign-in attempts are being refused, not one per refused request, so a flood of attempts can
 * neither grow the store nor bury the audit log's real entries. Memory is bounded: past `maxKeys` keys, the oldest go.
 */
export class OncePerWindow {
  /** Key -> when its window ends; a Map keeps insertion order, so the oldest are first. */
  private readonly until = new Map<string, number>();

  constructor(
    private readonly windowMs: number,
    private readonly maxKeys = 10_000,
  ) {}

  /** True when `key` has not been seen in the window that `now` is in; the key's window starts then. */
  first(key: string, now: number): boolean {
    const ends = this.until.get(key);
    if (ends !== undefined && now < ends) return false;
    this.until.delete(key);
    this.until.set(key, now + this.windowMs);
    for (const [oldest, oldestEnds] of this.until) {
      if (this.until.size <= this.maxKeys && oldestEnds > now) break;
      this.until.delete(oldest);
    }
    return true;
  }
}
