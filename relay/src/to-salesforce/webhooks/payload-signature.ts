/**
 * Checks Gentrack's `x-payload-signature: t=<unix seconds>,v=<base64>` header: an RSA (PKCS#1 v1.5) SHA-512
 * signature over `<t>.<raw body bytes>`, made with the application's private key. Pure: the caller passes the raw
 * bytes exactly as received (never re-serialised JSON), the keys and the clock.
 *
 * The header is read strictly (one `t`, base64 in canonical form), so no two different headers verify as the same
 * signature, and a timestamp outside the tolerance is refused in both directions, so a captured request cannot be
 * replayed later.
 */
import { verify, type KeyObject } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-payload-signature';

export type SignatureRefusalCode =
  'SIGNATURE_MISSING' | 'SIGNATURE_MALFORMED' | 'TIMESTAMP_OUT_OF_TOLERANCE' | 'SIGNATURE_INVALID';

export type SignatureCheck =
  | { readonly ok: true; readonly timestampSeconds: number }
  | { readonly ok: false; readonly code: SignatureRefusalCode; readonly reason: string };

export interface SignatureHeader {
  readonly timestampSeconds: number;
  readonly signatures: readonly Buffer[];
}

/** Gentrack sends one signature; a few are allowed so a sender can sign with an old and a new key at once. */
const MAX_SIGNATURES = 4;
const TIMESTAMP = /^[0-9]{1,12}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export function parseSignatureHeader(value: string | readonly string[] | undefined): SignatureHeader | SignatureCheck {
  if (value === undefined || value === '') return refuse('SIGNATURE_MISSING', `no ${SIGNATURE_HEADER} header`);
  if (typeof value !== 'string') return refuse('SIGNATURE_MALFORMED', `${SIGNATURE_HEADER} was sent more than once`);
  let timestampSeconds: number | undefined;
  const signatures: Buffer[] = [];
  for (const element of value.split(',')) {
    const separator = element.indexOf('=');
    const key = separator < 0 ? element : element.slice(0, separator);
    const text = separator < 0 ? '' : element.slice(separator + 1);
    if (key === 't') {
      if (timestampSeconds !== undefined || !TIMESTAMP.test(text)) {
        return refuse('SIGNATURE_MALFORMED', `${SIGNATURE_HEADER} needs exactly one t=<unix seconds>`);
      }
      timestampSeconds = Number(text);
    } else if (key === 'v') {
      const signature = canonicalBase64(text);
      if (!signature) return refuse('SIGNATURE_MALFORMED', `${SIGNATURE_HEADER} v= is not canonical base64`);
      signatures.push(signature);
    } else {
      return refuse(
        'SIGNATURE_MALFORMED',
        `${SIGNATURE_HEADER} has an unknown element; expected t=<unix seconds>,v=<base64>`,
      );
    }
  }
  if (timestampSeconds === undefined)
    return refuse('SIGNATURE_MALFORMED', `${SIGNATURE_HEADER} has no t=<unix seconds>`);
  if (signatures.length === 0 || signatures.length > MAX_SIGNATURES) {
    return refuse('SIGNATURE_MALFORMED', `${SIGNATURE_HEADER} needs 1 to ${MAX_SIGNATURES} v=<base64> signatures`);
  }
  return { timestampSeconds, signatures };
}

export interface VerifyOptions {
  readonly header: string | readonly string[] | undefined;
  /** The request body exactly as received. */
  readonly rawBody: Buffer;
  /** Every key currently trusted (more than one during a key change). */
  readonly keys: readonly KeyObject[];
  readonly nowMs: number;
  readonly toleranceSeconds: number;
}

export function verifyPayloadSignature(options: VerifyOptions): SignatureCheck {
  const parsed = parseSignatureHeader(options.header);
  if ('ok' in parsed) return parsed;
  const skewSeconds = Math.abs(options.nowMs / 1000 - parsed.timestampSeconds);
  if (skewSeconds > options.toleranceSeconds) {
    return refuse(
      'TIMESTAMP_OUT_OF_TOLERANCE',
      `the signature time t=${parsed.timestampSeconds} is ${Math.round(skewSeconds)} s from the relay's clock (tolerance ${options.toleranceSeconds} s)`,
    );
  }
  const signed = Buffer.concat([Buffer.from(`${parsed.timestampSeconds}.`, 'ascii'), options.rawBody]);
  for (const key of options.keys) {
    for (const signature of parsed.signatures) {
      if (verify('sha512', signed, key, signature)) return { ok: true, timestampSeconds: parsed.timestampSeconds };
    }
  }
  return refuse(
    'SIGNATURE_INVALID',
    `the signature does not verify with any of the ${options.keys.length} configured key(s)`,
  );
}

/** Decodes base64 only when re-encoding gives the same text: Node ignores stray bits and characters otherwise. */
function canonicalBase64(text: string): Buffer | undefined {
  if (text.length === 0 || text.length % 4 !== 0 || !BASE64.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : undefined;
}

function refuse(code: SignatureRefusalCode, reason: string): SignatureCheck {
  return { ok: false, code, reason };
}
