/**
 * The relay's `portal` section: the web console's own listener (off unless the section is there), its sessions and
 * its sign-in limits. Sign-in is by local accounts (`gentrack-sf portal user add`) and, when `oidc` is there, by
 * single sign-on with OpenID Connect (portal-oidc-config-schema.ts).
 */
import { z } from 'zod';
import { isLoopbackHost } from './loopback-host.js';
import { portalOidcSchema } from './portal-oidc-config-schema.js';

export { isLoopbackHost };

export const portalSchema = z
  .strictObject({
    /** The console's address. Off loopback, session cookies are Secure: serve it behind a TLS-terminating proxy. */
    host: z.string().min(1).default('127.0.0.1'),
    /** 0 picks a free port (tests). */
    port: z.number().int().min(0).max(65_535).default(8790),
    /**
     * The https address people open when the console is behind a proxy (links and the cookie's Secure flag follow
     * it). Required when `host` is not loopback, so a console on the network never sends its session over plain http.
     */
    publicUrl: z
      .url({ protocol: /^https?$/ })
      .refine((url) => url.startsWith('https:') || isLoopbackHost(new URL(url).hostname), {
        message: 'must be an https URL (plain http is accepted only for this machine)',
      })
      .transform((url) => url.replace(/\/+$/, ''))
      .optional(),
    /** A session ends this long after sign-in, whatever happens. */
    sessionHours: z
      .number()
      .positive()
      .max(24 * 7)
      .default(8),
    /** A session ends after this long without a request. */
    idleMinutes: z
      .number()
      .positive()
      .max(24 * 60)
      .default(30),
    /** Sign-in attempts per source address within `window` before 429 (guessing passwords costs time). */
    loginAttempts: z
      .strictObject({
        max: z.number().int().min(1).max(1000).default(5),
        windowSeconds: z.number().int().min(1).max(86_400).default(300),
      })
      .prefault({}),
    /** The Initial Data Synchronisation page; without this the page only says how to turn it on. */
    initialSync: z
      .strictObject({
        /** The folder on the relay host under which extracts are chosen; nothing outside it can be loaded. */
        extractRoot: z.string().min(1),
        /** Where reports of rows that did not load are written (default: `reports` next to the relay store). */
        reportDir: z.string().min(1).optional(),
      })
      .optional(),
    /** How people sign in. `local`: accounts in the relay store. */
    auth: z.strictObject({ local: z.literal(true).default(true) }).prefault({}),
    /** Single sign-on with an OpenID Connect provider, beside the local accounts. */
    oidc: portalOidcSchema,
  })
  .superRefine(
    (portal, context) => {
      if (typeof portal.host !== 'string' || isLoopbackHost(portal.host) || portal.publicUrl !== undefined) return;
      context.addIssue({
        code: 'custom',
        path: ['publicUrl'],
        message: `is required when host is not loopback (${portal.host}): give the https address of the TLS proxy in front of the console, so sessions never travel over plain http`,
      });
    },
    { when: () => true },
  );

export type PortalConfig = z.output<typeof portalSchema>;
