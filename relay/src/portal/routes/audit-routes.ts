/** The audit log page (operators and admins). */
import type { AuditFilter, AuditOutcome } from '../audit-log.js';
import { auditPage } from '../pages/audit-page.js';
import type { PortalContext } from '../portal-context.js';

const PAGE_SIZE = 100;
const OUTCOMES: readonly AuditOutcome[] = ['succeeded', 'failed', 'refused'];

export function registerAuditRoutes(context: PortalContext): void {
  context.app.get<{ Querystring: { actor?: string; outcome?: string; page?: string } }>(
    '/audit',
    { preHandler: context.guard('view-audit') },
    async (request, reply) => {
      const { actor, outcome } = request.query;
      const filter: AuditFilter = {
        ...(actor?.trim() ? { actor: actor.trim() } : {}),
        ...(OUTCOMES.includes(outcome as AuditOutcome) ? { outcome: outcome as AuditOutcome } : {}),
      };
      const page = pageNumber(request.query.page);
      // One more than a page tells whether there is an older page.
      const entries = context.audit.list(filter, PAGE_SIZE + 1, (page - 1) * PAGE_SIZE);
      return context.send(
        reply,
        auditPage(
          { viewer: context.viewer(request, reply), assets: context.assets },
          { entries: entries.slice(0, PAGE_SIZE), filter, page, more: entries.length > PAGE_SIZE },
        ),
      );
    },
  );
}

/** A page number from the query: a whole number from 1, anything else is page 1. */
export function pageNumber(text: string | undefined): number {
  const page = Number(text);
  return Number.isInteger(page) && page >= 1 && page <= 1_000_000 ? page : 1;
}
