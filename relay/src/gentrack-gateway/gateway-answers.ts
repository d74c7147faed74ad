/**
 * What the gateway answers Salesforce when a call does not succeed, in one body shape the Apex client reads:
 *   { errorCode, message, source: 'gentrack' | 'relay', errorType?, details? }
 * Gentrack's refusals keep Gentrack's error type (errorCode = errorType = e.g. NOT_FOUND) and its message and
 * details. The status is Gentrack's, except where passing it on would mislead the caller: Gentrack refusing the
 * relay's own token (401/403) or not answering is a bad gateway (502, or 504 on a timeout), not the caller's fault.
 */
import type { GentrackCallError } from '../platform/gentrack/gentrack-call-error.js';
import { allowSettingOf } from '../../../model/gentrack-api-access.js';

export interface GatewayErrorBody {
  readonly errorCode: string;
  readonly message: string;
  readonly source: 'gentrack' | 'relay';
  readonly errorType?: string;
  readonly details?: readonly { readonly path: string; readonly message: string }[];
}

export interface GatewayErrorAnswer {
  readonly status: number;
  readonly body: GatewayErrorBody;
  readonly retryAfterSeconds?: number;
}

export function relayRefusal(status: number, errorCode: string, message: string): GatewayErrorAnswer {
  return { status, body: { errorCode, message, source: 'relay' } };
}

export function gentrackFailure(operation: string, error: GentrackCallError): GatewayErrorAnswer {
  let status: number;
  if (error.stage === 'token' || error.status === 401 || error.status === 403) status = 502;
  else if (error.status === undefined) status = error.errorType === 'TIMEOUT' ? 504 : 502;
  else status = error.status;
  const said =
    error.stage === 'token'
      ? `the relay could not sign in to Gentrack (${error.errorType}); tell the relay's operator`
      : (error.gentrackMessage ??
        (error.status === undefined
          ? `Gentrack did not answer ${operation} (${error.errorType})`
          : `Gentrack refused ${operation} (HTTP ${error.status})`));
  return {
    status,
    body: {
      errorCode: error.errorType,
      errorType: error.errorType,
      message: said,
      source: 'gentrack',
      ...(error.details.length > 0 ? { details: error.details } : {}),
    },
    ...(error.retryAfterMs === undefined
      ? {}
      : { retryAfterSeconds: Math.max(1, Math.ceil(error.retryAfterMs / 1000)) }),
  };
}

/** The refusal of an operation the model closes, naming the setting that opens it. */
export function operationClosed(operation: string, method: string, configured: boolean): GatewayErrorAnswer {
  const setting = allowSettingOf(operation);
  const why = !configured
    ? 'the connector model has no gentrackApi section, so Salesforce may call no Gentrack operation'
    : method === 'GET'
      ? `${setting} is false in the connector model`
      : `writes are closed unless the connector model opens them, and ${setting} is not true`;
  return relayRefusal(
    403,
    'OPERATION_NOT_ALLOWED',
    `${operation} is not open to Salesforce: ${why}. To open it, set ${setting}: true in config/connector.yaml, regenerate and redeploy the relay.`,
  );
}
