/**
 * Named Credentials (admins only): create, rotate and revoke the relay API client through the credentials core the
 * commands use. The new secret goes into the answer to the POST and nowhere else: not the session, not the audit
 * log, not the relay's log. Revoking asks to confirm on a page of its own.
 */
import {
  CREDENTIALS_SETUP_PATH,
  salesforceCredentialsReport,
  type CredentialsAction,
} from '../../platform/api-auth/manage-credentials.js';
import { credentialsPage, newSecretPage, revokeConfirmPage } from '../pages/credentials-pages.js';
import type { PortalContext } from '../portal-context.js';
import { pageFrame } from './page-frame.js';

const SALESFORCE_WORDS = {
  replaced: 'Salesforce: replaced the principal credentials',
  created: 'Salesforce: created the principal credentials',
  removed: 'Salesforce: removed the principal credentials',
  'held none': 'Salesforce: the principal held no credentials',
  'not pushed': 'Salesforce: not pushed (no session in the portal)',
  failed: 'Salesforce could not be updated',
} as const;

export function registerCredentialsRoutes(context: PortalContext): void {
  const { app } = context;
  const { credentials } = context.connector;
  const admin = context.guard('manage-credentials');
  const adminChange = context.guard('manage-credentials', { changes: true });

  app.get('/credentials', { preHandler: admin }, async (request, reply) =>
    context.send(reply, credentialsPage(pageFrame(context, request, reply), credentials.current())),
  );

  app.get('/credentials/revoke', { preHandler: admin }, async (request, reply) => {
    const client = credentials.current();
    if (client?.status !== 'active') {
      context.notify(request, 'There is no active API client to revoke.', 'error');
      return reply.redirect('/credentials', 303);
    }
    return context.send(
      reply,
      revokeConfirmPage(pageFrame(context, request, reply), client, credentials.tokenTtlSeconds),
    );
  });

  const change = async (action: CredentialsAction, request: Parameters<PortalContext['viewer']>[0]) => {
    try {
      const done = await credentials.change(action);
      context.record(request, {
        action: `credentials.${action}`,
        target: `API client ${done.clientId}`,
        outcome: done.salesforce === 'failed' ? 'failed' : 'succeeded',
        detail: `${SALESFORCE_WORDS[done.salesforce]}${done.salesforceError ? `: ${done.salesforceError}` : ''}`,
      });
      return done;
    } catch (error) {
      // The store refused (a client already active, none to rotate): nothing changed anywhere.
      const message = (error as Error).message;
      context.record(request, { action: `credentials.${action}`, outcome: 'failed', detail: message });
      context.notify(request, `Nothing was changed: ${message}.`, 'error');
      return undefined;
    }
  };

  for (const action of ['create', 'rotate'] as const) {
    app.post(`/credentials/${action}`, { preHandler: adminChange }, async (request, reply) => {
      const done = await change(action, request);
      if (!done) return reply.redirect('/credentials', 303);
      return context.send(
        reply,
        newSecretPage(pageFrame(context, request, reply), done, context.assets.scripts['copy-secret.js']),
      );
    });
  }

  app.post<{ Body: { confirm?: string } }>(
    '/credentials/revoke',
    { preHandler: adminChange },
    async (request, reply) => {
      // Revoking stops Salesforce's calls: only the confirmation form's explicit answer does it.
      if (request.body.confirm !== 'yes') return reply.redirect('/credentials/revoke', 303);
      const done = await change('revoke', request);
      if (done) {
        const salesforce =
          done.salesforce === 'not pushed'
            ? [
                `Not pushed to Salesforce (no session in the portal): remove the client secret in ${CREDENTIALS_SETUP_PATH}.`,
              ]
            : salesforceCredentialsReport(done);
        context.notify(
          request,
          [`Revoked API client ${done.clientId}: no secret can get a token any more.`, ...salesforce].join(' '),
          done.salesforce === 'failed' || done.salesforce === 'not pushed' ? 'error' : 'success',
        );
      }
      return reply.redirect('/credentials', 303);
    },
  );
}
