/**
 * The HTTP status each Gentrack error type travels with, as the sandbox tenant answers them. The types themselves
 * are the connector's (model/gentrack-error-types.ts).
 */
import {
  GENTRACK_ERROR_TYPES,
  errorTypeForBareStatus,
  isGentrackErrorType,
  type GentrackErrorType,
} from '../../model/gentrack-error-types.js';

export { GENTRACK_ERROR_TYPES, isGentrackErrorType, type GentrackErrorType };

/** Status sent with each error type. CONNECTIVITY and RETRY_EXHAUSTED are client-side outcomes in Gentrack's own
 * connector; the sandbox only emits them when a scripted fault asks for them. */
export const GENTRACK_ERROR_STATUS: Readonly<Record<GentrackErrorType, number>> = {
  BAD_REQUEST: 400,
  CLIENT_ERROR: 400,
  CONNECTIVITY: 502,
  INTERNAL_SERVER_ERROR: 500,
  NOT_ACCEPTABLE: 406,
  NOT_FOUND: 404,
  RETRY_EXHAUSTED: 503,
  SERVER_ERROR: 502,
  SERVICE_UNAVAILABLE: 503,
  TIMEOUT: 504,
  TOO_MANY_REQUESTS: 429,
  UNAUTHORIZED: 401,
  UNSUPPORTED_MEDIA_TYPE: 415,
};

/**
 * The error type that best describes a bare HTTP status (used for scripted faults that only give a status): 504 is
 * TIMEOUT, the status the tenant sends TIMEOUT with.
 */
export function errorTypeForStatus(status: number): GentrackErrorType {
  return errorTypeForBareStatus(status, GENTRACK_ERROR_STATUS.TIMEOUT);
}
