import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Secret } from '../config/secret.js';
import { AccessTokenRejectedError, AccessTokenSigner, SigningKeyError } from './access-tokens.js';

const KEY = new Secret('k'.repeat(32));

function signer(options: { key?: Secret; audience?: string; now?: () => number } = {}) {
  return new AccessTokenSigner({
    key: options.key ?? KEY,
    audience: options.audience ?? 'tenant-a',
    ttlSeconds: 600,
    clock: options.now ?? (() => 1_700_000_000_000),
  });
}

function rejection(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof AccessTokenRejectedError, String(error));
    return error.code;
  }
  assert.fail('the token was accepted');
}

test('a token the relay issued verifies until it expires, then is refused as expired', () => {
  let now = 1_700_000_000_000;
  const tokens = signer({ now: () => now });
  const { token, expiresIn, claims } = tokens.issue('grc_1');
  assert.equal(expiresIn, 600);
  assert.equal(token.split('.').length, 3, 'a compact JWT');
  assert.deepEqual(tokens.verify(token), claims);
  assert.equal(claims.sub, 'grc_1');
  assert.equal(claims.aud, 'tenant-a');
  now += 599_000;
  assert.equal(tokens.verify(token).sub, 'grc_1', 'still valid a second before expiry');
  now += 1_000;
  assert.equal(
    rejection(() => tokens.verify(token)),
    'TOKEN_EXPIRED',
  );
});

test('forged, tampered, foreign and malformed tokens are refused', () => {
  const tokens = signer();
  const { token } = tokens.issue('grc_1');
  const [header, payload] = token.split('.') as [string, string, string];

  assert.equal(
    rejection(() => tokens.verify(signer({ key: new Secret('x'.repeat(32)) }).issue('grc_1').token)),
    'BAD_SIGNATURE',
    'signed with another key',
  );
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
  const longer = Buffer.from(JSON.stringify({ ...claims, exp: claims.exp + 86_400 })).toString('base64url');
  assert.equal(
    rejection(() => tokens.verify(`${header}.${longer}.${token.split('.')[2]}`)),
    'BAD_SIGNATURE',
    'claims changed after signing',
  );
  const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
  assert.equal(
    rejection(() => tokens.verify(`${none}.${payload}.x`)),
    'MALFORMED_TOKEN',
    'alg none',
  );
  assert.equal(
    rejection(() => tokens.verify('not-a-token')),
    'MALFORMED_TOKEN',
  );
  assert.equal(
    rejection(() => tokens.verify(`${header}.${payload}`)),
    'MALFORMED_TOKEN',
  );
  assert.equal(
    rejection(() => signer({ audience: 'tenant-b' }).verify(token)),
    'WRONG_AUDIENCE',
    "another tenant's relay with the same key",
  );
});

test('a signing key shorter than 32 bytes is refused', () => {
  assert.throws(() => signer({ key: new Secret('short') }), SigningKeyError);
});
