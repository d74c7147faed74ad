import type { TokenStore } from '../auth/token-store.js';
import { validateBody } from '../schemas/body-validation.js';
import { errorTypeForStatus, type GentrackErrorType } from '../error-types.js';
import { seededRandom } from './prng.js';
import {
  randomFaultSettings,
  scriptedFaults,
  type FaultMatch,
  type RandomFaultKind,
  type RandomFaultSettings,
  type ScriptedFault,
} from './fault-settings.js';

/** What the pipeline does instead of running the operation. */
export type InjectedFault =
  | {
      kind: 'status';
      label: string;
      status: number;
      errorType: GentrackErrorType;
      message: string;
      retryAfterSeconds?: number;
    }
  | { kind: 'timeout'; label: 'timeout'; delayMs: number }
  | { kind: 'reset'; label: 'reset' };

/** The call a fault is chosen for. */
export interface FaultTarget {
  method: string;
  path: string;
  operation: string;
}

const DEFAULT_KINDS: readonly RandomFaultKind[] = ['500', '503', '429', 'timeout', 'reset'];
const DEFAULT_RETRY_AFTER_SECONDS = 1;
/** Longer than Gentrack's 60 s response timeout, so a relay using the documented timeout gives up first. */
const DEFAULT_TIMEOUT_MS = 65_000;

function matches(match: FaultMatch | undefined, target: FaultTarget): boolean {
  if (match === undefined) return true;
  if (match.method !== undefined && match.method.toUpperCase() !== target.method) return false;
  if (match.operation !== undefined && match.operation !== target.operation) return false;
  if (match.path === undefined) return true;
  if (typeof match.path === 'string') return target.path === match.path || target.path === `/v1${match.path}`;
  return match.path.test(target.path);
}

function statusFault(
  status: number,
  retryAfterSeconds: number | undefined,
  errorType?: GentrackErrorType,
  message?: string,
): InjectedFault {
  const type = errorType ?? errorTypeForStatus(status);
  return {
    kind: 'status',
    label: String(status),
    status,
    errorType: type,
    message: message ?? `Injected fault: ${type}`,
    ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
  };
}

/**
 * Decides, per API call, whether it fails instead of running: scripted faults first (in order), then random ones at
 * the configured rate. Faulted calls have no effect and their answers are never remembered for idempotency.
 */
export class FaultInjector {
  private settings: RandomFaultSettings = {};
  private random: () => number;
  private queue: ScriptedFault[] = [];

  constructor(
    private readonly tokens: TokenStore,
    private readonly defaultSeed = 1,
  ) {
    this.random = seededRandom(defaultSeed);
  }

  /** Random faults (replacing earlier settings). Invalid settings throw a GentrackApiError listing the problems. */
  set(settings: RandomFaultSettings): void {
    this.settings = validateBody(randomFaultSettings, settings, 'fault settings');
    this.random = seededRandom(this.settings.seed ?? this.defaultSeed);
  }

  /** Scripted faults for the next matching calls, in order, after any already queued. */
  injectNext(faults: ScriptedFault[]): void {
    this.queue.push(...validateBody(scriptedFaults, faults, 'scripted fault list'));
  }

  /** No more faults: random settings, latency and the scripted queue are cleared. */
  clear(): void {
    this.settings = {};
    this.queue = [];
    this.random = seededRandom(this.defaultSeed);
  }

  /** Every issued access token stops working, so the client must fetch a new one. */
  expireAllTokens(): void {
    this.tokens.expireAll();
  }

  get pending(): number {
    return this.queue.length;
  }

  get current(): Readonly<RandomFaultSettings> {
    return this.settings;
  }

  /** Latency added to every API call before it is processed. */
  get delayMs(): number {
    return this.settings.delayMs ?? 0;
  }

  /** Latency added to every API call after it was processed, before its answer. */
  get answerDelayMs(): number {
    return this.settings.answerDelayMs ?? 0;
  }

  /** @internal The fault for this call, if any; consumes a scripted fault or random draws. */
  pick(target: FaultTarget): InjectedFault | undefined {
    if (this.queue.length > 0) {
      const index = this.queue.findIndex((fault) => matches(fault.match, target));
      if (index >= 0) return this.resolveScripted(this.queue.splice(index, 1)[0]!);
    }
    const rate = this.settings.errorRate ?? 0;
    if (rate <= 0 || !matches(this.settings.match, target)) return undefined;
    if (this.random() >= rate) return undefined;
    const kinds = this.settings.kinds ?? DEFAULT_KINDS;
    return this.resolveRandom(kinds[Math.floor(this.random() * kinds.length)]!);
  }

  private resolveScripted(fault: ScriptedFault): InjectedFault {
    if ('status' in fault) {
      const retryAfter = fault.retryAfterSeconds ?? (fault.status === 429 ? this.retryAfterSeconds : undefined);
      return statusFault(fault.status, retryAfter, fault.errorType, fault.message);
    }
    if (fault.kind === 'reset') return { kind: 'reset', label: 'reset' };
    return { kind: 'timeout', label: 'timeout', delayMs: fault.delayMs ?? this.timeoutMs };
  }

  private resolveRandom(kind: RandomFaultKind): InjectedFault {
    if (kind === 'reset') return { kind: 'reset', label: 'reset' };
    if (kind === 'timeout') return { kind: 'timeout', label: 'timeout', delayMs: this.timeoutMs };
    const status = Number(kind);
    const retryAfter = status === 429 || status === 503 ? this.retryAfterSeconds : undefined;
    return statusFault(status, retryAfter);
  }

  private get retryAfterSeconds(): number {
    return this.settings.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS;
  }

  private get timeoutMs(): number {
    return this.settings.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }
}
