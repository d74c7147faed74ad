/**
 * The shape of the relay's configuration and its documented defaults. Secrets are deliberately absent: they come
 * from the environment or a secrets file (see relay-secrets.ts), never from a config file that may be committed.
 * config/relay.example.yaml documents every key; a test keeps it in step with these defaults.
 */
import { z } from 'zod';
import { SCOPE_TOKEN, SCOPE_TOKEN_PROBLEM } from '../gentrack/oauth-scopes.js';
import { emailSchema } from './email-config-schema.js';
import { portalSchema } from './portal-config-schema.js';
import { webhooksSchema } from './webhooks-config-schema.js';

/** Salesforce sends a keepalive on an idle Pub/Sub stream every 270 s; a shorter timeout would drop healthy streams. */
export const SALESFORCE_KEEPALIVE_INTERVAL_MS = 270_000;

/** Pub/Sub API Subscribe: at most 100 events may be requested at a time. */
export const PUB_SUB_MAX_BATCH_SIZE = 100;

/** This machine: plain http cannot be read or changed on the way. */
const LOOPBACK_HOST = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/** Whether a URL may be plain http: only to this machine. Secrets and customer data travel over the others. */
export function mayUsePlainHttp(url: string): boolean {
  return LOOPBACK_HOST.test(new URL(url).hostname);
}
/** Tokens, secrets and customer data travel over these URLs: https, except to a stand-in on this machine. */
const httpUrl = () =>
  z.url({ protocol: /^https?$/ }).refine((url) => !url.startsWith('http:') || mayUsePlainHttp(url), {
    message: 'must be an https URL (plain http is accepted only for this machine: localhost, 127.x.x.x or [::1])',
  });
/** Base URLs are joined with operation paths, so a trailing slash would produce `//`. */
const baseUrl = () => httpUrl().transform((url) => url.replace(/\/+$/, ''));
const everyPass = { when: () => true };
const positiveInt = () => z.number().int().positive();
const milliseconds = () => z.number().int().positive();

const salesforceSchema = z
  .strictObject({
    /** OAuth login host. The client credentials flow needs the org's My Domain URL. */
    loginUrl: baseUrl().default('https://login.salesforce.com'),
    /** The org's instance URL; normally learnt from the token response, set it to pin one. */
    instanceUrl: baseUrl().optional(),
    apiVersion: z
      .string()
      .regex(/^\d+\.0$/, 'must look like "62.0"')
      .default('62.0'),
    /** client_credentials: a Connected App run-as user; password: username + password (+ security token). */
    auth: z.enum(['client_credentials', 'password']),
    /** Connected App consumer key. */
    clientId: z.string().min(1),
    /** The integration user; required by the password flow. */
    username: z.string().min(1).optional(),
    pubSubEndpoint: z
      .string()
      .regex(/^[^\s:/]+:\d+$/, 'must be host:port')
      .default('api.pubsub.salesforce.com:7443'),
    topic: z
      .string()
      .regex(/^\/event\/\w+$/, 'must be a platform event channel such as /event/Gentrack_Object_Event__e')
      .default('/event/Gentrack_Object_Event__e'),
    /**
     * What to do when the stored replay id is past the 72 h retention: `fail` stops and asks an operator (events may
     * have been lost), `earliest` replays everything retained, `latest` skips to new events.
     */
    replayFallback: z.enum(['fail', 'earliest', 'latest']).default('fail'),
    keepaliveTimeoutMs: milliseconds()
      .gt(
        SALESFORCE_KEEPALIVE_INTERVAL_MS,
        `must exceed Salesforce's ${SALESFORCE_KEEPALIVE_INTERVAL_MS} ms keepalive interval`,
      )
      .default(300_000),
    batchSize: positiveInt().max(PUB_SUB_MAX_BATCH_SIZE).default(100),
    /** Only for a local sandbox with a self-signed certificate. */
    rejectUnauthorizedTls: z.boolean().default(true),
  })
  // Cross-key rules run even when other keys are invalid (`when`), so one pass reports every problem; they must
  // therefore tolerate values of the wrong type.
  .superRefine((salesforce, context) => {
    if (salesforce.auth === 'password' && salesforce.username === undefined) {
      context.addIssue({ code: 'custom', path: ['username'], message: 'is required when auth is "password"' });
    }
    const loginHost = typeof salesforce.loginUrl === 'string' ? salesforce.loginUrl.replace(/\/+$/, '') : '';
    if (salesforce.auth === 'client_credentials' && /^https:\/\/(login|test)\.salesforce\.com$/.test(loginHost)) {
      context.addIssue({
        code: 'custom',
        path: ['loginUrl'],
        message:
          "the client credentials flow is not served by login/test.salesforce.com: use the org's My Domain URL (https://<domain>.my.salesforce.com)",
      });
    }
  }, everyPass);

/** OAuth scopes from a list in the file, or space- or comma-separated text from the environment. */
const scopeList = () =>
  z.preprocess(
    (value) => (typeof value === 'string' ? value.split(/[\s,]+/).filter((scope) => scope !== '') : value),
    z.array(z.string().regex(SCOPE_TOKEN, SCOPE_TOKEN_PROBLEM)).min(1, 'name at least one scope, or leave the key out'),
  );

/** A proxy is named by its origin; its credentials are kept apart, the password as a secret. */
const proxyUrl = () =>
  z.url({ protocol: /^https?$/ }).superRefine((text, context) => {
    const url = new URL(text);
    if (url.username !== '' || url.password !== '') {
      context.addIssue({
        code: 'custom',
        message:
          'must not hold credentials: set gentrack.proxy.username, and GENTRACK_PROXY_PASSWORD in the environment or the secrets file',
      });
    } else if (url.pathname !== '/' || url.search !== '' || url.hash !== '') {
      context.addIssue({
        code: 'custom',
        message: "must be the proxy's origin only (scheme, host and port), e.g. http://proxy.example.com:3128",
      });
    }
  });

/** A file the relay reads at start; a relative path in the config file is relative to that file. */
const filePath = () => z.string().min(1);

const gentrackProxySchema = z.strictObject({
  /** Every Gentrack call, the token request included, goes through this HTTP proxy (HTTP CONNECT tunnels). */
  url: proxyUrl(),
  /** Proxy-Authorization: Basic with this user and the secret GENTRACK_PROXY_PASSWORD. */
  username: z
    .string()
    .min(1)
    .regex(/^[^:]*$/, 'must not contain ":" (HTTP Basic credentials cannot hold one)')
    .optional(),
});

const gentrackTlsSchema = z
  .strictObject({
    /** PEM certificates of CAs to trust besides Node's built-in roots (a private CA, a TLS-inspecting proxy). */
    caFile: filePath().optional(),
    /** PEM client certificate (and its chain) for Gentrack endpoints that ask for one; needs keyFile. */
    certFile: filePath().optional(),
    /** PEM private key of certFile; an encrypted key takes the secret GENTRACK_TLS_KEY_PASSPHRASE. */
    keyFile: filePath().optional(),
  })
  .superRefine((tls, context) => {
    if (tls.certFile !== undefined && tls.keyFile === undefined)
      context.addIssue({ code: 'custom', path: ['keyFile'], message: 'is required with certFile (its private key)' });
    if (tls.keyFile !== undefined && tls.certFile === undefined)
      context.addIssue({ code: 'custom', path: ['certFile'], message: 'is required with keyFile (its certificate)' });
  }, everyPass);

const gentrackSchema = z.strictObject({
  /** Per tenant: https://api.crm.<deploymentPool>.gentrack.cloud/v1 */
  baseUrl: baseUrl(),
  tokenUrl: httpUrl().default('https://au.id.gentrackcloud.com/v1/token'),
  clientId: z.string().min(1),
  /** OAuth2 scopes the token request asks for; without them it asks for none (the client's defaults). */
  scopes: scopeList().optional(),
  proxy: gentrackProxySchema.optional(),
  tls: gentrackTlsSchema.optional(),
  responseTimeoutMs: milliseconds().default(60_000),
  connectTimeoutMs: milliseconds().default(30_000),
  idleTimeoutMs: milliseconds().default(30_000),
  /** Persistent connections kept to the Gentrack API. */
  connections: positiveInt().default(64),
});

const storeSchema = z.strictObject({
  path: z.string().min(1).default('./var/relay.db'),
  /** FULL survives power loss after an acknowledged write, which at-least-once delivery relies on. */
  synchronous: z.enum(['FULL', 'NORMAL']).default('FULL'),
});

const deliverySchema = z
  .strictObject({
    concurrency: positiveInt().default(32),
    maxAttempts: positiveInt().default(12),
    initialBackoffMs: milliseconds().default(500),
    maxBackoffMs: milliseconds().default(300_000),
    /** How long the parts of a split event may wait for the rest before the event is dead-lettered. */
    partTimeoutMs: milliseconds().default(600_000),
    /** Consecutive failures that open the circuit breaker in front of Gentrack. */
    breakerThreshold: positiveInt().default(10),
    breakerHalfOpenAfterMs: milliseconds().default(10_000),
    /** On shutdown, how long in-flight deliveries may finish before they are abandoned (and retried on restart). */
    shutdownGraceMs: z.number().int().nonnegative().default(10_000),
  })
  .superRefine((delivery, context) => {
    const { initialBackoffMs, maxBackoffMs } = delivery;
    if (typeof initialBackoffMs === 'number' && typeof maxBackoffMs === 'number' && initialBackoffMs > maxBackoffMs) {
      context.addIssue({ code: 'custom', path: ['initialBackoffMs'], message: 'must not exceed maxBackoffMs' });
    }
  }, everyPass);

const httpSchema = z.strictObject({
  /** The operations server (health, metrics); loopback by default because it is unauthenticated. */
  host: z.string().min(1).default('127.0.0.1'),
  /** 0 picks a free port (tests). */
  port: z.number().int().min(0).max(65_535).default(8787),
});

const apiSchema = z.strictObject({
  /** Serve the on-demand sync API and its token endpoint (what the Salesforce sync button calls). */
  enabled: z.boolean().default(true),
  /** Plain HTTP: bind it where a TLS-terminating proxy reaches it (Salesforce calls https only). */
  host: z.string().min(1).default('127.0.0.1'),
  /** 0 picks a free port (tests). */
  port: z.number().int().min(0).max(65_535).default(8788),
  /** Lifetime of the access tokens the relay issues; rotated or revoked secrets stop minting, not using, tokens. */
  tokenTtlSeconds: z.number().int().min(60).max(86_400).default(900),
  /** Per API client: requests at once, then this many per minute on average (429 with Retry-After beyond). */
  rateLimit: z
    .strictObject({
      burst: positiveInt().default(60),
      perMinute: positiveInt().default(600),
    })
    .prefault({}),
  /** The Gentrack API gateway (/v1/gentrack/...): which operations are open is the connector model's gentrackApi. */
  gateway: z
    .strictObject({
      /** Largest request body Salesforce may send, in bytes. */
      requestBodyLimitBytes: positiveInt()
        .max(10 * 1024 * 1024)
        .default(64 * 1024),
      /** Largest answer passed on, in bytes: Salesforce reads at most 6 MB in a synchronous callout. */
      responseLimitBytes: positiveInt()
        .max(12 * 1024 * 1024)
        .default(6 * 1024 * 1024),
      /** Gentrack calls one API client may make per window (429 with Retry-After beyond). */
      rateLimit: z
        .strictObject({ max: positiveInt().default(600), windowSeconds: positiveInt().default(60) })
        .prefault({}),
      /** The cache of GET answers (lifetimes per operation in the connector model): entries and bytes at most. */
      cache: z
        .strictObject({ maxEntries: positiveInt().default(5000), maxBytes: positiveInt().default(64 * 1024 * 1024) })
        .prefault({}),
    })
    .prefault({}),
});

const logSchema = z.strictObject({
  level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export const relayConfigSchema = z.strictObject({
  /** The Gentrack tenant (instance) this relay serves. */
  tenantId: z.string().min(1),
  // Sections with required keys are prefaulted too, so a missing section reports each key it lacks.
  salesforce: salesforceSchema.prefault({} as never),
  gentrack: gentrackSchema.prefault({} as never),
  store: storeSchema.prefault({}),
  delivery: deliverySchema.prefault({}),
  http: httpSchema.prefault({}),
  api: apiSchema.prefault({}),
  log: logSchema.prefault({}),
  /** Gentrack's signed webhook events; without this section the relay receives none. */
  webhooks: webhooksSchema.optional(),
  /** The web console (portal-config-schema.ts); without this section the relay serves none. */
  portal: portalSchema.optional(),
  /** Mail of initial synchronisation outcomes over SMTP (email-config-schema.ts); without this section none is sent. */
  email: emailSchema.optional(),
});

export type RelayConfig = z.output<typeof relayConfigSchema>;
/** What a config file (or a test) may write: every defaulted key optional. */
export type RelayConfigInput = z.input<typeof relayConfigSchema>;
export type LogLevel = RelayConfig['log']['level'];
