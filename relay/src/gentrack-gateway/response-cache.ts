/**
 * The gateway's cache of GET answers, bounded in entries and in bytes (lru-cache): an answer is kept for its
 * operation's `cacheSeconds` (config/connector.yaml, gentrackApi), per API client. A write through the gateway drops
 * the cached answers about the entity it changed (the same account, bill or service point reference), so an agent
 * who changes something sees it at once.
 */
import { LRUCache } from 'lru-cache';

export interface CachedAnswer {
  readonly status: number;
  /** The answer as sent: JSON text. */
  readonly body: string;
}

export interface ResponseCacheOptions {
  readonly maxEntries: number;
  readonly maxBytes: number;
}

export class ResponseCache {
  private readonly cache: LRUCache<string, CachedAnswer & { references: readonly string[] }>;

  constructor(options: ResponseCacheOptions) {
    this.cache = new LRUCache({
      max: options.maxEntries,
      maxSize: options.maxBytes,
      // Characters, not bytes: close enough for a bound, and free to compute.
      sizeCalculation: (answer) => Math.max(1, answer.body.length),
    });
  }

  static key(clientId: string, operation: string, params: Readonly<Record<string, string>>, query: string): string {
    return JSON.stringify([clientId, operation, params, query]);
  }

  get(key: string): CachedAnswer | undefined {
    return this.cache.get(key);
  }

  set(key: string, answer: CachedAnswer, seconds: number, references: readonly string[]): void {
    this.cache.set(key, { ...answer, references }, { ttl: seconds * 1000 });
  }

  /** Drops every answer about one of `references` (path parameters of a write). */
  forget(references: readonly string[]): void {
    if (references.length === 0) return;
    for (const [key, answer] of this.cache.entries()) {
      if (answer.references.some((reference) => references.includes(reference))) this.cache.delete(key);
    }
  }

  get size(): number {
    return this.cache.size;
  }
}
