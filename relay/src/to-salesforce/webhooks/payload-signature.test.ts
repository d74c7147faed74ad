import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { parseSignatureHeader, verifyPayloadSignature } from './payload-signature.js';

const current = generateKeyPairSync('rsa', { modulusLength: 2048 });
const next = generateKeyPairSync('rsa', { modulusLength: 2048 });
const NOW_MS = 1_717_200_000_000;
const T = NOW_MS / 1000;
const BODY = Buffer.from('{"eventType":"switch-loss-started","data":{"accountNumber":"A1"}}');

const signature = (privateKey: typeof current.privateKey, t: number, body: Buffer = BODY) =>
  sign('sha512', Buffer.concat([Buffer.from(`${t}.`), body]), privateKey).toString('base64');

const check = (
  header: string | string[] | undefined,
  options: { body?: Buffer; keys?: (typeof current.publicKey)[]; nowMs?: number } = {},
) =>
  verifyPayloadSignature({
    header,
    rawBody: options.body ?? BODY,
    keys: options.keys ?? [current.publicKey],
    nowMs: options.nowMs ?? NOW_MS,
    toleranceSeconds: 300,
  });

test('a signature over "<t>.<raw body>" with a configured key verifies', () => {
  assert.deepEqual(check(`t=${T},v=${signature(current.privateKey, T)}`), { ok: true, timestampSeconds: T });
});

test('during a key change either configured key verifies; an unknown key does not', () => {
  const keys = [current.publicKey, createPublicKey(next.publicKey.export({ type: 'spki', format: 'pem' }))];
  assert.equal(check(`t=${T},v=${signature(next.privateKey, T)}`, { keys }).ok, true);
  assert.equal(check(`t=${T},v=${signature(current.privateKey, T)}`, { keys }).ok, true);
  const other = check(`t=${T},v=${signature(next.privateKey, T)}`);
  assert.equal(other.ok, false);
  assert.equal(!other.ok && other.code, 'SIGNATURE_INVALID');
});

test('one changed byte of the body, or another t, breaks the signature', () => {
  const header = `t=${T},v=${signature(current.privateKey, T)}`;
  const changed = Buffer.from(BODY);
  changed[10] = changed[10]! ^ 0x01;
  assert.deepEqual(check(header, { body: changed }), {
    ok: false,
    code: 'SIGNATURE_INVALID',
    reason: 'the signature does not verify with any of the 1 configured key(s)',
  });
  const shifted = check(`t=${T + 1},v=${signature(current.privateKey, T)}`);
  assert.equal(!shifted.ok && shifted.code, 'SIGNATURE_INVALID');
});

test('the timestamp must be within the tolerance in both directions, the bounds included', () => {
  for (const [skew, ok] of [
    [-300, true],
    [300, true],
    [-301, false],
    [301, false],
    [-86_400, false],
  ] as const) {
    const t = T + skew;
    const result = check(`t=${t},v=${signature(current.privateKey, t)}`);
    assert.equal(result.ok, ok, `skew ${skew} s`);
    if (!result.ok) assert.equal(result.code, 'TIMESTAMP_OUT_OF_TOLERANCE');
  }
});

test('missing and malformed headers are refused before any key is tried', () => {
  const good = signature(current.privateKey, T);
  assert.equal((check(undefined) as { code: string }).code, 'SIGNATURE_MISSING');
  assert.equal((check('') as { code: string }).code, 'SIGNATURE_MISSING');
  for (const header of [
    'garbage',
    `v=${good}`,
    `t=${T}`,
    `t=${T},t=${T},v=${good}`,
    `t=abc,v=${good}`,
    `t=${T},v=${good},x=1`,
    `t=${T}, v=${good}`,
    `t=${T},v=${good.slice(0, -4)}`.replace(/.$/, '!'),
    `t=${T},v=`,
    ` t=${T},v=${good}`,
  ]) {
    const result = check(header);
    assert.equal(!result.ok && result.code, 'SIGNATURE_MALFORMED', header);
  }
  assert.equal(
    (check([`t=${T},v=${good}`, `t=${T},v=${good}`]) as { code: string }).code,
    'SIGNATURE_MALFORMED',
    'sent twice',
  );
});

test('base64 must be canonical: stray bits in the last character do not make another valid signature', () => {
  const good = signature(current.privateKey, T);
  assert.ok(good.endsWith('=='), 'a 256-byte signature leaves 4 unused bits before ==');
  const last = good[good.length - 3]!;
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const twin = alphabet[alphabet.indexOf(last) ^ 0x01]!;
  const variant = good.slice(0, -3) + twin + '==';
  assert.deepEqual(Buffer.from(variant, 'base64'), Buffer.from(good, 'base64'), 'Node decodes both to the same bytes');
  const result = check(`t=${T},v=${variant}`);
  assert.equal(!result.ok && result.code, 'SIGNATURE_MALFORMED');
});

test('parseSignatureHeader reads t and every v', () => {
  const parsed = parseSignatureHeader(
    `t=${T},v=${signature(current.privateKey, T)},v=${signature(next.privateKey, T)}`,
  );
  assert.ok(!('ok' in parsed));
  assert.equal(parsed.timestampSeconds, T);
  assert.equal(parsed.signatures.length, 2);
});
