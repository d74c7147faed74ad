/**
 * Client ids and secrets of the relay's API clients. Secrets are random (256 bits), shown once to the operator, and
 * kept only as scrypt hashes (`scrypt$N$r$p$salt$hash`), compared in constant time. Hashing is deliberately slow,
 * so the token endpoint rate-limits before it verifies.
 */
import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { Secret } from '../config/secret.js';

const PARAMETERS = { N: 16_384, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;
const SALT_BYTES = 16;

function scrypt(secret: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCallback(secret, salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

export function newClientId(): string {
  return `grc_${randomBytes(8).toString('hex')}`;
}

export function newClientSecret(): Secret {
  return new Secret(randomBytes(32).toString('base64url'));
}

export async function hashClientSecret(secret: Secret): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await scrypt(secret.reveal(), salt, KEY_LENGTH, { ...PARAMETERS, maxmem: 64 * 1024 * 1024 });
  return [
    'scrypt',
    PARAMETERS.N,
    PARAMETERS.r,
    PARAMETERS.p,
    salt.toString('base64url'),
    hash.toString('base64url'),
  ].join('$');
}

/**
 * A hash of no secret anyone holds, checked when a token request names an unknown client, so that it costs the same
 * scrypt work as a known one: the answer's timing must not tell which client ids exist.
 */
export function unknownClientHash(): Promise<string> {
  return (unknownClient ??= hashClientSecret(newClientSecret()));
}
let unknownClient: Promise<string> | undefined;

/** False for a wrong secret and for a stored value that is not a hash this module wrote. */
export async function verifyClientSecret(secret: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await scrypt(secret, Buffer.from(salt, 'base64url'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: 64 * 1024 * 1024,
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
