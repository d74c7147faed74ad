/**
 * Single sign-on with OpenID Connect, beside the local accounts' routes. `/login/oidc` sends the browser to the
 * provider with a fresh state, nonce and PKCE verifier kept in the session; `/login/oidc/callback` takes them out
 * (each is good for one return only), lets the library check the answer and the ID token, maps the role from the
 * claims and starts a new session, as a local sign-in does. Every outcome is in the audit log; a user no role maps
 * to is refused with a page that says why. Unlike the password form these routes are not rate-limited: passwords
 * are the provider's to check, and a callback costs one token request and needs a sign-in this session started.
 */
import { safeNext } from '../access.js';
import { messagePage } from '../pages/message-page.js';
import type { PortalContext } from '../portal-context.js';
import { OIDC_USERNAME_PREFIX, oidcUsername, roleFromClaims } from '../oidc/oidc-identity.js';
import { OidcRelyingParty, PortalOidcError, type PendingOidcSignIn } from '../oidc/oidc-relying-party.js';
import type { PortalConfig } from '../../platform/config/portal-config-schema.js';
import type { PortalOidcConfig } from '../../platform/config/portal-oidc-config-schema.js';
import type { Secret } from '../../platform/config/secret.js';

declare module 'fastify' {
  interface Session {
    /** A sign-in sent to the provider and not back yet. */
    oidcPending?: PendingOidcSignIn;
  }
}

export const OIDC_START_PATH = '/login/oidc';
export const OIDC_CALLBACK_PATH = '/login/oidc/callback';

/** A sign-in must come back from the provider within this time. */
const PENDING_LIFETIME_MS = 10 * 60_000;

/**
 * Single sign-on when `portal.oidc` is configured. The callback is on `publicUrl`, else on the listener's own
 * address (known once it listens): the provider must have that URL registered for the client.
 */
export function registerSingleSignOn(context: PortalContext, config: PortalConfig, clientSecret?: Secret): void {
  if (!config.oidc) return;
  if (!clientSecret) {
    throw new PortalOidcError('PORTAL_OIDC_NO_SECRET', 'portal.oidc is configured but the portal got no client secret');
  }
  const origin = () => config.publicUrl ?? listenerOrigin(context.app, config);
  const relyingParty = new OidcRelyingParty({
    config: config.oidc,
    clientSecret,
    redirectUri: () => `${origin()}${OIDC_CALLBACK_PATH}`,
  });
  registerOidcRoutes(context, { config: config.oidc, relyingParty });
}

function listenerOrigin(app: PortalContext['app'], config: Pick<PortalConfig, 'host' | 'port'>): string {
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  return `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
}

function registerOidcRoutes(
  context: PortalContext,
  options: {
    readonly config: PortalOidcConfig;
    readonly relyingParty: OidcRelyingParty;
  },
): void {
  const { app, assets, audit } = context;
  const { config, relyingParty } = options;

  const failed = (reply: Parameters<PortalContext['send']>[0], message: string, status: number) =>
    context.send(
      reply,
      messagePage({
        assets,
        title: 'Single sign-on failed',
        message,
        link: { href: '/login', label: 'Back to sign in' },
      }),
      status,
    );

  app.get<{ Querystring: { next?: string } }>(OIDC_START_PATH, async (request, reply) => {
    if (request.portalUser) return reply.redirect(safeNext(request.query.next), 303);
    try {
      const { url, pending } = await relyingParty.start(safeNext(request.query.next), context.clock());
      request.session.oidcPending = pending;
      return reply.redirect(url.href, 303);
    } catch (error) {
      if (!(error instanceof PortalOidcError)) throw error;
      request.log.warn({ code: error.code, reason: error.message }, 'single sign-on could not start');
      return failed(reply, `${config.name} cannot be reached just now. Try again later, or use a local account.`, 502);
    }
  });

  app.get(OIDC_CALLBACK_PATH, async (request, reply) => {
    const pending = request.session.oidcPending;
    request.session.oidcPending = undefined;
    const refuse = (detail: string, message: string, status = 400) => {
      audit.record({
        actor: 'anonymous',
        action: 'sign-in',
        outcome: 'failed',
        detail: `${detail}, from ${request.ip}`,
      });
      return failed(reply, message, status);
    };
    if (!pending || context.clock() - pending.startedAt > PENDING_LIFETIME_MS) {
      return refuse(
        `single sign-on: ${pending ? 'the sign-in took too long' : 'no sign-in was started in this browser'}`,
        'This sign-in was not started here or took too long. Start again.',
      );
    }
    const queryAt = request.url.indexOf('?');
    const search = queryAt < 0 ? '' : request.url.slice(queryAt);
    let claims;
    try {
      claims = await relyingParty.finish(search, pending);
    } catch (error) {
      if (!(error instanceof PortalOidcError)) throw error;
      return refuse(`single sign-on: ${error.message}`, `${config.name} did not sign you in. Start again.`);
    }
    const username = oidcUsername(claims, config.usernameClaim);
    const { role, values } = roleFromClaims(claims, config);
    if (!role) {
      audit.record({
        actor: username,
        action: 'sign-in',
        outcome: 'refused',
        detail: `single sign-on: no role maps from ${config.roleClaim} (${values.length > 0 ? values.join(', ').slice(0, 300) : 'none sent'}), from ${request.ip}`,
      });
      return context.send(
        reply,
        messagePage({
          assets,
          title: 'No access to the portal',
          message: `${config.name} signed you in as ${username.slice(OIDC_USERNAME_PREFIX.length)}, but none of your ${config.roleClaim} gives a role in this portal. Ask an administrator to add one of them to portal.oidc.roles.`,
          link: { href: '/login', label: 'Back to sign in' },
        }),
        403,
      );
    }
    await request.session.regenerate();
    const now = context.clock();
    request.session.user = { username, signedInAt: now, oidc: { role } };
    request.session.lastActiveAt = now;
    audit.record({
      actor: username,
      action: 'sign-in',
      outcome: 'succeeded',
      detail: `as ${role} through ${config.name} (${config.roleClaim}), from ${request.ip}`,
    });
    return reply.redirect(pending.next, 303);
  });
}
