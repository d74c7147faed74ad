/**
 * The one error the Gentrack client throws. It carries what the dispatcher needs to decide (errorType, retryable,
 * retryAfterMs) and what an operator needs to act (what was called, Gentrack's own message and details).
 */
import { GENTRACK_CALL_FAILED, RelayError, type CallFailedError } from '../errors.js';
import type { GentrackErrorType } from './gentrack-error-types.js';

/** One problem Gentrack located in a request (`path` into the body, or `headers.<name>`). */
export interface GentrackErrorDetail {
  readonly path: string;
  readonly message: string;
}

/** Which call failed, for the error message and for whoever handles the error. */
export interface FailedCall {
  readonly method: string;
  /** Full URL path, including the tenant's /v1 prefix. */
  readonly path: string;
  readonly origin: string;
  readonly transactionId?: string | undefined;
  readonly partNumber?: number | undefined;
  readonly partTotal?: number | undefined;
}

export interface GentrackCallFailure {
  readonly errorType: GentrackErrorType;
  readonly retryable: boolean;
  /** HTTP status, when the failure was an answer (absent for connectivity problems and timeouts). */
  readonly status?: number | undefined;
  readonly retryAfterMs?: number | undefined;
  /** `message` of Gentrack's error body (or the OAuth error_description of the token endpoint). */
  readonly gentrackMessage?: string | undefined;
  readonly details?: readonly GentrackErrorDetail[] | undefined;
  /** 'token': getting an access token failed, the API call itself was not made. */
  readonly stage: 'token' | 'call';
  /** The token URL, when stage is 'token'. */
  readonly tokenUrl?: string | undefined;
  /** Our own words when Gentrack gave none (e.g. the socket error). */
  readonly reason?: string | undefined;
  readonly cause?: unknown;
}

const MAX_DETAILS_IN_MESSAGE = 5;

function describeCall(call: FailedCall): string {
  let where = `${call.method} ${call.origin}${call.path}`;
  if (call.transactionId !== undefined) {
    where += ` (transaction ${call.transactionId}`;
    if (call.partTotal !== undefined && call.partTotal > 1) where += ` part ${call.partNumber}/${call.partTotal}`;
    where += ')';
  }
  return where;
}

function whatToDo(failure: GentrackCallFailure): string {
  if (failure.stage === 'token' && failure.gentrackMessage?.startsWith('invalid_scope'))
    return 'check the scopes the relay asks for (gentrack.scopes); will retry';
  if (failure.errorType === 'UNAUTHORIZED') return "check the relay's Gentrack client id and secret; will retry";
  if (failure.retryAfterMs !== undefined) return `retryable after ${failure.retryAfterMs} ms`;
  if (failure.retryable) return 'retryable';
  if (failure.status === undefined)
    return 'not retryable: the request cannot be sent as built; fix the data or the mapping';
  return 'not retryable: Gentrack rejected the request itself; fix the data or the mapping';
}

function describeFailure(call: FailedCall, failure: GentrackCallFailure): string {
  let text = `${describeCall(call)} failed: `;
  if (failure.stage === 'token') text += `could not get an access token from ${failure.tokenUrl ?? 'the token URL'}: `;
  text += `${failure.status === undefined ? '' : `${failure.status} `}${failure.errorType}`;
  const said = failure.gentrackMessage ?? failure.reason;
  if (said !== undefined && said !== '') text += `: ${said}`;
  const details = failure.details ?? [];
  const unsaid = details.filter((detail) => said === undefined || !said.includes(detail.message));
  if (unsaid.length > 0) {
    const shown = unsaid
      .slice(0, MAX_DETAILS_IN_MESSAGE)
      .map((detail) => `${detail.path || '(body)'}: ${detail.message}`);
    if (unsaid.length > MAX_DETAILS_IN_MESSAGE) shown.push(`and ${unsaid.length - MAX_DETAILS_IN_MESSAGE} more`);
    text += ` [${shown.join('; ')}]`;
  }
  return `${text} (${whatToDo(failure)})`;
}

export class GentrackCallError extends RelayError implements CallFailedError {
  override readonly name = 'GentrackCallError';
  readonly code = GENTRACK_CALL_FAILED;
  readonly errorType: GentrackErrorType;
  override readonly retryable: boolean;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly gentrackMessage: string | undefined;
  readonly details: readonly GentrackErrorDetail[];
  readonly stage: 'token' | 'call';
  readonly call: FailedCall;

  constructor(call: FailedCall, failure: GentrackCallFailure) {
    super(describeFailure(call, failure), failure.cause === undefined ? undefined : { cause: failure.cause });
    this.errorType = failure.errorType;
    this.retryable = failure.retryable;
    this.status = failure.status;
    this.retryAfterMs = failure.retryAfterMs;
    this.gentrackMessage = failure.gentrackMessage;
    this.details = failure.details ?? [];
    this.stage = failure.stage;
    this.call = call;
  }
}
