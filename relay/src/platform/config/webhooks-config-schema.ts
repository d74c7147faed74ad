/**
 * The relay's `webhooks` section: where it receives Gentrack's signed webhook events and how it checks them. The
 * section is optional; without it the relay receives no Gentrack events. Public keys are not secrets, but they decide
 * whom the relay believes, so they are checked here (each must be an RSA public key in PEM) and never taken from a
 * request.
 */
import { createPublicKey } from 'node:crypto';
import { z } from 'zod';

/** Several PEM blocks may sit in one value (a key change), e.g. in GENTRACK_RELAY_WEBHOOKS_PUBLIC_KEYS. */
const PEM_BLOCK = /-----BEGIN [A-Z ]+-----[\s\S]*?-----END [A-Z ]+-----/g;
/** RSA keys below this size are not trusted to authenticate anything. */
export const MIN_RSA_KEY_BITS = 2048;

/** A list from the config file, or comma-separated text from the environment. */
const listOf = (item: z.ZodString) =>
  z.preprocess(
    (value) =>
      typeof value === 'string'
        ? value
            .split(',')
            .map((part) => part.trim())
            .filter((part) => part !== '')
        : value,
    z.array(item),
  );

/** PEM text as a list of blocks; environment files often carry newlines as literal \n. */
const pemList = () =>
  z.preprocess(
    (value) => {
      const texts = typeof value === 'string' ? [value] : value;
      if (!Array.isArray(texts)) return texts;
      return texts.flatMap((text) => {
        if (typeof text !== 'string') return [text];
        const blocks = text.replace(/\\n/g, '\n').match(PEM_BLOCK);
        return blocks ?? [text];
      });
    },
    z.array(
      z.string().superRefine((pem, context) => {
        const problem = publicKeyProblem(pem);
        if (problem) context.addIssue({ code: 'custom', message: problem });
      }),
    ),
  );

/** Why a PEM text is not an acceptable webhook verification key, or undefined when it is. Never echoes the text. */
export function publicKeyProblem(pem: string): string | undefined {
  let key;
  try {
    key = createPublicKey(pem);
  } catch {
    return 'is not a PEM public key (-----BEGIN PUBLIC KEY----- ...)';
  }
  if (key.asymmetricKeyType !== 'rsa')
    return `must be an RSA key (Gentrack signs with RSA SHA-512), not ${key.asymmetricKeyType}`;
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_KEY_BITS) return `is a ${bits}-bit RSA key; at least ${MIN_RSA_KEY_BITS} bits are required`;
  return undefined;
}

export const webhooksSchema = z
  .strictObject({
    /** Where the webhook server listens. Gentrack must reach it: usually a private address behind a TLS proxy. */
    host: z.string().min(1).default('127.0.0.1'),
    /** 0 picks a free port (tests). */
    port: z.number().int().min(0).max(65_535).default(8789),
    /** The Gentrack application whose events these are (the envelope's appId). */
    appId: z.string().min(1),
    /** Gentrack tenants whose events are accepted (the envelope's tenantId). */
    tenantIds: listOf(z.string().min(1)).pipe(z.array(z.string()).min(1, 'name at least one tenant id')),
    /** The application's public keys in PEM; several are accepted at once during a key change. */
    publicKeys: pemList().default([]),
    /** Files holding PEM public keys (read at start), for keys managed as files. */
    publicKeyFiles: listOf(z.string().min(1)).default([]),
    /** How far the signature time may be from the relay's clock, either way, before a request counts as replayed. */
    timestampToleranceSeconds: z.number().int().min(1).max(3_600).default(300),
    /** Larger requests are refused unread (413). */
    bodyLimitBytes: z
      .number()
      .int()
      .min(1_024)
      .max(10 * 1024 * 1024)
      .default(1_048_576),
  })
  .superRefine(
    (webhooks, context) => {
      const keys = Array.isArray(webhooks.publicKeys) ? webhooks.publicKeys.length : 0;
      const files = Array.isArray(webhooks.publicKeyFiles) ? webhooks.publicKeyFiles.length : 0;
      if (keys + files === 0) {
        context.addIssue({
          code: 'custom',
          path: ['publicKeys'],
          message:
            "give the Gentrack application's public key in publicKeys (PEM) or publicKeyFiles, or no webhook could ever be verified",
        });
      }
    },
    { when: () => true },
  );

export type WebhooksConfig = z.output<typeof webhooksSchema>;
