/**
 * Per entity, the latest X-Transaction-Date-Time applied. The relay must deliver changes to one record in order;
 * Gentrack still applies a late write, so the sandbox applies it too and only reports it as out of order.
 */
export class EntityOrderObserver {
  private readonly latestByEntity = new Map<string, number>();

  /** Records an applied write; true when it is older than one already applied to the same entity. */
  observe(entity: string, transactionTimeMs: number): boolean {
    const latest = this.latestByEntity.get(entity);
    if (latest !== undefined && transactionTimeMs < latest) return true;
    this.latestByEntity.set(entity, transactionTimeMs);
    return false;
  }

  latest(entity: string): number | undefined {
    return this.latestByEntity.get(entity);
  }

  clear(): void {
    this.latestByEntity.clear();
  }
}
