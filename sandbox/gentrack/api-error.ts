import { GENTRACK_ERROR_STATUS, type GentrackErrorType } from './error-types.js';

/** One problem in a request, located by a dot-separated path into the body (or `headers.<name>`). */
export interface ErrorDetail {
  path: string;
  message: string;
}

/** The body of every error answer, as Gentrack sends it. */
export interface GentrackErrorBody {
  errorType: GentrackErrorType;
  message: string;
  details: ErrorDetail[];
  transactionId?: string;
}

/** An error an operation raises to answer with a Gentrack error body; the pipeline turns it into the response. */
export class GentrackApiError extends Error {
  override readonly name = 'GentrackApiError';
  readonly status: number;

  constructor(
    readonly errorType: GentrackErrorType,
    message: string,
    readonly details: ErrorDetail[] = [],
    status?: number,
  ) {
    super(message);
    this.status = status ?? GENTRACK_ERROR_STATUS[errorType];
  }

  toBody(transactionId: string | undefined): GentrackErrorBody {
    return errorBody(this.errorType, this.message, this.details, transactionId);
  }
}

export function errorBody(
  errorType: GentrackErrorType,
  message: string,
  details: ErrorDetail[] = [],
  transactionId?: string,
): GentrackErrorBody {
  return transactionId === undefined ? { errorType, message, details } : { errorType, message, details, transactionId };
}

export function notFound(what: string, reference: string, path?: string): GentrackApiError {
  const message = `${what} '${reference}' was not found`;
  return new GentrackApiError('NOT_FOUND', message, path === undefined ? [] : [{ path, message }]);
}

export function badRequest(message: string, details: ErrorDetail[] = []): GentrackApiError {
  return new GentrackApiError('BAD_REQUEST', message, details);
}
