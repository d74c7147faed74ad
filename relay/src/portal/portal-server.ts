/**
 * The portal's web server: fastify with its session, CSRF, security-header and rate-limit plugins, on the listener
 * of config `portal`. Every page is rendered on the server; the one script only refreshes the overview's figures.
 *
 * Security, in order of a request: the session (a random id in an HttpOnly, SameSite=Lax cookie, Secure behind
 * https; the data in the store), who is signed in (checked against the accounts on every request), the CSRF token
 * of every POST, then the route's permission. Refusals are answered with a page and written to the audit log. A
 * strict Content-Security-Policy allows scripts, styles and connections to this origin only, and nothing inline.
 */
import fastifyCookie from '@fastify/cookie';
import fastifyCsrfProtection from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySession from '@fastify/session';
import Fastify, { LogController, type FastifyError, type FastifyInstance, type FastifyRequest } from 'fastify';
import type { PortalConfig } from '../platform/config/portal-config-schema.js';
import type { Secret } from '../platform/config/secret.js';
import { RelayError } from '../platform/errors.js';
import { listenOrExplain } from '../platform/http/listen.js';
import { componentLogger } from '../platform/ops/logger.js';
import { sessionState, type SessionLimits } from './access.js';
import type { Html } from './html.js';
import { messagePage } from './pages/message-page.js';
import { registerPortalAssets } from './portal-assets.js';
import { mayOrNot, type PortalContext, type PortalServices } from './portal-context.js';
import { registerAuditRoutes } from './routes/audit-routes.js';
import { registerConnectorRoutes } from './routes/connector-routes.js';
import { registerDeadLetterRoutes } from './routes/dead-letter-routes.js';
import { registerSingleSignOn } from './routes/oidc-routes.js';
import { registerInitialSyncRoutes } from './routes/initial-sync-routes.js';
import { registerOverviewRoutes } from './routes/overview-routes.js';
import { registerSignInRoutes } from './routes/sign-in-routes.js';
import type { SqliteSessionStore } from './session-store.js';
import { OncePerWindow } from './once-per-window.js';

export const SESSION_COOKIE = 'gentrack_portal_session';

export interface PortalServerOptions extends PortalServices {
  readonly config: PortalConfig;
  readonly sessions: SqliteSessionStore;
  /** Signs the session cookie (portalCookieSecret). */
  readonly cookieSecret: string;
  /** The OpenID Connect client secret, when `config.oidc` is set. */
  readonly oidcClientSecret?: Secret;
}

export interface PortalServer {
  /** Where people open it: `publicUrl` when configured, else the listener's address. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export class PortalServerError extends RelayError {
  readonly code = 'PORTAL_SERVER_LISTEN_FAILED';
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Requests that do not count as activity (the overview's live updates): they keep no session alive. */
    passive?: boolean;
  }
  interface FastifyRequest {
    /** Why the session this request came with has ended, when it has. */
    sessionEnded?: string;
  }
}

/** Builds the server without listening (fastify's `inject` works on it). */
export async function buildPortalServer(options: PortalServerOptions): Promise<FastifyInstance> {
  const { config, clock } = options;
  const logger = componentLogger(options.logger, 'portal');
  const app = Fastify({
    loggerInstance: logger.child({}, { level: 'warn' }),
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 64 * 1024,
  }) as unknown as FastifyInstance;
  const https = config.publicUrl?.startsWith('https:') ?? false;
  const limits: SessionLimits = { lifetimeMs: config.sessionHours * 3_600_000, idleMs: config.idleMinutes * 60_000 };

  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        ...(https ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    // Only a console served over https may tell browsers to insist on https.
    strictTransportSecurity: https ? { maxAge: 15_552_000 } : false,
  });
  await app.register(fastifyFormbody);
  await app.register(fastifyCookie);
  await app.register(fastifySession, {
    secret: options.cookieSecret,
    cookieName: SESSION_COOKIE,
    store: options.sessions,
    saveUninitialized: false,
    rolling: false,
    cookie: { httpOnly: true, secure: https, sameSite: 'lax', path: '/', maxAge: limits.lifetimeMs },
  });
  await app.register(fastifyCsrfProtection, { sessionPlugin: '@fastify/session' });
  // One audit entry per address while the limit refuses it: a flood must not fill the store or bury the log.
  const limitedAddresses = new OncePerWindow();
  await app.register(fastifyRateLimit, {
    global: false,
    errorResponseBuilder: (request, context) => {
      const now = clock();
      if (limitedAddresses.first(request.ip, now, now + context.ttl)) {
        options.audit.record({
          actor:
            typeof request.body === 'object' && request.body && 'username' in request.body
              ? String(request.body.username).slice(0, 64)
              : 'anonymous',
          action: 'sign-in',
          outcome: 'refused',
          detail: `too many attempts from ${request.ip}: refused until ${new Date(now + context.ttl).toISOString()} (further refusals until then are not recorded)`,
        });
      }
      return {
        statusCode: 429,
        code: 'PORTAL_SIGN_IN_LIMITED',
        message: `Too many sign-in attempts from your address: try again in ${context.after}.`,
      };
    },
  });

  // Who is asking: before every route's own guards.
  app.addHook('preHandler', async (request) => {
    const state = sessionState(request.session, options.users, limits, clock());
    if (state.state === 'signed-in') {
      request.portalUser = state.user;
      if (!request.routeOptions.config.passive) request.session.lastActiveAt = clock();
    } else if (state.state === 'ended') {
      request.sessionEnded = state.why;
      request.session.user = undefined;
    }
  });

  const context = portalContext(app, options);
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const viewer = request.portalUser ? context.viewer(request, reply) : undefined;
    const frame = { assets: context.assets, ...(viewer ? { viewer } : {}) };
    if (error.code === 'FST_CSRF_INVALID_TOKEN' || error.code === 'FST_CSRF_MISSING_SECRET') {
      context.record(request, {
        action: actionName(request),
        outcome: 'refused',
        detail: 'the form carried no valid CSRF token',
      });
      return context.send(
        reply,
        messagePage({
          ...frame,
          title: 'Request refused',
          message:
            'This form is stale or did not come from this portal, so nothing was done. Reload the page and try again.',
        }),
        403,
      );
    }
    if (error.statusCode === 429) {
      return context.send(reply, messagePage({ ...frame, title: 'Too many attempts', message: error.message }), 429);
    }
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      return context.send(
        reply,
        messagePage({ ...frame, title: 'Bad request', message: error.message }),
        error.statusCode,
      );
    }
    request.log.error({ err: error }, 'portal request failed');
    return context.send(
      reply,
      messagePage({
        ...frame,
        title: 'Something went wrong',
        message: 'The relay could not answer; its log says why.',
      }),
      500,
    );
  });
  app.setNotFoundHandler((request, reply) =>
    context.send(
      reply,
      messagePage({
        assets: context.assets,
        ...(request.portalUser ? { viewer: context.viewer(request, reply) } : {}),
        title: 'Not found',
        message: 'There is no such page.',
        link: { href: '/', label: 'Go to the overview' },
      }),
      404,
    ),
  );

  registerSignInRoutes(context, {
    loginAttempts: config.loginAttempts,
    ...(config.oidc ? { singleSignOn: config.oidc.name } : {}),
  });
  registerSingleSignOn(context, config, options.oidcClientSecret);
  registerOverviewRoutes(context);
  registerDeadLetterRoutes(context);
  registerAuditRoutes(context);
  registerConnectorRoutes(context);
  registerInitialSyncRoutes(context);
  return app;
}

function actionName(request: FastifyRequest): string {
  return `${request.method} ${request.routeOptions.url ?? request.url}`;
}

function portalContext(app: FastifyInstance, services: PortalServices): PortalContext {
  const assets = registerPortalAssets(app);
  const send = (reply: import('fastify').FastifyReply, page: Html, status = 200) =>
    reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(page.text);
  const context: PortalContext = {
    ...services,
    app,
    assets,
    send,
    viewer: (request, reply) => ({
      username: request.portalUser!.username,
      role: request.portalUser!.role,
      csrfToken: reply.generateCsrf(),
    }),
    record: (request, entry) => services.audit.record({ actor: request.portalUser?.username ?? 'anonymous', ...entry }),
    notify: (request, text, kind = 'success') => {
      request.session.notice = { text, kind };
    },
    takeNotice: (request) => {
      const notice = request.session.notice;
      if (notice) request.session.notice = undefined;
      return notice;
    },
    guard: (permission, options = {}) => [
      async (request, reply) => {
        if (request.portalUser) return;
        if (request.sessionEnded) context.notify(request, request.sessionEnded, 'error');
        if (request.method === 'GET' && !request.routeOptions.config.passive) {
          return reply.redirect(`/login?next=${encodeURIComponent(request.url)}`, 303);
        }
        return send(
          reply,
          messagePage({
            assets,
            title: 'Signed out',
            message: request.sessionEnded ?? 'Sign in to use the portal.',
            link: { href: '/login', label: 'Sign in' },
          }),
          401,
        );
      },
      ...(options.changes ? [app.csrfProtection] : []),
      async (request, reply) => {
        if (mayOrNot(request.portalUser, permission)) return;
        context.record(request, {
          action: actionName(request),
          outcome: 'refused',
          detail: `role ${request.portalUser!.role} may not ${permission}`,
        });
        return send(
          reply,
          messagePage({
            assets,
            viewer: context.viewer(request, reply),
            title: 'Not allowed',
            message: `Your role (${request.portalUser!.role}) does not allow this. Nothing was done.`,
            link: { href: '/', label: 'Go to the overview' },
          }),
          403,
        );
      },
    ],
  };
  return context;
}

export async function startPortalServer(options: PortalServerOptions): Promise<PortalServer> {
  const app = await buildPortalServer(options);
  const { host, port } = options.config;
  const listening = await listenOrExplain(
    app,
    { host, port, hostSetting: 'portal.host', portSetting: 'portal.port' },
    (reason, cause) => new PortalServerError(`the portal ${reason}`, { cause }),
  );
  let closing: Promise<void> | undefined;
  return {
    url: options.config.publicUrl ?? `http://${listening.urlHost}:${listening.port}`,
    port: listening.port,
    close: () => (closing ??= app.close()),
  };
}
