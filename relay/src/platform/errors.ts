/**
 * The one base of the errors the relay and its CLI raise on purpose. Each carries a stable `code` (as undici's
 * UND_ERR_* and fastify's FST_ERR_*): callers branch on it, and logs, dead letters and API answers show it, so a
 * message can be reworded without breaking anyone. model/ keeps its own errors: it imports nothing of the relay.
 */
export abstract class RelayError extends Error {
  /** Stable, upper snake case; see errors.test.ts for the list. */
  abstract readonly code: string;
  /** Whether the same operation may succeed later; only errors a retry policy decides on say (see retry/). */
  declare readonly retryable?: boolean;
}

export function isRelayError(error: unknown): error is RelayError {
  return error instanceof RelayError;
}

/**
 * Whether `error` is the relay error with one of these codes: how callers tell errors apart. A code names one class
 * (errors.test.ts checks), so the code is as good as the class for reading its fields.
 */
export function hasCode<T extends RelayError>(error: unknown, ...codes: readonly T['code'][]): error is T {
  return isRelayError(error) && (codes as readonly string[]).includes(error.code);
}

/** The codes of a failed call to Gentrack or to Salesforce: the failures the dispatchers retry or dead-letter. */
export const GENTRACK_CALL_FAILED = 'GENTRACK_CALL_FAILED';
export const SALESFORCE_CALL_FAILED = 'SALESFORCE_CALL_FAILED';

/** A failed call: `errorType` names what went wrong (the reason code of retries and dead letters). */
export interface CallFailedError extends RelayError {
  readonly code: typeof GENTRACK_CALL_FAILED | typeof SALESFORCE_CALL_FAILED;
  readonly errorType: string;
  readonly retryable: boolean;
  /** The least wait the other side asked for (Retry-After). */
  readonly retryAfterMs?: number | undefined;
}

export function isCallFailedError(error: unknown): error is CallFailedError {
  return isRelayError(error) && (error.code === GENTRACK_CALL_FAILED || error.code === SALESFORCE_CALL_FAILED);
}
