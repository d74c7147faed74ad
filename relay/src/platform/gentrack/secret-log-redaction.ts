/**
 * Pino redaction for anything the Gentrack client logs. The client never puts secrets into log objects in the first
 * place; these paths are the second line of defence, should an options object, a request's headers or a token
 * answer ever end up in a log line.
 */
import type { redactOptions } from 'pino';

const SECRET_KEYS = ['clientSecret', 'client_secret', 'accessToken', 'access_token', 'authorization', 'Authorization'];

export const SECRET_LOG_REDACTION: redactOptions = {
  paths: [...SECRET_KEYS, ...SECRET_KEYS.map((key) => `*.${key}`), ...SECRET_KEYS.map((key) => `*.headers.${key}`)],
  censor: '[redacted]',
};
