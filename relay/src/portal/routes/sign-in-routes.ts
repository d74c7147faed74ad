/**
 * Signing in and out with a local account. A successful sign-in starts a new session (a new id: one fixed before
 * sign-in is worthless after it); every attempt, good or bad, is in the audit log; attempts per address are limited
 * (config `portal.loginAttempts`), and a limited address's refusals are one entry while the limit lasts
 * (portal-server.ts). Single sign-on (OpenID Connect) has its own routes beside these (oidc-routes.ts); the page
 * offers it first when it is configured.
 */
import { safeNext } from '../access.js';
import { signInPage } from '../pages/sign-in-page.js';
import type { PortalContext } from '../portal-context.js';
import { OIDC_START_PATH } from './oidc-routes.js';

interface SignInForm {
  username?: string;
  password?: string;
  next?: string;
}

export function registerSignInRoutes(
  context: PortalContext,
  options: {
    readonly loginAttempts: { readonly max: number; readonly windowSeconds: number };
    /** The OpenID Connect provider's name, when single sign-on is configured. */
    readonly singleSignOn?: string;
  },
): void {
  const { app, users, assets } = context;
  const singleSignOn = (next: string) =>
    options.singleSignOn
      ? { singleSignOn: { name: options.singleSignOn, href: `${OIDC_START_PATH}?next=${encodeURIComponent(next)}` } }
      : {};

  app.get<{ Querystring: { next?: string } }>('/login', async (request, reply) => {
    if (request.portalUser) return reply.redirect(safeNext(request.query.next), 303);
    const notice = context.takeNotice(request);
    return context.send(
      reply,
      signInPage({
        csrfToken: reply.generateCsrf(),
        next: safeNext(request.query.next),
        assets,
        ...singleSignOn(safeNext(request.query.next)),
        ...(notice ? { error: notice.text } : {}),
      }),
    );
  });

  app.post<{ Body: SignInForm }>(
    '/login',
    {
      preHandler: [app.csrfProtection],
      config: { rateLimit: { max: options.loginAttempts.max, timeWindow: options.loginAttempts.windowSeconds * 1000 } },
    },
    async (request, reply) => {
      const username = typeof request.body.username === 'string' ? request.body.username.trim().slice(0, 64) : '';
      const password = typeof request.body.password === 'string' ? request.body.password : '';
      const next = safeNext(request.body.next);
      const user = username && password ? await users.verify(username, password) : undefined;
      if (!user) {
        context.audit.record({
          actor: username || 'anonymous',
          action: 'sign-in',
          outcome: 'failed',
          detail: `wrong user name or password, from ${request.ip}`,
        });
        return context.send(
          reply,
          signInPage({
            csrfToken: reply.generateCsrf(),
            next,
            username,
            error: 'The user name or password is wrong.',
            assets,
            ...singleSignOn(next),
          }),
          401,
        );
      }
      await request.session.regenerate();
      const now = context.clock();
      request.session.user = { username: user.username, signedInAt: now };
      request.session.lastActiveAt = now;
      context.audit.record({
        actor: user.username,
        action: 'sign-in',
        outcome: 'succeeded',
        detail: `as ${user.role}, from ${request.ip}`,
      });
      return reply.redirect(next, 303);
    },
  );

  app.post('/logout', { preHandler: [app.csrfProtection] }, async (request, reply) => {
    if (request.portalUser) context.record(request, { action: 'sign-out', outcome: 'succeeded' });
    await request.session.destroy();
    return reply.redirect('/login', 303);
  });
}
