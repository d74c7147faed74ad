/**
 * On-Demand Synchronisation (operators and admins start one; everyone may follow a job): the request goes through
 * the relay's sync-jobs runner with the API's own check of the request, the path the Salesforce button takes. The
 * portal user is who asked, in the job, the synchronisation history and the audit log.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { OnDemandJob, SyncSystem } from '../connector-operations.js';
import { messagePage } from '../pages/message-page.js';
import { onDemandJobPage, onDemandJobStatus, onDemandPage, type OnDemandForm } from '../pages/on-demand-pages.js';
import type { PortalContext } from '../portal-context.js';
import { pageFrame } from './page-frame.js';

const OTHER: Record<SyncSystem, SyncSystem> = { Salesforce: 'Gentrack', Gentrack: 'Salesforce' };

export function registerOnDemandRoutes(context: PortalContext): void {
  const { app } = context;
  const { onDemand } = context.connector;
  const jobOf = (id: string): OnDemandJob | undefined => (id.length <= 100 ? onDemand?.get(id) : undefined);
  const noSuchJob = (request: FastifyRequest, reply: FastifyReply, id: string) =>
    context.send(
      reply,
      messagePage({
        viewer: context.viewer(request, reply),
        assets: context.assets,
        title: 'No such job',
        message: `There is no on-demand sync job ${id.slice(0, 100)} (finished jobs are kept for a while, then only the history has them).`,
        link: { href: '/history', label: 'Synchronisation history' },
      }),
      404,
    );

  app.get('/on-demand', { preHandler: context.guard('sync-on-demand') }, async (request, reply) =>
    context.send(
      reply,
      onDemandPage(pageFrame(context, request, reply), { entityTypes: onDemand?.entityTypes, form: {}, problems: [] }),
    ),
  );

  app.post<{ Body: OnDemandForm }>(
    '/on-demand',
    { preHandler: context.guard('sync-on-demand', { changes: true }) },
    async (request, reply) => {
      const form = request.body;
      const source: SyncSystem = form.source === 'Gentrack' ? 'Gentrack' : 'Salesforce';
      const entityType = String(form.entityType ?? '').slice(0, 100);
      const entityId = String(form.entityId ?? '')
        .trim()
        .slice(0, 300);
      const target = `${entityType} ${entityId} ${source} -> ${OTHER[source]}`;
      if (!onDemand) {
        context.record(request, {
          action: 'on-demand.start',
          target,
          outcome: 'failed',
          detail: 'no sync-jobs runner in this portal',
        });
        return reply.redirect('/on-demand', 303);
      }
      try {
        const job = onDemand.submit({
          source,
          destination: OTHER[source],
          entityType,
          entityId,
          requestedBy: request.portalUser!.username,
        });
        context.record(request, { action: 'on-demand.start', target, outcome: 'succeeded', detail: `job ${job.id}` });
        return reply.redirect(`/on-demand/jobs/${encodeURIComponent(job.id)}`, 303);
      } catch (error) {
        const { code, problems } = error as { code?: string; problems?: readonly string[] };
        if (code !== 'INVALID_SYNC_JOB_REQUEST') throw error;
        context.record(request, {
          action: 'on-demand.start',
          target,
          outcome: 'failed',
          detail: (problems ?? []).join('; '),
        });
        return context.send(
          reply,
          onDemandPage(pageFrame(context, request, reply), {
            entityTypes: onDemand.entityTypes,
            form: { source, entityType, entityId },
            problems: problems ?? [(error as Error).message],
          }),
          400,
        );
      }
    },
  );

  app.get<{ Params: { id: string } }>(
    '/on-demand/jobs/:id',
    { preHandler: context.guard('view') },
    async (request, reply) => {
      const job = jobOf(request.params.id);
      if (!job) return noSuchJob(request, reply, request.params.id);
      return context.send(
        reply,
        onDemandJobPage(pageFrame(context, request, reply), job, context.assets.scripts['follow-job.js']),
      );
    },
  );

  // The job page's script asks this while the job runs: it keeps no session alive (like the overview's updates).
  app.get<{ Params: { id: string } }>(
    '/on-demand/jobs/:id/status',
    { preHandler: context.guard('view'), config: { passive: true } },
    async (request, reply) => {
      const job = jobOf(request.params.id);
      if (!job) return reply.code(404).type('text/plain').send('no such job');
      return context.send(reply, onDemandJobStatus(job));
    },
  );
}
