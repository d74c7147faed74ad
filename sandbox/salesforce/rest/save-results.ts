/**
 * DML outcomes as the REST API writes them: save results (whose errors say `statusCode`) for collections and
 * upserts, and a single failed record turned back into an error answer for single-record resources.
 */
import { SalesforceError, type SalesforceErrorDetail } from '../errors.js';
import type { DmlResult } from '../org/dml-engine.js';

export interface RestSaveResult {
  readonly id?: string;
  readonly success: boolean;
  readonly errors: readonly {
    readonly statusCode: string;
    readonly message: string;
    readonly fields: readonly string[];
  }[];
  readonly created?: boolean;
}

export function toRestSaveResult(result: DmlResult): RestSaveResult {
  return {
    ...(result.id === undefined ? {} : { id: result.id }),
    success: result.success,
    errors: result.errors.map((error) => ({
      statusCode: error.errorCode,
      message: error.message,
      fields: error.fields,
    })),
    ...(result.created === undefined ? {} : { created: result.created }),
  };
}

/** Statuses of the errors a single-record resource answers with something other than 400. */
const SINGLE_RECORD_STATUS: Readonly<Record<string, number>> = {
  ENTITY_IS_DELETED: 404,
  NOT_FOUND: 404,
};

/** The error a single-record call failed with, ready to be thrown to the error handler. */
export function singleRecordError(result: DmlResult): SalesforceError {
  const detail: SalesforceErrorDetail =
    result.errors.find((error) => error.errorCode !== 'ALL_OR_NONE_OPERATION_ROLLED_BACK') ?? result.errors[0]!;
  return new SalesforceError(
    detail.errorCode,
    detail.message,
    detail.fields,
    SINGLE_RECORD_STATUS[detail.errorCode] ?? 400,
  );
}
