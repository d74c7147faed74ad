import { createPrivateKey, sign, type KeyObject } from 'node:crypto';

/**
 * The `x-payload-signature` header value Gentrack sends: `t=<unix seconds>,v=<base64 signature>`, where the
 * signature is RSA (PKCS#1 v1.5) with SHA-512 over `<t>.<raw body>`.
 */
export function payloadSignature(privateKey: KeyObject, rawBody: string, timestampSeconds: number): string {
  const signature = sign('sha512', Buffer.from(`${timestampSeconds}.${rawBody}`, 'utf8'), privateKey);
  return `t=${timestampSeconds},v=${signature.toString('base64')}`;
}

export function privateKeyFromPem(pem: string): KeyObject {
  return createPrivateKey(pem);
}
