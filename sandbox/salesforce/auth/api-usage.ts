/** The org's daily API request allocation: every authenticated REST call uses one; past the maximum, calls fail. */
export class DailyApiRequests {
  private count = 0;

  constructor(readonly max: number) {}

  /** Counts one request; false when the allocation is already used up (the request must be refused). */
  consume(): boolean {
    if (this.count >= this.max) return false;
    this.count++;
    return true;
  }

  get used(): number {
    return this.count;
  }

  get remaining(): number {
    return Math.max(0, this.max - this.count);
  }

  /** A new day. */
  reset(): void {
    this.count = 0;
  }
}
