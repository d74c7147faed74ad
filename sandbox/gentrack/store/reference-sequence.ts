/**
 * Hands out Gentrack-style references: a letter prefix and 8 digits (A00000001). Seeded references are observed so
 * a later generated one never collides with them.
 */
export class ReferenceSequence {
  private last = 0;
  private readonly pattern: RegExp;

  constructor(readonly prefix: string) {
    this.pattern = new RegExp(`^${prefix}(\\d{8})$`);
  }

  next(): string {
    this.last += 1;
    return this.prefix + String(this.last).padStart(8, '0');
  }

  /** Moves the sequence past a reference that was chosen by the caller (seeding). */
  observe(reference: string): void {
    const digits = this.pattern.exec(reference)?.[1];
    if (digits !== undefined) this.last = Math.max(this.last, Number(digits));
  }

  reset(): void {
    this.last = 0;
  }
}
