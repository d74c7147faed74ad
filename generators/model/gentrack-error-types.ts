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
