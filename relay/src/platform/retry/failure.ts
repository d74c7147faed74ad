/**
 * What went wrong with one item a dispatcher works on, in the terms the retry policy decides on (see decide.ts).
 */
import { isCallFailedError } from '../errors.js';
import { isCircuitOpenError } from './circuit-breaker.js';

export type Failure =
  /** The breaker refused the call: not the item's fault, so waiting for it spends no attempt. */
  | { readonly kind: 'circuit-open'; readonly message: string }
  /** A failure that says whether trying again can help; `code` becomes the retry's or dead letter's reason code. */
  | {
      readonly kind: 'classified';
      readonly code: string;
      readonly message: string;
      readonly retryable: boolean;
      /** The least wait the other side asked for (Retry-After). */
      readonly retryAfterMs?: number | undefined;
    }
  /** An error nobody classified: a bug or an unexpected exception. */
  | { readonly kind: 'unclassified'; readonly message: string; readonly error: unknown };

/**
 * The failure a thrown error stands for. `where` names the call for the message (the operation, method and path);
 * `system` the breaker's system ('Gentrack', 'Salesforce').
 */
export function failureOf(error: unknown, where: string, system: string): Failure {
  if (isCircuitOpenError(error)) return { kind: 'circuit-open', message: `${system} circuit breaker is open` };
  if (isCallFailedError(error)) {
    return {
      kind: 'classified',
      code: error.errorType,
      message: `${where}: ${error.message}`,
      retryable: error.retryable,
      retryAfterMs: error.retryAfterMs,
    };
  }
  return {
    kind: 'unclassified',
    message: `${where}: ${error instanceof Error ? error.message : String(error)}`,
    error,
  };
}
