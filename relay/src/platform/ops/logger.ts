/**
 * The relay's structured logger: pino with ISO timestamps, level names, and redaction of everything that can carry
 * a secret or a token. Redaction has two layers: the value under any sensitive key, at any depth and in any case, is
 * replaced before serialization (log fields, child bindings, errors' properties); then a last pass over each written
 * line blanks what slipped through as text: sensitive string values in objects the first pass cannot see into,
 * bearer tokens and credentials in query strings. `Secret` values print `[redacted]` on their own.
 * (pino's own `redact` needs one wildcard path per depth and key, which cost ~100 µs a line; this costs a few.)
 *
 * Convention: the process creates one logger; each module takes it and derives `componentLogger(logger, 'delivery')`
 * so every line says which part of the relay wrote it.
 */
import { hostname } from 'node:os';
import { pino, stdSerializers, stdTimeFunctions, type DestinationStream, type Logger, type redactOptions } from 'pino';
import { RELAY_SECRET_SPECS } from '../config/secret-table.js';

export type { Logger } from 'pino';

export const REDACTED = '[redacted]';

/** Keys whose values are credentials wherever they appear (headers, token responses, options objects). */
export const SENSITIVE_KEYS: readonly string[] = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-payload-signature',
  'x-api-key',
  'password',
  'clientSecret',
  'client_secret',
  'securityToken',
  'security_token',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'idToken',
  'id_token',
  'sessionId',
  'token',
  'secret',
  'apiKey',
  'api_key',
  'privateKey',
  'private_key',
  'client_assertion',
  'assertion',
  ...RELAY_SECRET_SPECS.map((spec) => spec.name),
];

const SENSITIVE_KEY_SET = new Set(SENSITIVE_KEYS.map((key) => key.toLowerCase()));

/** Deep enough for `err.response.config.headers.authorization`; bounded so a huge or cyclic object stays cheap. */
const REDACT_DEPTH = 8;

/**
 * A copy of `value` with the value under every sensitive key (any case, any depth) replaced. Copies only what it
 * changes, so the caller's objects are never modified and clean objects cost one walk. Class instances other than
 * plain objects and arrays are left to the line filter (their JSON form is not known here).
 */
export function redactValue(value: unknown, depth = 0): unknown {
  if (depth > REDACT_DEPTH || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item, index) => {
      const redacted = redactValue(item, depth + 1);
      if (redacted !== item) (copy ??= [...value])[index] = redacted;
    });
    return copy ?? value;
  }
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null) return value;
  const record = value as Record<string, unknown>;
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(record)) {
    const item = record[key];
    const redacted = SENSITIVE_KEY_SET.has(key.toLowerCase()) ? REDACTED : redactValue(item, depth + 1);
    if (redacted !== item) (copy ??= { ...record })[key] = redacted;
  }
  return copy ?? value;
}

const redactRecord = (record: Record<string, unknown>) => redactValue(record) as Record<string, unknown>;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
const SENSITIVE_STRING_VALUE = new RegExp(
  `"(${SENSITIVE_KEYS.map(escapeRegExp).join('|')})":"(?:[^"\\\\]|\\\\.)*"`,
  'gi',
);
const BEARER_TOKEN = /\b(Bearer\s+)[\w\-.~+/]+=*/gi;
const QUERY_CREDENTIAL = /([?&](?:access_token|token|client_secret|password|code|signature)=)[^&"\s]*/gi;

/** The last pass over a written line (exported for tests of other modules' output). */
export function redactLine(line: string): string {
  return line
    .replace(SENSITIVE_STRING_VALUE, `"$1":"${REDACTED}"`)
    .replace(BEARER_TOKEN, `$1${REDACTED}`)
    .replace(QUERY_CREDENTIAL, `$1${REDACTED}`);
}

export interface CreateLoggerOptions {
  readonly level: string;
  /** Where lines go; stdout by default. Tests pass `{ write(line) {...} }`. */
  readonly destination?: DestinationStream;
  /** Fields on every line, e.g. `{ tenantId }`. */
  readonly base?: Record<string, unknown>;
}

export function createLogger(options: CreateLoggerOptions): Logger {
  const loggerOptions = {
    level: options.level,
    base: { service: 'gentrack-relay', pid: process.pid, hostname: hostname(), ...options.base },
    timestamp: stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }), log: redactRecord, bindings: redactRecord },
    // Serializers run after `formatters.log`, so an error's own properties (request options...) are redacted here.
    serializers: { err: (error: Error) => redactValue(stdSerializers.err(error)) },
    hooks: { streamWrite: redactLine },
  };
  return options.destination ? pino(loggerOptions, options.destination) : pino(loggerOptions);
}

/** The names modules use for `component`; free text is allowed for new ones, these keep dashboards consistent. */
export type RelayComponent =
  | 'config'
  | 'subscriber'
  | 'store'
  | 'delivery'
  | 'gentrack-client'
  | 'salesforce-client'
  | 'write-back'
  | 'webhooks'
  | 'ops-server'
  | (string & {});

export function componentLogger(
  logger: Logger,
  component: RelayComponent,
  bindings: Record<string, unknown> = {},
  options?: { readonly redact?: redactOptions },
): Logger {
  // A logger that already names its component (the composition root named it) keeps that name: pino would write
  // a second `component` key into the same JSON line, which some log stores reject.
  const named = 'component' in logger.bindings();
  const childBindings = named ? bindings : { component, ...bindings };
  return options?.redact ? logger.child(childBindings, { redact: options.redact }) : logger.child(childBindings);
}
