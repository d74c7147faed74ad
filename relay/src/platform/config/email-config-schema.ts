/**
 * The relay's `email` section: where the outcome of every initial synchronisation is mailed (and, later, other
 * alerts), over SMTP. The password is a secret (SMTP_PASSWORD), never in this file. Without the section no email is
 * sent.
 */
import { z } from 'zod';
import { isLoopbackHost } from './portal-config-schema.js';

/** Addresses from a list in the file, or comma- or space-separated text from the environment. */
const addressList = () =>
  z.preprocess(
    (value) => (typeof value === 'string' ? value.split(/[\s,;]+/).filter((address) => address !== '') : value),
    z.array(z.email()).min(1, 'name at least one recipient'),
  );

export const emailSchema = z
  .strictObject({
    smtp: z.strictObject({
      host: z.string().min(1),
      /** 587 for starttls, 465 for tls, 25 for a relay on this machine. */
      port: z.number().int().min(1).max(65_535).default(587),
      /**
       * `starttls`: the connection must be upgraded to TLS before anything is sent (port 587); `tls`: TLS from the
       * first byte (port 465); `none`: plain SMTP, accepted only to this machine (a local relay such as postfix).
       */
      security: z.enum(['starttls', 'tls', 'none']).default('starttls'),
      /** Signs in with this user and the secret SMTP_PASSWORD; without it the server must accept mail unauthenticated. */
      user: z.string().min(1).optional(),
      /** Only for a server on this machine with a self-signed certificate. */
      rejectUnauthorizedTls: z.boolean().default(true),
      /** Connecting, the greeting and each command must answer within this long. */
      timeoutMs: z.number().int().positive().default(30_000),
    }),
    /** The sender, e.g. `Gentrack relay <relay@example.com>`. */
    from: z
      .string()
      .regex(/^[^<>]*<[^@\s<>]+@[^@\s<>]+>$|^[^@\s<>]+@[^@\s<>]+$/, 'must be an address, or a name and <address>'),
    /** Who is told. */
    to: addressList(),
    /**
     * Also email when dead letters come in a burst: `threshold` or more filed within `windowMinutes` (at most one
     * email per window). Without this key only initial synchronisations are emailed.
     */
    deadLetterBursts: z
      .strictObject({
        threshold: z.number().int().min(1).default(10),
        windowMinutes: z
          .number()
          .int()
          .min(1)
          .max(24 * 60)
          .default(15),
      })
      .optional(),
  })
  .superRefine(
    (email, context) => {
      const smtp = email.smtp as { host?: unknown; security?: unknown } | undefined;
      if (smtp?.security !== 'none' || typeof smtp.host !== 'string' || isLoopbackHost(smtp.host)) return;
      context.addIssue({
        code: 'custom',
        path: ['smtp', 'security'],
        message: `"none" is accepted only for a server on this machine (${smtp.host} is not): use starttls or tls, so the password and the mail are not sent in clear`,
      });
    },
    { when: () => true },
  );

export type EmailConfig = z.output<typeof emailSchema>;
