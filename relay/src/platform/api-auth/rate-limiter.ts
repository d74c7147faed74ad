/**
 * Per-client token buckets: each client may send `burst` requests at once and `perMinute` on average. A refused
 * request learns how long to wait (Retry-After). Buckets of clients that stopped calling are dropped once full.
 */
export interface RateLimitOptions {
  /** Requests a client may make at once. */
  readonly burst: number;
  /** Sustained requests per minute. */
  readonly perMinute: number;
  /** Epoch milliseconds. */
  readonly clock?: () => number;
}

export type RateLimitDecision =
  { readonly allowed: true } | { readonly allowed: false; readonly retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly clock: () => number;
  private readonly refillPerMs: number;

  constructor(private readonly options: RateLimitOptions) {
    this.clock = options.clock ?? Date.now;
    this.refillPerMs = options.perMinute / 60_000;
  }

  take(key: string): RateLimitDecision {
    const now = this.clock();
    const bucket = this.buckets.get(key) ?? { tokens: this.options.burst, updatedAt: now };
    bucket.tokens = Math.min(this.options.burst, bucket.tokens + (now - bucket.updatedAt) * this.refillPerMs);
    bucket.updatedAt = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      this.forgetIdleBuckets(now);
      return { allowed: true };
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / this.refillPerMs / 1000)) };
  }

  /** Gives back what take() counted, e.g. a token request that proved its client: only failures should add up. */
  refund(key: string): void {
    const bucket = this.buckets.get(key);
    if (bucket) bucket.tokens = Math.min(this.options.burst, bucket.tokens + 1);
  }

  private forgetIdleBuckets(now: number): void {
    if (this.buckets.size < 1_000) return;
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + (now - bucket.updatedAt) * this.refillPerMs >= this.options.burst) this.buckets.delete(key);
    }
  }
}
