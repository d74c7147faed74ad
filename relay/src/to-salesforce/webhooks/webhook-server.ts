/**
 * `POST /webhooks/gentrack`: where Gentrack delivers its signed webhook events. A request is accepted only when its
 * signature verifies over the raw body bytes with a configured key, its time is within the tolerance, its envelope
 * is well formed and names the configured application and an allowed tenant; the event is then stored durably in the
 * inbox before the 2xx answer (202 new, 200 duplicate eventId). Anything else is refused with its status and nothing
 * is stored; each refusal is logged with its reason and never with the body (it holds personal data).
 */
import type { KeyObject } from 'node:crypto';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { readEnvelope, type GentrackEnvelope } from './gentrack-envelope.js';
import { SIGNATURE_HEADER, verifyPayloadSignature } from './payload-signature.js';
import { RelayError } from '../../platform/errors.js';
import { listenOrExplain } from '../../platform/http/listen.js';

export const WEBHOOK_PATH = '/webhooks/gentrack';

export type RefusalCode =
  | 'SIGNATURE_MISSING'
  | 'SIGNATURE_MALFORMED'
  | 'TIMESTAMP_OUT_OF_TOLERANCE'
  | 'SIGNATURE_INVALID'
  | 'BODY_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'BODY_INVALID_JSON'
  | 'ENVELOPE_INVALID'
  | 'CREATED_AT_IN_FUTURE'
  | 'APP_UNKNOWN'
  | 'TENANT_UNKNOWN'
  | 'NOT_FOUND'
  | 'STORE_FAILED';

/** The answer of each refusal: 401 when the sender is not proven, 403 when it is but not for this relay. */
export const REFUSAL_STATUS: Readonly<Record<RefusalCode, number>> = {
  SIGNATURE_MISSING: 401,
  SIGNATURE_MALFORMED: 401,
  TIMESTAMP_OUT_OF_TOLERANCE: 401,
  SIGNATURE_INVALID: 401,
  CREATED_AT_IN_FUTURE: 422,
  BODY_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  BODY_INVALID_JSON: 400,
  ENVELOPE_INVALID: 400,
  APP_UNKNOWN: 403,
  TENANT_UNKNOWN: 403,
  NOT_FOUND: 404,
  // The event was not stored: Gentrack should deliver it again.
  STORE_FAILED: 503,
};

export interface WebhookServerOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly appId: string;
  readonly tenantIds: readonly string[];
  readonly keys: readonly KeyObject[];
  readonly toleranceSeconds: number;
  readonly bodyLimitBytes: number;
  /** Stores an accepted event durably (synchronously) and says whether it was new. */
  readonly store: (envelope: GentrackEnvelope, rawBody: string) => 'stored' | 'duplicate';
  /** Called after an event was stored (to start applying it). */
  readonly onStored?: (envelope: GentrackEnvelope) => void;
  readonly onRefused?: (code: RefusalCode) => void;
  readonly logger: Logger;
  readonly clock?: () => number;
}

export interface WebhookServer {
  /** e.g. http://127.0.0.1:8789/webhooks/gentrack */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export class WebhookServerError extends RelayError {
  readonly code = 'WEBHOOK_SERVER_LISTEN_FAILED';
}

/** A webhook the relay refuses; `refusal` is the code its answer carries. */
export class Refusal extends RelayError {
  readonly code = 'WEBHOOK_REFUSED';
  constructor(
    readonly refusal: RefusalCode,
    readonly reason: string,
    readonly detail: Record<string, unknown> = {},
  ) {
    super(reason);
  }
}

export async function startWebhookServer(options: WebhookServerOptions): Promise<WebhookServer> {
  const logger = options.logger;
  const clock = options.clock ?? Date.now;
  const tenants = new Set(options.tenantIds);
  // No fastify logger: it would log every request; refusals and receipts are logged here, without bodies.
  const app = Fastify({ bodyLimit: options.bodyLimitBytes, return503OnClosing: true });

  // The signature covers the bytes as sent: keep them, parse JSON only after the signature verified.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer', bodyLimit: options.bodyLimitBytes },
    (_request, body, done) => done(null, body),
  );

  const refuse = (request: FastifyRequest, reply: FastifyReply, refusal: Refusal) => {
    const status = REFUSAL_STATUS[refusal.refusal];
    logger.warn(
      {
        refusal: refusal.refusal,
        status,
        remoteAddress: request.ip,
        bytes: request.headers['content-length'],
        ...refusal.detail,
      },
      `Gentrack webhook refused: ${refusal.reason}`,
    );
    options.onRefused?.(refusal.refusal);
    return reply
      .code(status)
      .header('cache-control', 'no-store')
      .send({ error: refusal.refusal, message: refusal.reason });
  };

  app.post(WEBHOOK_PATH, async (request, reply) => {
    const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const signature = verifyPayloadSignature({
      header: request.headers[SIGNATURE_HEADER],
      rawBody,
      keys: options.keys,
      nowMs: clock(),
      toleranceSeconds: options.toleranceSeconds,
    });
    if (!signature.ok) return refuse(request, reply, new Refusal(signature.code, signature.reason));

    let parsed: unknown;
    try {
      parsed = JSON.parse(rawBody.toString('utf8'));
    } catch {
      return refuse(request, reply, new Refusal('BODY_INVALID_JSON', 'the body is not valid JSON'));
    }
    const reading = readEnvelope(parsed);
    if ('problem' in reading)
      return refuse(
        request,
        reply,
        new Refusal('ENVELOPE_INVALID', `not a Gentrack event envelope: ${reading.problem}`),
      );
    const { envelope } = reading;
    const about = { eventId: envelope.eventId, eventType: envelope.eventType };
    // An event cannot be newer than its signature. Newer values win per field, so one event dated far ahead (a
    // clock fault, or a signing key in the wrong hands) would make every later event for those fields "superseded".
    const latestCreatedAtMs = (signature.timestampSeconds + options.toleranceSeconds) * 1000;
    if (envelope.createdAtMs > latestCreatedAtMs) {
      return refuse(
        request,
        reply,
        new Refusal(
          'CREATED_AT_IN_FUTURE',
          `createdAt ${envelope.createdAt} is later than the signature time plus the tolerance (${options.toleranceSeconds} s)`,
          about,
        ),
      );
    }
    if (envelope.appId !== options.appId) {
      return refuse(
        request,
        reply,
        new Refusal('APP_UNKNOWN', 'the event is for another Gentrack application', {
          ...about,
          appId: envelope.appId,
        }),
      );
    }
    if (!tenants.has(envelope.tenantId)) {
      return refuse(
        request,
        reply,
        new Refusal('TENANT_UNKNOWN', 'the event is from a Gentrack tenant this relay does not serve', {
          ...about,
          gentrackTenantId: envelope.tenantId,
        }),
      );
    }

    let outcome: 'stored' | 'duplicate';
    try {
      outcome = options.store(envelope, rawBody.toString('utf8'));
    } catch (error) {
      logger.error({ err: error, ...about }, 'a Gentrack webhook could not be stored');
      return refuse(
        request,
        reply,
        new Refusal('STORE_FAILED', 'the event could not be stored; deliver it again', about),
      );
    }
    if (outcome === 'stored') {
      logger.info({ ...about, gentrackTenantId: envelope.tenantId }, 'Gentrack event received');
      options.onStored?.(envelope);
    } else {
      logger.info(about, 'Gentrack event received again: already in the inbox, no second effect');
    }
    return reply
      .code(outcome === 'stored' ? 202 : 200)
      .header('cache-control', 'no-store')
      .send({ eventId: envelope.eventId, status: outcome === 'stored' ? 'accepted' : 'duplicate' });
  });

  app.setNotFoundHandler((request, reply) =>
    refuse(request, reply, new Refusal('NOT_FOUND', `only POST ${WEBHOOK_PATH} is served`, { method: request.method })),
  );

  // fastify refuses oversized, unsupported and empty bodies before the route runs: answer those as refusals too.
  app.setErrorHandler((error: { code?: string; statusCode?: number; message: string }, request, reply) => {
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return refuse(
        request,
        reply,
        new Refusal('BODY_TOO_LARGE', `the body is larger than ${options.bodyLimitBytes} bytes`),
      );
    }
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return refuse(
        request,
        reply,
        new Refusal('UNSUPPORTED_MEDIA_TYPE', 'the body must be application/json', {
          contentType: request.headers['content-type'],
        }),
      );
    }
    if (error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY')
      return refuse(request, reply, new Refusal('BODY_INVALID_JSON', 'the body is empty'));
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      return refuse(
        request,
        reply,
        new Refusal('BODY_INVALID_JSON', `the request could not be read (${error.code ?? error.statusCode})`),
      );
    }
    logger.error({ err: error }, 'the webhook server failed on a request');
    return reply.code(500).send({ error: 'INTERNAL_ERROR', message: 'the relay failed; deliver the event again' });
  });

  const listening = await listenOrExplain(
    app,
    {
      host: options.host,
      port: options.port,
      hostSetting: 'webhooks.host (GENTRACK_RELAY_WEBHOOKS_HOST)',
      portSetting: 'webhooks.port (GENTRACK_RELAY_WEBHOOKS_PORT)',
    },
    (reason, cause) => new WebhookServerError(`the webhook server ${reason}`, { cause }),
  );
  const { port } = listening;
  // A listener on every interface is reached on this machine through loopback.
  const host = options.host === '0.0.0.0' ? '127.0.0.1' : listening.urlHost;
  logger.info(
    { host: options.host, port, path: WEBHOOK_PATH, keys: options.keys.length },
    'Gentrack webhook server listening',
  );
  let closing: Promise<void> | undefined;
  return { url: `http://${host}:${port}${WEBHOOK_PATH}`, port, close: () => (closing ??= app.close()) };
}
