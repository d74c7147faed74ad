/** One request as the sandbox saw it, kept so tests can assert what the relay sent and in which order. */
export interface RecordedCall {
  /** Increases by one per recorded request; `since(seq)` pages through the log. */
  seq: number;
  /** ISO time the request arrived. */
  at: string;
  method: string;
  /** URL path without the query, e.g. `/v1/accounts/A00000001`. */
  path: string;
  /** The Gentrack operation (`customer-sync`, `update-account`, `token`, ...); absent for unknown paths. */
  operation?: string;
  params: Record<string, string>;
  query: Record<string, string>;
  /** The request headers of interest (transaction headers, trace, on-behalf-of, content type, accept). */
  headers: Record<string, string>;
  transactionId?: string;
  partNumber?: number;
  transactionDateTime?: string;
  /** The account, customer or organisation number the call wrote to (writes only). */
  entity?: string;
  body: unknown;
  /** 0 when the connection was reset without an answer. */
  status: number;
  response: unknown;
  replay: boolean;
  /** A write applied although its X-Transaction-Date-Time is older than the last one applied to the same entity. */
  outOfOrder: boolean;
  /** The injected fault that answered this call instead of the operation ('429', '503', 'timeout', 'reset', ...). */
  faulted?: string;
  /** A write that changed the tenant's state (2xx, not a replay, not faulted). */
  effective: boolean;
}

export type NewCall = Omit<RecordedCall, 'seq'>;

export interface CallFilter {
  transactionId?: string;
  /** Exact path (`/v1/contacts/C00000001` or without `/v1`), or a pattern tested against the path. */
  path?: string | RegExp;
  method?: string;
  operation?: string;
}

export interface CallCounters {
  requests: number;
  /** Writes that changed state: kept even when recording is off, for benchmarks. */
  effectiveWrites: number;
  replays: number;
  faulted: number;
  outOfOrder: number;
}

export interface CallLogOptions {
  recording?: boolean;
  /** The oldest calls are dropped beyond this many. */
  capacity?: number;
}

const API_PREFIX = '/v1';

function matchesPath(call: RecordedCall, path: string | RegExp): boolean {
  if (typeof path !== 'string') return path.test(call.path);
  return call.path === path || call.path === API_PREFIX + path;
}

function zeroCounters(): CallCounters {
  return { requests: 0, effectiveWrites: 0, replays: 0, faulted: 0, outOfOrder: 0 };
}

/** The requests the tenant answered, in the order it answered them, plus counters that are always kept. */
export class CallLog {
  /** Turn off for benchmarks: counters still count, calls are not kept. */
  recording: boolean;
  readonly capacity: number;
  private entries: RecordedCall[] = [];
  private lastSeq = 0;
  private tally = zeroCounters();

  constructor(options: CallLogOptions = {}) {
    this.recording = options.recording ?? true;
    this.capacity = options.capacity ?? 100_000;
  }

  /**
   * Counts the call and keeps it when recording; returns the kept entry. Cheap to skip: callers check `recording`
   * before building one.
   */
  add(call: NewCall): RecordedCall | undefined {
    this.count(call);
    if (!this.recording) return undefined;
    this.lastSeq += 1;
    const entry = { seq: this.lastSeq, ...call };
    this.entries.push(entry);
    // Trim in batches so dropping old calls stays amortised O(1).
    if (this.entries.length > this.capacity * 1.25) this.entries.splice(0, this.entries.length - this.capacity);
    return entry;
  }

  count(call: Pick<NewCall, 'effective' | 'replay' | 'faulted' | 'outOfOrder'>): void {
    this.tally.requests += 1;
    if (call.effective) this.tally.effectiveWrites += 1;
    if (call.replay) this.tally.replays += 1;
    if (call.faulted !== undefined) this.tally.faulted += 1;
    if (call.outOfOrder) this.tally.outOfOrder += 1;
  }

  list(filter: CallFilter = {}): RecordedCall[] {
    return this.entries.filter(
      (call) =>
        (filter.transactionId === undefined || call.transactionId === filter.transactionId) &&
        (filter.path === undefined || matchesPath(call, filter.path)) &&
        (filter.method === undefined || call.method === filter.method.toUpperCase()) &&
        (filter.operation === undefined || call.operation === filter.operation),
    );
  }

  /** Calls recorded after the one numbered `seq` (0 for all), for polling from another process. */
  since(seq: number): RecordedCall[] {
    let low = 0;
    let high = this.entries.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.entries[middle]!.seq <= seq) low = middle + 1;
      else high = middle;
    }
    return this.entries.slice(low);
  }

  byTransactionId(transactionId: string): RecordedCall[] {
    return this.list({ transactionId });
  }

  byPath(path: string | RegExp): RecordedCall[] {
    return this.list({ path });
  }

  byOperation(operation: string): RecordedCall[] {
    return this.list({ operation });
  }

  last(): RecordedCall | undefined {
    return this.entries.at(-1);
  }

  get length(): number {
    return this.entries.length;
  }

  /** The seq of the latest recorded call (0 when none): pass it to `since` to get only newer calls. */
  get latestSeq(): number {
    return this.lastSeq;
  }

  get counters(): Readonly<CallCounters> {
    return { ...this.tally };
  }

  get effectiveWrites(): number {
    return this.tally.effectiveWrites;
  }

  /** Forgets the calls and zeroes the counters; seq keeps increasing so pollers using `since` are not confused. */
  clear(): void {
    this.entries = [];
    this.tally = zeroCounters();
  }
}
