/**
 * How a failed Gentrack call is classified: which error type it is and whether trying again can help. Pure, so the
 * table is tested without a network. Retrying is always safe in principle (Gentrack de-duplicates by
 * X-Transaction-Id); `retryable: false` means a retry would get the same answer.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { GentrackCallFailure, GentrackErrorDetail } from './gentrack-call-error.js';
import { errorTypeForBareStatus, isGentrackErrorType, type GentrackErrorType } from './gentrack-error-types.js';

/**
 * The error type a bare status stands for, when Gentrack's body does not name one: 408 Request Timeout is TIMEOUT, a
 * 504 from a gateway SERVER_ERROR.
 */
export function errorTypeForStatus(status: number): GentrackErrorType {
  return errorTypeForBareStatus(status, 408);
}

/**
 * Server-side trouble, throttling, request timeouts and 401 (seen only after one token refresh: an operator can fix
 * the credentials) may pass; any other 4xx is an answer about the request itself and will not change.
 */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 401 || status === 408 || status === 429;
}

/** Retry-After as delay-seconds or an HTTP date (RFC 9110 §10.2.3), in ms from `now`; undefined when unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now: number): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (text === undefined || text === '') return undefined;
  if (/^\d+(?:\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

interface ErrorBody {
  errorType?: GentrackErrorType;
  message?: string;
  details: GentrackErrorDetail[];
}

function readDetails(value: unknown): GentrackErrorDetail[] {
  if (!Array.isArray(value)) return [];
  const details: GentrackErrorDetail[] = [];
  for (const item of value) {
    if (typeof item !== 'object' || item === null) continue;
    const { path, message } = item as Record<string, unknown>;
    if (typeof message === 'string') details.push({ path: typeof path === 'string' ? path : '', message });
  }
  return details;
}

/** Gentrack's error body `{errorType, message, details}`; anything else (HTML from a proxy, empty) yields nothing. */
export function readErrorBody(text: string): ErrorBody {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { details: [] };
  }
  if (typeof parsed !== 'object' || parsed === null) return { details: [] };
  const body = parsed as Record<string, unknown>;
  const read: ErrorBody = { details: readDetails(body.details) };
  if (isGentrackErrorType(body.errorType)) read.errorType = body.errorType;
  if (typeof body.message === 'string') read.message = body.message;
  return read;
}

const MAX_RAW_TEXT_IN_MESSAGE = 200;

/** A non-2xx answer of the API. Gentrack's own errorType wins over the one the status implies. */
export function failureFromResponse(
  status: number,
  headers: IncomingHttpHeaders,
  text: string,
  now: number,
): GentrackCallFailure {
  const body = readErrorBody(text);
  const raw = text.trim();
  return {
    stage: 'call',
    status,
    errorType: body.errorType ?? errorTypeForStatus(status),
    retryable: isRetryableStatus(status),
    retryAfterMs: parseRetryAfter(headers['retry-after'], now),
    gentrackMessage: body.message,
    details: body.details,
    reason:
      body.message === undefined && raw !== ''
        ? `unexpected answer: ${raw.length > MAX_RAW_TEXT_IN_MESSAGE ? `${raw.slice(0, MAX_RAW_TEXT_IN_MESSAGE)}...` : raw}`
        : undefined,
  };
}

/** undici's response timeouts: the call may have reached Gentrack, which is fine (idempotent by transaction id). */
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
/** The request can never be sent as built (an invalid header value, say): a retry would fail the same way. */
const INVALID_REQUEST_CODES = new Set(['UND_ERR_INVALID_ARG', 'UND_ERR_NOT_SUPPORTED', 'ERR_INVALID_URL']);

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code } = error as { code?: unknown };
  if (typeof code === 'string') return code;
  // Happy-eyeballs connects fail with an AggregateError of the per-address errors.
  if (error instanceof AggregateError) return errorCode(error.errors[0]);
  return undefined;
}

function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const text = error.message || (error instanceof AggregateError ? errorText(error.errors[0]) : error.name);
  const code = errorCode(error);
  return code === undefined || text.includes(code) ? text : `${text} (${code})`;
}

/** Node's codes for a server certificate the relay does not trust. */
const UNTRUSTED_CERTIFICATE_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
]);
/** TLS alerts with which a server refuses the client's certificate, or its absence. */
const CLIENT_CERTIFICATE_ALERT =
  /^ERR_SSL_\w+_ALERT_(CERTIFICATE_REQUIRED|BAD_CERTIFICATE|UNKNOWN_CA|CERTIFICATE_UNKNOWN|CERTIFICATE_EXPIRED|CERTIFICATE_REVOKED|UNSUPPORTED_CERTIFICATE|ACCESS_DENIED)$/;
/** undici's words when a proxy answers CONNECT with anything but 200. */
const PROXY_REFUSAL = /^Proxy response \((\d{3})\) !== 200 when HTTP Tunneling$/;

/** What the relay's configuration can do about a failed connection, when the failure says. */
function connectionAdvice(code: string | undefined, message: string): string | undefined {
  if (code !== undefined && UNTRUSTED_CERTIFICATE_CODES.has(code)) {
    return "the server's certificate is not trusted: if it comes from a private CA or a TLS-inspecting proxy, set gentrack.tls.caFile to that CA's certificate (PEM)";
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return "the server's certificate is for another host name: check gentrack.baseUrl and gentrack.tokenUrl";
  }
  if (code !== undefined && CLIENT_CERTIFICATE_ALERT.test(code)) {
    return 'the server refused the TLS client certificate, or its absence: set gentrack.tls.certFile and gentrack.tls.keyFile to a certificate it accepts';
  }
  const proxyStatus = PROXY_REFUSAL.exec(message)?.[1];
  if (proxyStatus === '407') {
    return 'the proxy refused to open a tunnel: 407 Proxy Authentication Required: check gentrack.proxy.username and GENTRACK_PROXY_PASSWORD';
  }
  if (proxyStatus !== undefined) {
    return `the proxy refused to open a tunnel to Gentrack with HTTP ${proxyStatus}: check that gentrack.proxy.url is the right proxy and that it allows the Gentrack hosts`;
  }
  return undefined;
}

/**
 * A call that got no answer. Refused, reset, DNS failures, connect timeouts and anything unknown count as
 * CONNECTIVITY: nothing about the request itself is known to be wrong, so it stays retryable (also when the
 * relay's network settings are wrong: an operator can fix them without the change being dead-lettered).
 */
export function failureFromTransportError(
  error: unknown,
  stage: 'token' | 'call',
  responseTimeoutMs?: number,
): GentrackCallFailure {
  const code = errorCode(error);
  if (code !== undefined && TIMEOUT_CODES.has(code)) {
    const within = responseTimeoutMs === undefined ? 'the response timeout' : `${responseTimeoutMs} ms`;
    const reason = `no answer within ${within} (${code}); the call may have taken effect, a retry with the same transaction id is safe`;
    return { stage, errorType: 'TIMEOUT', retryable: true, reason, cause: error };
  }
  const text = errorText(error);
  const advice = connectionAdvice(code, error instanceof Error ? error.message : '');
  const reason = advice === undefined ? text : `${text}: ${advice}`;
  if (code !== undefined && INVALID_REQUEST_CODES.has(code)) {
    return { stage, errorType: 'CLIENT_ERROR', retryable: stage === 'token', reason, cause: error };
  }
  return { stage, errorType: 'CONNECTIVITY', retryable: true, reason, cause: error };
}
