/**
 * Validate Data Model: operators and admins run validate-org's check against the configured org; everyone sees the
 * last run. The run and who made it go into the audit log; the last result is kept in memory until the relay stops
 * (the audit log keeps every run's summary).
 */
import type { ValidationRun } from '../pages/validate-page.js';
import { validatePage } from '../pages/validate-page.js';
import type { PortalContext } from '../portal-context.js';
import { pageFrame } from './page-frame.js';

export function registerValidateRoutes(context: PortalContext): void {
  const { app } = context;
  const validate = context.connector.validateDataModel;
  let last: ValidationRun | undefined;

  app.get('/validate-data-model', { preHandler: context.guard('view') }, async (request, reply) =>
    context.send(
      reply,
      validatePage(pageFrame(context, request, reply), {
        available: validate !== undefined,
        ...(last ? { last } : {}),
      }),
    ),
  );

  app.post(
    '/validate-data-model',
    { preHandler: context.guard('validate-data-model', { changes: true }) },
    async (request, reply) => {
      const by = request.portalUser!.username;
      if (!validate) {
        context.record(request, {
          action: 'data-model.validate',
          outcome: 'failed',
          detail: 'no Salesforce session in this portal',
        });
        return reply.redirect('/validate-data-model', 303);
      }
      try {
        const validation = await validate();
        last = { at: context.clock(), by, validation };
        const { problems, findings } = validation;
        context.record(request, {
          action: 'data-model.validate',
          target: 'the Salesforce org',
          outcome: 'succeeded',
          detail:
            problems.length === 0
              ? `all ${findings.length} checks passed`
              : `${problems.length} of ${findings.length} checks found a problem: ${problems
                  .slice(0, 5)
                  .map((problem) => problem.check)
                  .join('; ')}${problems.length > 5 ? '; ...' : ''}`,
        });
      } catch (error) {
        const message = (error as Error).message;
        last = { at: context.clock(), by, error: message };
        context.record(request, {
          action: 'data-model.validate',
          target: 'the Salesforce org',
          outcome: 'failed',
          detail: message,
        });
      }
      return reply.redirect('/validate-data-model', 303);
    },
  );
}
