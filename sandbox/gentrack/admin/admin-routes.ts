import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { GentrackApiError } from '../api-error.js';
import type { TokenStore } from '../auth/token-store.js';
import type { CallLog } from '../call-log.js';
import type { FaultInjector } from '../faults/fault-injector.js';
import type { IdempotencyStore } from '../idempotency.js';
import { validateBody } from '../schemas/body-validation.js';
import type { TenantState } from '../store/tenant-state.js';
import type { WebhookSender } from '../webhooks/webhook-sender.js';
import { UTILITIES } from '../../../model/gentrack-api/meter-shapes.js';

export const ADMIN_PREFIX = '/__sandbox';

export interface AdminParts {
  state: TenantState;
  calls: CallLog;
  faults: FaultInjector;
  tokens: TokenStore;
  idempotency: IdempotencyStore;
  webhooks: WebhookSender;
  reset(): void;
}

const LOOPBACK_ADDRESSES = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

const webhookRequest = z.object({
  url: z.url(),
  eventType: z.string().min(1),
  data: z.unknown(),
  eventId: z.string().optional(),
  createdAt: z.string().optional(),
});

/** POST accounts/:ref/billing-history: the options of TenantState.seedBillingHistory. */
const billingHistoryRequest = z.strictObject({
  months: z.number().int().min(1).max(36).optional(),
  utility: z.enum(UTILITIES).optional(),
  unpaidBills: z.number().int().min(0).optional(),
  credit: z.number().nonnegative().optional(),
  billingEmail: z.email().optional(),
  paymentMethod: z.enum(['DirectDebit', 'CreditCard', 'none']).optional(),
  seed: z.number().int().optional(),
});

function jsonBody(raw: unknown): unknown {
  if (typeof raw !== 'string' || raw.trim() === '') return {};
  try {
    return JSON.parse(raw);
  } catch {
    throw new GentrackApiError('BAD_REQUEST', 'The request body is not valid JSON');
  }
}

function sendError(reply: FastifyReply, error: unknown): FastifyReply {
  const apiError =
    error instanceof GentrackApiError
      ? error
      : new GentrackApiError('INTERNAL_SERVER_ERROR', error instanceof Error ? error.message : String(error));
  return reply.code(apiError.status).send(apiError.toBody(undefined));
}

/**
 * Debug and control endpoints for the CLI and a demo running in another process. Loopback clients only: they
 * expose every call the relay made and let the caller break the tenant on purpose.
 */
export function registerAdminRoutes(app: FastifyInstance, parts: AdminParts): void {
  app.register(
    async (admin) => {
      admin.addHook('onRequest', async (request, reply) => {
        if (!LOOPBACK_ADDRESSES.has(request.socket.remoteAddress ?? '')) {
          await sendError(
            reply,
            new GentrackApiError('CLIENT_ERROR', 'Sandbox admin endpoints answer loopback clients only', [], 403),
          );
        }
      });
      admin.setErrorHandler((error, _request, reply) => sendError(reply, error));

      // The address `gentrack-sf sandbox` prints: what can be asked here.
      admin.get('/', async () => ({
        endpoints: {
          'GET calls?since=<seq>': 'every call the tenant answered, with its headers and outcome, and the counters',
          'DELETE calls': 'forget the call log',
          'GET state': 'the tenant data (accounts, contacts, customers, organisations) and the counters',
          'POST accounts/<accountNumber>/billing-history':
            'give an account months of bills, payments and meter reads: { "months": 6, "unpaidBills": 1 }',
          'POST faults': 'inject failures: { "rate": 0.3, "kinds": ["500", "503", "429", "timeout"] }',
          'POST faults/next': 'fail the next calls only',
          'DELETE faults': 'stop injecting failures',
          'POST tokens/expire': 'expire the access tokens issued so far',
          'POST reset': 'forget all data (tokens stay valid)',
          'GET webhooks/public-key': "the public key that checks the tenant's webhook signatures",
          'POST webhooks': 'send a signed Gentrack event to the configured webhook URL',
        },
      }));

      admin.get<{ Querystring: { since?: string } }>('/calls', async (request) => {
        const since = Number(request.query.since ?? 0);
        if (!Number.isInteger(since) || since < 0) {
          throw new GentrackApiError('BAD_REQUEST', 'since must be a non-negative integer (a call seq)', [
            { path: 'query.since', message: 'must be a non-negative integer' },
          ]);
        }
        return { calls: parts.calls.since(since), latestSeq: parts.calls.latestSeq, counters: parts.calls.counters };
      });

      admin.delete('/calls', async (_request, reply) => {
        parts.calls.clear();
        return reply.code(204).send();
      });

      admin.get('/state', async () => ({
        ...parts.state.snapshot(),
        counts: parts.state.counts(),
        counters: parts.calls.counters,
        faults: { settings: parts.faults.current, pending: parts.faults.pending },
        tokens: { issued: parts.tokens.issuedCount, active: parts.tokens.activeCount },
        idempotencyKeys: parts.idempotency.size,
      }));

      admin.post<{ Params: { ref: string } }>('/accounts/:ref/billing-history', async (request, reply) => {
        const options = validateBody(billingHistoryRequest, jsonBody(request.body));
        const history = parts.state.seedBillingHistory(request.params.ref, options);
        return reply.code(201).send({
          servicePointId: history.servicePointId,
          meterSerialNumber: history.meterSerialNumber,
          registerId: history.registerId,
          billIds: history.bills.map((bill) => bill.billId),
          balance: parts.state.balance(request.params.ref),
        });
      });

      admin.post('/faults', async (request) => {
        parts.faults.set(jsonBody(request.body) as Parameters<FaultInjector['set']>[0]);
        return { settings: parts.faults.current, pending: parts.faults.pending };
      });

      admin.post('/faults/next', async (request) => {
        parts.faults.injectNext(jsonBody(request.body) as Parameters<FaultInjector['injectNext']>[0]);
        return { settings: parts.faults.current, pending: parts.faults.pending };
      });

      admin.delete('/faults', async (_request, reply) => {
        parts.faults.clear();
        return reply.code(204).send();
      });

      admin.post('/tokens/expire', async (_request, reply) => {
        parts.faults.expireAllTokens();
        return reply.code(204).send();
      });

      admin.post('/reset', async (_request, reply) => {
        parts.reset();
        return reply.code(204).send();
      });

      admin.get('/webhooks/public-key', async (_request, reply) =>
        reply.type('application/x-pem-file').send(parts.webhooks.publicKeyPem),
      );

      admin.post('/webhooks', async (request) => {
        const { url, ...event } = validateBody(webhookRequest, jsonBody(request.body));
        const delivery = await parts.webhooks.send(url, event);
        return { status: delivery.status, envelope: delivery.envelope, responseBody: delivery.responseBody };
      });
    },
    { prefix: ADMIN_PREFIX },
  );
}
