/** What makes two writes "the same request" for a transaction id. */
export interface RequestFingerprint {
  method: string;
  path: string;
  /** The body as received; compared by JSON value when the text differs (key order, spacing). */
  rawBody: string;
}

export interface RememberedResponse {
  fingerprint: RequestFingerprint;
  status: number;
  body: unknown;
}

/** The key of a write: its transaction id and part (a missing part number is part 1). */
export function idempotencyKey(transactionId: string, partNumber: number | undefined): string {
  return `${transactionId}#${partNumber ?? 1}`;
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function sameBody(a: string, b: string): boolean {
  if (a === b) return true;
  try {
    return canonicalJson(JSON.parse(a)) === canonicalJson(JSON.parse(b));
  } catch {
    return false;
  }
}

export function sameRequest(a: RequestFingerprint, b: RequestFingerprint): boolean {
  return a.method === b.method && a.path === b.path && sameBody(a.rawBody, b.rawBody);
}

/**
 * First responses of writes by idempotency key, so a redelivered write gets the same answer and no second effect.
 * Bounded: beyond `capacity` keys the oldest are forgotten (Map keeps insertion order).
 */
export class IdempotencyStore {
  private readonly responses = new Map<string, RememberedResponse>();

  constructor(readonly capacity = 500_000) {}

  get(key: string): RememberedResponse | undefined {
    return this.responses.get(key);
  }

  remember(key: string, response: RememberedResponse): void {
    this.responses.set(key, response);
    if (this.responses.size > this.capacity) {
      const oldest = this.responses.keys().next();
      if (oldest.done !== true) this.responses.delete(oldest.value);
    }
  }

  get size(): number {
    return this.responses.size;
  }

  clear(): void {
    this.responses.clear();
  }
}
