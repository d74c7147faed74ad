/**
 * The error types Gentrack's APIs answer with (the connector reference lists exactly these). The relay classifies
 * failures by them and the sandbox tenant emits them, so both import this one list.
 */
export const GENTRACK_ERROR_TYPES = [
  'BAD_REQUEST',
  'CLIENT_ERROR',
  'CONNECTIVITY',
  'INTERNAL_SERVER_ERROR',
  'NOT_ACCEPTABLE',
  'NOT_FOUND',
  'RETRY_EXHAUSTED',
  'SERVER_ERROR',
  'SERVICE_UNAVAILABLE',
  'TIMEOUT',
  'TOO_MANY_REQUESTS',
  'UNAUTHORIZED',
  'UNSUPPORTED_MEDIA_TYPE',
] as const;

export type GentrackErrorType = (typeof GENTRACK_ERROR_TYPES)[number];

export function isGentrackErrorType(value: unknown): value is GentrackErrorType {
  return typeof value === 'string' && (GENTRACK_ERROR_TYPES as readonly string[]).includes(value);
}

/** The error type each status that Gentrack gives one of its own stands for (TIMEOUT aside: see errorTypeForBareStatus). */
const ERROR_TYPE_BY_STATUS: ReadonlyMap<number, GentrackErrorType> = new Map([
  [400, 'BAD_REQUEST'],
  [401, 'UNAUTHORIZED'],
  [404, 'NOT_FOUND'],
  [406, 'NOT_ACCEPTABLE'],
  [415, 'UNSUPPORTED_MEDIA_TYPE'],
  [429, 'TOO_MANY_REQUESTS'],
  [500, 'INTERNAL_SERVER_ERROR'],
  [503, 'SERVICE_UNAVAILABLE'],
]);

/**
 * The error type a bare HTTP status stands for, when no body names one; any other status is SERVER_ERROR from 500 up
 * and CLIENT_ERROR below. `timeoutStatus` is the status read as TIMEOUT, which is where the two ends differ: the relay
 * (a client) reads 408 Request Timeout so, while the sandbox tenant sends TIMEOUT with 504.
 */
export function errorTypeForBareStatus(status: number, timeoutStatus: number): GentrackErrorType {
  if (status === timeoutStatus) return 'TIMEOUT';
  return ERROR_TYPE_BY_STATUS.get(status) ?? (status >= 500 ? 'SERVER_ERROR' : 'CLIENT_ERROR');
}
