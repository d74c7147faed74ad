/**
 * Gentrack operations that are not de-duplicated by X-Transaction-Id: the connector reference lists them without
 * transaction headers, so sending one again (a redelivery after a crash between the call and the record of its
 * answer, or a retry after a timeout) would create a second entity. Before such a call the relay reads what the call
 * would have made and sends it only when that is not there yet. The read is keyed by the change: the request body
 * names the Salesforce change (see planGentrackCalls), and what Gentrack returns must carry the same values.
 *
 * Pure: the dispatcher makes the read and the call.
 */
import type { GentrackOperationName } from '../../../model/gentrack-operations.js';
import type { GentrackCall } from './gentrack-calls.js';

export interface CreateOnce {
  /** The read that returns what the call makes (the latest one, if several). */
  read(call: GentrackCall): { readonly method: 'GET'; readonly path: string };
  /** Whether what the read returned is this call's effect. */
  made(found: unknown, call: GentrackCall): boolean;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const CREATE_ONCE: Partial<Record<GentrackOperationName, CreateOnce>> = {
  // POST /accounts/{ref}/review opens a review; GET at the same path answers the account's latest review (404 when
  // it has none). Its reason names the Salesforce change (and its salesforceId the record), so an equal review is
  // this change's. Only the latest is readable: a review someone else opened between the call and its redelivery
  // hides ours, and the redelivery opens a second one. That window is the relay's restart time.
  'create-account-review': {
    read: (call) => ({ method: 'GET', path: call.path }),
    made: (found, call) =>
      isRecord(found) && found.reason === call.body.reason && found.salesforceId === call.body.salesforceId,
  },
};

/** How to keep `operation` from taking effect twice, when Gentrack's transaction ids do not. */
export function createOnceOf(operation: GentrackOperationName): CreateOnce | undefined {
  return CREATE_ONCE[operation];
}
