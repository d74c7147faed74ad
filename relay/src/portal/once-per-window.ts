/**
 * Says yes to the first occurrence of a key until the window it opens ends, and no to the rest: the portal records one
 * audit entry for an address while the sign-in limit refuses it (the window is the limiter's own), not one per refused
 * request, so a flood from one address neither grows the store nor buries the audit log's real entries. Memory is
 * bounded: past `maxKeys` keys, the oldest windows go.
 */
export class OncePerWindow {
  /** Key -> when its window ends, in the order the windows opened. */
  private readonly until = new Map<string, number>();

  constructor(private readonly maxKeys = 10_000) {}

  /** True when `key` has no open window at `now`; a window for it is then open until `endsAt`. */
  first(key: string, now: number, endsAt: number): boolean {
    const ends = this.until.get(key);
    if (ends !== undefined && now < ends) return false;
    this.until.delete(key);
    this.until.set(key, endsAt);
    for (const [oldest, oldestEnds] of this.until) {
      if (this.until.size <= this.maxKeys && oldestEnds > now) break;
      this.until.delete(oldest);
    }
    return true;
  }
}
