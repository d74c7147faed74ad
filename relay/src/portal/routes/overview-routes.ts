/** The overview page, and its figures alone for the page's live updates (which do not keep a session alive). */
import type { PortalContext } from '../portal-context.js';
import { readOverviewFigures } from '../overview-figures.js';
import { overviewFragment, overviewPage, type OverviewData } from '../pages/overview-page.js';

export function registerOverviewRoutes(context: PortalContext): void {
  const { app } = context;
  const data = async (): Promise<OverviewData> => ({
    figures: await readOverviewFigures(context.metrics),
    rates: context.history.rates(),
    lastHour: context.history.totals(),
    now: context.clock(),
  });

  app.get('/', { preHandler: context.guard('view') }, async (request, reply) =>
    context.send(
      reply,
      overviewPage(await data(), context.viewer(request, reply), context.assets, context.takeNotice(request)?.text),
    ),
  );

  app.get(
    '/overview/figures',
    { preHandler: context.guard('view'), config: { passive: true } },
    async (_request, reply) => context.send(reply, overviewFragment(await data())),
  );
}
