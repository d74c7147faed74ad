/**
 * The dead-letter pages and actions. Retrying and discarding go through the relay's one dead-letter path (the same
 * as `gentrack-sf dlq`); every action is in the audit log with its outcome. Payloads are masked unless the user's
 * role may see personal data, and an admin's look at one is itself recorded.
 */
import type { FastifyReply } from 'fastify';
import type { DeadLetterFilter, DeadLetterSource } from '../../platform/db/dead-letters.js';
import { formatPayload } from '../payload-mask.js';
import {
  deadLetterDetailPage,
  deadLetterListPage,
  discardConfirmPage,
  filterQuery,
  retryAllConfirmPage,
  SOURCE_LABELS,
} from '../pages/dead-letter-pages.js';
import { messagePage } from '../pages/message-page.js';
import { mayOrNot, type PortalContext } from '../portal-context.js';
import { pageNumber } from './audit-routes.js';

const PAGE_SIZE = 50;
/** A bulk retry takes at most this many letters at once; the page says how many are left. */
const BULK_RETRY_LIMIT = 10_000;

interface FilterFields {
  source?: string;
  reason?: string;
  q?: string;
}

type IdParams = { Params: { id: string } };

export function filterFrom(fields: FilterFields): DeadLetterFilter {
  const source = fields.source && fields.source in SOURCE_LABELS ? (fields.source as DeadLetterSource) : undefined;
  const reasonCode = fields.reason?.trim().slice(0, 100);
  const search = fields.q?.trim().slice(0, 100);
  return {
    ...(source ? { source } : {}),
    ...(reasonCode ? { reasonCode } : {}),
    ...(search ? { search } : {}),
  };
}

export function registerDeadLetterRoutes(context: PortalContext): void {
  const { app, deadLetters } = context;
  const frame = (request: Parameters<PortalContext['viewer']>[0], reply: FastifyReply) => {
    const notice = context.takeNotice(request);
    return { viewer: context.viewer(request, reply), assets: context.assets, ...(notice ? { notice } : {}) };
  };
  const notFound = (request: Parameters<PortalContext['viewer']>[0], reply: FastifyReply, id: string) =>
    context.send(
      reply,
      messagePage({
        viewer: context.viewer(request, reply),
        assets: context.assets,
        title: 'No such dead letter',
        message: `There is no dead letter ${id}: it may have been retried or discarded meanwhile.`,
        link: { href: '/dead-letters', label: 'All dead letters' },
      }),
      404,
    );
  const letterOf = (id: string) => {
    const number = /^\d{1,15}$/.test(id) ? Number(id) : NaN;
    return Number.isSafeInteger(number) ? deadLetters.letters.get(number) : undefined;
  };

  app.get<{ Querystring: FilterFields & { page?: string } }>(
    '/dead-letters',
    { preHandler: context.guard('view') },
    async (request, reply) => {
      const filter = filterFrom(request.query);
      const page = pageNumber(request.query.page);
      return context.send(
        reply,
        deadLetterListPage(frame(request, reply), {
          letters: deadLetters.letters.find(filter, PAGE_SIZE, (page - 1) * PAGE_SIZE),
          filter,
          matching: deadLetters.letters.countMatching(filter),
          page,
          pageSize: PAGE_SIZE,
          reasonCodes: deadLetters.letters.reasonCodes(),
        }),
      );
    },
  );

  app.get<{ Querystring: FilterFields }>(
    '/dead-letters/retry-all',
    { preHandler: context.guard('act-on-dead-letters') },
    async (request, reply) => {
      const filter = filterFrom(request.query);
      return context.send(
        reply,
        retryAllConfirmPage(frame(request, reply), filter, deadLetters.letters.countMatching(filter)),
      );
    },
  );

  app.post<{ Body: FilterFields & { confirm?: string } }>(
    '/dead-letters/retry-all',
    { preHandler: context.guard('act-on-dead-letters', { changes: true }) },
    async (request, reply) => {
      const filter = filterFrom(request.body);
      if (request.body.confirm !== 'yes') return reply.redirect(`/dead-letters/retry-all${filterQuery(filter)}`, 303);
      const ids = deadLetters.letters.idsMatching(filter, BULK_RETRY_LIMIT);
      let retried = 0;
      const failures: string[] = [];
      for (const id of ids) {
        try {
          deadLetters.retry(id);
          retried++;
        } catch (error) {
          failures.push(`${id}: ${(error as Error).message}`);
        }
      }
      const left = deadLetters.letters.countMatching(filter);
      context.record(request, {
        action: 'dead-letter.retry-all',
        target: `${ids.length} dead letters matching ${filterQuery(filter) || 'no filter'}`,
        outcome: failures.length === 0 ? 'succeeded' : 'failed',
        detail: `${retried} retried${failures.length > 0 ? `; ${failures.length} failed: ${failures.slice(0, 5).join('; ')}` : ''}`,
      });
      context.notify(
        request,
        `${retried} dead letter${retried === 1 ? '' : 's'} retried.` +
          (failures.length > 0 ? ` ${failures.length} could not be: ${failures.slice(0, 3).join('; ')}.` : '') +
          (left > 0 ? ` ${left} still match${left === 1 ? 'es' : ''}.` : ''),
        failures.length > 0 ? 'error' : 'success',
      );
      return reply.redirect(`/dead-letters${filterQuery(filter)}`, 303);
    },
  );

  app.get<IdParams>('/dead-letters/:id', { preHandler: context.guard('view') }, async (request, reply) => {
    const letter = letterOf(request.params.id);
    if (!letter) return notFound(request, reply, request.params.id);
    const unmasked = mayOrNot(request.portalUser, 'view-personal-data');
    if (unmasked) {
      context.record(request, {
        action: 'dead-letter.view-payload',
        target: `dead letter ${letter.id}`,
        outcome: 'succeeded',
      });
    }
    return context.send(
      reply,
      deadLetterDetailPage(frame(request, reply), {
        letter,
        payload: unmasked ? formatPayload(letter.payload) : context.mask.mask(letter.payload),
        masked: !unmasked,
      }),
    );
  });

  app.post<IdParams>(
    '/dead-letters/:id/retry',
    { preHandler: context.guard('act-on-dead-letters', { changes: true }) },
    async (request, reply) => {
      const letter = letterOf(request.params.id);
      if (!letter) return notFound(request, reply, request.params.id);
      const target = `dead letter ${letter.id} (${letter.entityKey ?? letter.transactionId ?? 'event'})`;
      try {
        const retried = deadLetters.retry(letter.id);
        context.record(request, { action: 'dead-letter.retry', target, outcome: 'succeeded', detail: retried.message });
        context.notify(request, retried.message);
        return reply.redirect('/dead-letters', 303);
      } catch (error) {
        const message = (error as Error).message;
        context.record(request, { action: 'dead-letter.retry', target, outcome: 'failed', detail: message });
        context.notify(request, `Dead letter ${letter.id} could not be retried: ${message}`, 'error');
        return reply.redirect(`/dead-letters/${letter.id}`, 303);
      }
    },
  );

  app.get<IdParams>(
    '/dead-letters/:id/discard',
    { preHandler: context.guard('act-on-dead-letters') },
    async (request, reply) => {
      const letter = letterOf(request.params.id);
      if (!letter) return notFound(request, reply, request.params.id);
      return context.send(reply, discardConfirmPage(frame(request, reply), letter));
    },
  );

  app.post<IdParams & { Body: { confirm?: string } }>(
    '/dead-letters/:id/discard',
    { preHandler: context.guard('act-on-dead-letters', { changes: true }) },
    async (request, reply) => {
      const letter = letterOf(request.params.id);
      if (!letter) return notFound(request, reply, request.params.id);
      // Discarding is for good: only the confirmation form's explicit answer does it.
      if (request.body.confirm !== 'yes') return reply.redirect(`/dead-letters/${letter.id}/discard`, 303);
      const target = `dead letter ${letter.id} (${letter.entityKey ?? letter.transactionId ?? 'event'})`;
      const discarded = deadLetters.discard(letter.id);
      context.record(request, {
        action: 'dead-letter.discard',
        target,
        outcome: discarded ? 'succeeded' : 'failed',
        ...(discarded ? {} : { detail: 'it was no longer there' }),
      });
      context.notify(
        request,
        discarded ? `Dead letter ${letter.id} discarded.` : `Dead letter ${letter.id} was already gone.`,
      );
      return reply.redirect('/dead-letters', 303);
    },
  );
}
