/** What makes two writes "the same request" for a transaction id. */
export interface RequestFingerprint {
  method: string;
  path: string;
  /** The body as received (the parts joined); compared by JSON value when the text differs (key order, spacing). */
  rawBody: string;
}

export interface RememberedResponse {
  fingerprint: RequestFingerprint;
  /** The texts of the parts the body came in, when it was fragmented: a part sent again is compared with its own. */
  parts?: readonly string[];
  status: number;
  body: unknown;
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
 * Whether a request (or one part of a fragmented one) repeats the transaction `remembered` answered: the same
 * operation, and the same body, or the same piece of it.
 */
export function repeats(
  remembered: RememberedResponse,
  request: RequestFingerprint & { partNumber: number; partTotal: number },
): boolean {
  const { fingerprint, parts } = remembered;
  if (fingerprint.method !== request.method || fingerprint.path !== request.path) return false;
  if ((parts?.length ?? 1) !== request.partTotal) return false;
  return parts === undefined ? sameRequest(fingerprint, request) : parts[request.partNumber - 1] === request.rawBody;
}

/**
 * First responses of writes by transaction id, so a redelivered write gets the same answer and no second effect.
 * Bounded: beyond `capacity` ids the oldest are forgotten (Map keeps insertion order).
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
