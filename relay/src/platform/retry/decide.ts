/**
 * The one retry policy of both dispatchers (Salesforce -> Gentrack outbox, Gentrack -> Salesforce inbox): given what
 * went wrong and how often the item was tried, what to do next. Pure (the jitter's randomness is the policy's), so
 * every branch is tested without a store, a timer or a network; the dispatchers only carry the decision out.
 */
import { backoffWithJitterMs } from './backoff.js';
import type { Failure } from './failure.js';

export interface RetryPolicy {
  /** Attempts before a retryable failure is dead-lettered as RETRY_EXHAUSTED. */
  readonly maxAttempts: number;
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
  /** How long an open breaker refuses calls: the least wait for an item it refused. */
  readonly breakerHalfOpenAfterMs: number;
  /**
   * An unclassified error: 'retry' keeps the item and tries again as INTERNAL_ERROR (the inbox: a bug must not lose
   * a batch); 'raise' hands the error back to be thrown (the outbox: a bug surfaces instead of looping).
   */
  readonly unclassified: 'retry' | 'raise';
  readonly random: () => number;
}

/** The policy out of a dispatcher's options (which share these names) and its choice for unclassified errors. */
export function retryPolicyOf(
  options: Omit<RetryPolicy, 'unclassified'>,
  unclassified: RetryPolicy['unclassified'],
): RetryPolicy {
  const { maxAttempts, initialBackoffMs, maxBackoffMs, breakerHalfOpenAfterMs, random } = options;
  return { maxAttempts, initialBackoffMs, maxBackoffMs, breakerHalfOpenAfterMs, random, unclassified };
}

export const RETRY_EXHAUSTED = 'RETRY_EXHAUSTED';
export const CIRCUIT_OPEN = 'CIRCUIT_OPEN';
export const INTERNAL_ERROR = 'INTERNAL_ERROR';

export type Decision =
  /** Try again in `delayMs`; `attempts` is the count to store; `code: message` is the reason to record. */
  | {
      readonly action: 'retry';
      readonly delayMs: number;
      readonly attempts: number;
      readonly code: string;
      readonly message: string;
    }
  /** Wait for the breaker to let a call through; `attempts` is unchanged (the wait is not the item's fault). */
  | {
      readonly action: 'wait-for-breaker';
      readonly delayMs: number;
      readonly attempts: number;
      readonly code: typeof CIRCUIT_OPEN;
      readonly message: string;
    }
  /** It can never succeed (or tried often enough): dead-letter it with this reason. */
  | { readonly action: 'dead-letter'; readonly code: string; readonly message: string }
  /** An unclassified error the policy does not absorb: throw it. */
  | { readonly action: 'raise'; readonly error: unknown };

/** What to do after `failure`, for an item already tried `attempts` times (as stored before this try). */
export function decide(failure: Failure, attempts: number, policy: RetryPolicy): Decision {
  if (failure.kind === 'unclassified' && policy.unclassified === 'raise')
    return { action: 'raise', error: failure.error };
  const code =
    failure.kind === 'classified' ? failure.code : failure.kind === 'circuit-open' ? CIRCUIT_OPEN : INTERNAL_ERROR;
  const { message } = failure;
  if (failure.kind === 'classified' && !failure.retryable) return { action: 'dead-letter', code, message };

  const breakerWait = failure.kind === 'circuit-open';
  const spent = attempts + (breakerWait ? 0 : 1);
  if (spent >= policy.maxAttempts) {
    return {
      action: 'dead-letter',
      code: RETRY_EXHAUSTED,
      message: `gave up after ${spent} attempts; last error ${code}: ${message}`,
    };
  }
  const minimumDelayMs = breakerWait
    ? policy.breakerHalfOpenAfterMs
    : failure.kind === 'classified'
      ? (failure.retryAfterMs ?? 0)
      : 0;
  const backoffMs = backoffWithJitterMs(
    Math.max(1, spent),
    policy.initialBackoffMs,
    policy.maxBackoffMs,
    policy.random,
  );
  const delayMs = Math.max(minimumDelayMs, backoffMs);
  if (breakerWait) return { action: 'wait-for-breaker', delayMs, attempts: spent, code: CIRCUIT_OPEN, message };
  return { action: 'retry', delayMs, attempts: spent, code, message };
}
