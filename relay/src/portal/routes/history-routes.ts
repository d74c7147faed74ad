/**
 * The synchronisation history (everyone may look): the list with its filters, 50 runs a page by keyset, and one run
 * in detail. Filters come from the query string; one that cannot be read is named on the page and left out.
 */
import { SYNC_OUTCOMES, type SyncHistoryCursor, type SyncHistoryFilter } from '../../platform/db/sync-history.js';
import { historyListPage, historyRunPage, type HistoryFilterForm } from '../pages/history-pages.js';
import { messagePage } from '../pages/message-page.js';
import type { PortalContext } from '../portal-context.js';
import { pageFrame } from './page-frame.js';

const PAGE_SIZE = 50;
const DAY_MS = 86_400_000;
const OUTCOMES: readonly string[] = [...SYNC_OUTCOMES, 'unfinished'];

type HistoryQuery = HistoryFilterForm & { before?: string; after?: string };

/** The filter the form asks for, and what in it could not be read. */
export function historyFilterFrom(form: HistoryFilterForm): {
  filter: SyncHistoryFilter;
  form: HistoryFilterForm;
  problems: string[];
} {
  const problems: string[] = [];
  const kept: Record<string, string> = {};
  const filter: { -readonly [K in keyof SyncHistoryFilter]: SyncHistoryFilter[K] } = {};
  if (form.kind === 'initial' || form.kind === 'on-demand') {
    filter.kind = form.kind;
    kept.kind = form.kind;
  }
  if (form.outcome && OUTCOMES.includes(form.outcome)) {
    filter.outcome = form.outcome as SyncHistoryFilter['outcome'];
    kept.outcome = form.outcome;
  }
  const day = (name: 'from' | 'to', label: string): number | undefined => {
    const text = form[name]?.trim();
    if (!text) return undefined;
    const time = /^\d{4}-\d{2}-\d{2}$/.test(text) ? Date.parse(`${text}T00:00:00Z`) : NaN;
    if (Number.isNaN(time)) {
      problems.push(`${label} "${text.slice(0, 40)}" is not a date (yyyy-mm-dd): it was left out.`);
      return undefined;
    }
    kept[name] = text;
    return time;
  };
  const from = day('from', 'From');
  const to = day('to', 'To');
  if (from !== undefined) filter.from = from;
  // "To" names a whole day: runs started on it are in.
  if (to !== undefined) filter.until = to + DAY_MS;
  const who = form.who?.trim().slice(0, 100);
  if (who) {
    filter.who = who;
    kept.who = who;
  }
  return { filter, form: kept, problems };
}

function cursorFrom(text: string | undefined): SyncHistoryCursor | undefined {
  const match = /^(\d{1,15})\.(\d{1,15})$/.exec(text ?? '');
  return match ? { startedAt: Number(match[1]), seq: Number(match[2]) } : undefined;
}

export function registerHistoryRoutes(context: PortalContext): void {
  const { app } = context;
  const { history } = context.connector;

  app.get<{ Querystring: HistoryQuery }>('/history', { preHandler: context.guard('view') }, async (request, reply) => {
    const { filter, form, problems } = historyFilterFrom(request.query);
    const before = cursorFrom(request.query.before);
    const after = cursorFrom(request.query.after);
    const result = history.page(filter, {
      limit: PAGE_SIZE,
      ...(after ? { after } : before ? { before } : {}),
    });
    return context.send(reply, historyListPage(pageFrame(context, request, reply), { form, page: result, problems }));
  });

  app.get<{ Params: { id: string } }>('/history/:id', { preHandler: context.guard('view') }, async (request, reply) => {
    const run = request.params.id.length <= 100 ? history.get(request.params.id) : undefined;
    if (!run) {
      return context.send(
        reply,
        messagePage({
          viewer: context.viewer(request, reply),
          assets: context.assets,
          title: 'No such run',
          message: `There is no synchronisation run ${request.params.id.slice(0, 100)} in the history.`,
          link: { href: '/history', label: 'All runs' },
        }),
        404,
      );
    }
    return context.send(reply, historyRunPage(pageFrame(context, request, reply), run));
  });
}
