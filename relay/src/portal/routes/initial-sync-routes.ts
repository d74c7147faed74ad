/**
 * The Initial Data Synchronisation page and its actions. Everyone signed in follows runs; checking an extract,
 * starting and cancelling need `run-initial-sync` (operators and admins), checked on the server for every request.
 * The extract is resolved under the configured root on every action, so a hand-made form cannot reach outside it.
 * Every action, refused ones included, is written to the audit log.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { listExtractFolders, resolveExtractFolder } from '../extract-folders.js';
import { initialSyncPage, preflightPage, runFragment } from '../pages/initial-sync-pages.js';
import { messagePage } from '../pages/message-page.js';
import { mayOrNot, type PortalContext } from '../portal-context.js';

type ExtractBody = { Body: { extract?: string; confirm?: string } };

/** How the history names who started a run from here. */
export function portalInitiator(username: string): string {
  return `${username} (portal)`;
}

export function registerInitialSyncRoutes(context: PortalContext): void {
  const { app } = context;
  const control = context.initialSync;
  const canRun = (request: FastifyRequest) => mayOrNot(request.portalUser, 'run-initial-sync');

  const showPage = (request: FastifyRequest, reply: FastifyReply, refusal?: { extract: string; message: string }) => {
    const notice = context.takeNotice(request);
    const run = control?.current();
    return context.send(
      reply,
      initialSyncPage(
        { viewer: context.viewer(request, reply), assets: context.assets, ...(notice ? { notice } : {}) },
        {
          ...(control
            ? { setup: { extractRoot: control.extractRoot, folders: listExtractFolders(control.extractRoot) } }
            : {}),
          ...(run ? { run } : {}),
          canRun: canRun(request),
          ...(refusal ? { refusal } : {}),
        },
      ),
      refusal ? 400 : 200,
    );
  };

  const notConfigured = (request: FastifyRequest, reply: FastifyReply) =>
    context.send(
      reply,
      messagePage({
        viewer: context.viewer(request, reply),
        assets: context.assets,
        title: 'Initial synchronisation is not turned on',
        message: 'Set portal.initialSync.extractRoot in the relay configuration and restart the relay.',
        link: { href: '/initial-sync', label: 'Initial Data Synchronisation' },
      }),
      409,
    );

  /** The extract of the form, resolved under the root, or the page again with why it was refused (and audited). */
  const chosenExtract = (request: FastifyRequest<ExtractBody>, reply: FastifyReply, action: string) => {
    const extract = String(request.body.extract ?? '').slice(0, 1024);
    const choice = resolveExtractFolder(control!.extractRoot, extract);
    if (choice.ok) return choice;
    context.record(request, { action, target: `extract ${extract}`, outcome: 'refused', detail: choice.message });
    void showPage(request, reply, { extract, message: choice.message });
    return undefined;
  };

  app.get('/initial-sync', { preHandler: context.guard('view') }, async (request, reply) => showPage(request, reply));

  app.get(
    '/initial-sync/status',
    { preHandler: context.guard('view'), config: { passive: true } },
    async (request, reply) => {
      const run = control?.current();
      if (!run) return context.send(reply, messagePage({ assets: context.assets, title: 'No run', message: '' }), 404);
      return context.send(
        reply,
        runFragment(run, { canCancel: canRun(request), csrfToken: context.viewer(request, reply).csrfToken }),
      );
    },
  );

  app.post<ExtractBody>(
    '/initial-sync/preflight',
    { preHandler: context.guard('run-initial-sync', { changes: true }) },
    async (request, reply) => {
      if (!control) return notConfigured(request, reply);
      const choice = chosenExtract(request, reply, 'initial-sync.preflight');
      if (!choice) return reply;
      const preflight = await control.preflight(choice.dir);
      context.record(request, {
        action: 'initial-sync.preflight',
        target: `extract ${choice.name}`,
        outcome: preflight.ok ? 'succeeded' : 'failed',
        ...(preflight.ok ? { detail: `${preflight.total} records` } : { detail: preflight.error ?? '' }),
      });
      return context.send(
        reply,
        preflightPage(
          { viewer: context.viewer(request, reply), assets: context.assets },
          { extract: choice.name, preflight, recipients: control.emailRecipients },
        ),
      );
    },
  );

  app.post<ExtractBody>(
    '/initial-sync/start',
    { preHandler: context.guard('run-initial-sync', { changes: true }) },
    async (request, reply) => {
      if (!control) return notConfigured(request, reply);
      const choice = chosenExtract(request, reply, 'initial-sync.start');
      if (!choice) return reply;
      const target = `extract ${choice.name}`;
      // Publishing goes off for the whole run: only the confirmation's explicit answer starts it.
      if (request.body.confirm !== 'yes') {
        context.record(request, {
          action: 'initial-sync.start',
          target,
          outcome: 'refused',
          detail: 'the outage window was not confirmed',
        });
        context.notify(
          request,
          'Nothing was started: confirm the outage window first (check the extract again).',
          'error',
        );
        return reply.redirect('/initial-sync', 303);
      }
      const answer = control.start(choice.dir, portalInitiator(request.portalUser!.username));
      if (!answer.started) {
        context.record(request, { action: 'initial-sync.start', target, outcome: 'refused', detail: answer.reason });
        context.notify(request, answer.reason, 'error');
        return reply.redirect('/initial-sync', 303);
      }
      context.record(request, {
        action: 'initial-sync.start',
        target,
        outcome: 'succeeded',
        detail: `run ${answer.runId}`,
      });
      context.notify(
        request,
        `The initial synchronisation of ${choice.name} has started: publishing is disabled until it ends.`,
      );
      return reply.redirect('/initial-sync', 303);
    },
  );

  app.post(
    '/initial-sync/cancel',
    { preHandler: context.guard('run-initial-sync', { changes: true }) },
    async (request, reply) => {
      if (!control) return notConfigured(request, reply);
      const run = control.current();
      const cancelled = control.cancel(request.portalUser!.username);
      context.record(request, {
        action: 'initial-sync.cancel',
        ...(run ? { target: `run ${run.runId}` } : {}),
        outcome: cancelled ? 'succeeded' : 'failed',
        ...(cancelled ? {} : { detail: 'no run was running' }),
      });
      context.notify(
        request,
        cancelled
          ? 'Cancelling: the load stops at its next row, then publishing is re-enabled.'
          : 'No initial synchronisation is running: nothing to cancel.',
        cancelled ? 'success' : 'error',
      );
      return reply.redirect('/initial-sync', 303);
    },
  );
}
