/**
 * Property test of the relay's webhook endpoint on the sandbox: 1,200 requests made from validly signed Gentrack
 * events by seeded random mutations (flipped bytes, truncation, reordered or edited JSON, another t, another key,
 * edited or swapped signatures, mangled headers, replays outside the time window, bodies over the limit, other
 * media types) are every one refused with a 4xx, nothing is stored, and the relay then still accepts and applies a
 * valid event.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { request } from 'undici';
import { seededRandom } from '../../sandbox/gentrack/faults/prng.js';
import { eventually, startE2E, type E2E } from './harness.js';

const REQUESTS = 1_200;
const SEED = 20_240_601;
const BODY_LIMIT = 8_192;
const APP_ID = 'gentrack-sandbox-app';
const TENANT_ID = 'gentrack-sandbox-tenant';

let e2e: E2E;
let url: string;

before(async () => {
  e2e = await startE2E();
  await e2e.startRelay({
    webhooks: {
      host: '127.0.0.1',
      port: 0,
      appId: APP_ID,
      tenantIds: [TENANT_ID],
      publicKeys: [e2e.sandbox.gentrack.publicKeyPem],
      bodyLimitBytes: BODY_LIMIT,
    },
  });
  url = e2e.relay.gentrackEvents!.url!;
});

after(async () => {
  await e2e?.close();
});

interface Attempt {
  readonly body: Buffer;
  readonly headers: Record<string, string>;
  readonly mutation: string;
}

const strangers: KeyObject[] = [1, 2, 3].map(() => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);

function signWith(key: KeyObject, body: Buffer, t: number): string {
  return `t=${t},v=${sign('sha512', Buffer.concat([Buffer.from(`${t}.`), body]), key).toString('base64')}`;
}

function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

/** A request built from a valid one by one or more mutations, each of which must make it unacceptable. */
function mutate(random: () => number, valid: readonly { body: Buffer; header: string }[], now: number): Attempt {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const base = pick(valid);
  let body = Buffer.from(base.body);
  let header = base.header;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const [, t, v] = /^t=(\d+),v=(.+)$/.exec(header)!;
  const mutations = [
    'flip-byte',
    'truncate',
    'reorder-json',
    'edit-json',
    'change-t',
    'other-key',
    'edit-signature',
    'swap-signature',
    'mangle-header',
    'replay-old',
    'drop-header',
    'append-bytes',
  ];
  const applied: string[] = [];
  const count = 1 + Math.floor(random() * 3);
  for (let n = 0; n < count; n++) {
    const mutation = pick(mutations);
    applied.push(mutation);
    switch (mutation) {
      case 'flip-byte': {
        const index = Math.floor(random() * body.length);
        body[index] = body[index]! ^ (1 + Math.floor(random() * 255));
        break;
      }
      case 'truncate':
        body = body.subarray(0, Math.floor(random() * body.length));
        break;
      case 'reorder-json':
      case 'edit-json': {
        let value: Record<string, unknown>;
        try {
          value = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
        } catch {
          body = Buffer.concat([body, Buffer.from(' ')]);
          break;
        }
        if (mutation === 'edit-json') {
          const key = pick(['tenantId', 'appId', 'eventType', 'createdAt', 'eventId', 'data']);
          value[key] = key === 'data' ? { accountNumber: 'A66600001', quoteId: 'Q-EVIL' } : `${String(value[key])}x`;
        }
        let text = JSON.stringify(Object.fromEntries(shuffled(Object.entries(value), random)));
        if (text === body.toString('utf8')) text = JSON.stringify(Object.fromEntries(Object.entries(value).reverse()));
        body = Buffer.from(text);
        break;
      }
      case 'change-t': {
        const delta = (1 + Math.floor(random() * 900)) * (random() < 0.5 ? -1 : 1);
        header = `t=${Number(t) + delta},v=${v}`;
        break;
      }
      case 'other-key':
        header = signWith(pick(strangers), body, Number(t));
        break;
      case 'edit-signature': {
        const signature = header.slice(header.indexOf(',v=') + 3);
        const index = Math.floor(random() * (signature.length - 2));
        const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
        const replacement = alphabet[(alphabet.indexOf(signature[index]!) + 1 + Math.floor(random() * 63)) % 64]!;
        header = `${header.slice(0, header.indexOf(',v=') + 3)}${signature.slice(0, index)}${replacement}${signature.slice(index + 1)}`;
        break;
      }
      case 'swap-signature': {
        const other = pick(valid.filter((candidate) => candidate !== base));
        header = other.header;
        break;
      }
      case 'mangle-header':
        header = pick([
          header.replace('t=', 'T='),
          header.replace(',v=', ';v='),
          `${header},v=${v}`.replace(/^t=\d+,/, ''),
          header.replace(/^t=\d+/, 't=soon'),
          `${header},extra=1`,
          header.replace(',v=', ', v='),
          `v=${v},t=${t},t=${t}`,
        ]);
        break;
      case 'replay-old': {
        // A correct signature, but made 6 to 60 minutes ago (or ahead): a captured request replayed.
        const skew = (360 + Math.floor(random() * 3240)) * (random() < 0.8 ? -1 : 1);
        header = e2e.sandbox.gentrack.webhooks.sign(body.toString('utf8'), Math.floor(now / 1000) + skew);
        break;
      }
      case 'drop-header':
        header = '';
        break;
      case 'append-bytes':
        body = Buffer.concat([body, Buffer.from(pick([' ', '\n', '{}', '\u0000', 'x'.repeat(BODY_LIMIT)]))]);
        break;
    }
  }
  if (header !== '') headers['x-payload-signature'] = header;
  if (random() < 0.03) headers['content-type'] = pick(['text/plain', 'application/x-www-form-urlencoded']);
  return { body, headers, mutation: applied.join('+') };
}

test(
  `${REQUESTS} mutated webhook requests are all refused, nothing is stored, and the relay still serves`,
  { timeout: 180_000 },
  async (t) => {
    const gentrack = e2e.sandbox.gentrack;
    const { org } = e2e.sandbox.salesforce;
    gentrack.state.seedAccount({ accountNumber: 'A66600001', account: { name: 'Fuzz target' }, status: 'Active' });
    const [target] = await org.insert(
      'Account',
      { Name: 'Fuzz target', Gentrack_External_Id__c: 'A66600001' },
      { as: org.users.integration },
    );

    const random = seededRandom(SEED);
    const now = Date.now();
    const valid = [
      'quote-created',
      'switch-loss-started',
      'contract-active',
      'quote-accepted',
      'switch-loss-finished',
    ].map((eventType, index) => {
      const envelope = gentrack.webhooks.envelope({
        eventType,
        data: { accountNumber: 'A66600001', quoteId: `Q-${index}`, contractId: `K-${index}`, switchDate: '2024-07-01' },
      });
      const body = Buffer.from(JSON.stringify(envelope));
      return { body, header: gentrack.webhooks.sign(body.toString('utf8')) };
    });

    const inbox = e2e.relay.gentrackEvents!.inbox;
    const storedBefore = inbox.counts().total;
    const lettersBefore = e2e.relay.store.deadLetters(10_000).length;
    const statuses = new Map<number, number>();
    const codes = new Map<string, number>();
    const accepted: string[] = [];

    for (let start = 0; start < REQUESTS; start += 25) {
      const batch = Array.from({ length: Math.min(25, REQUESTS - start) }, () => mutate(random, valid, now));
      await Promise.all(
        batch.map(async (attempt) => {
          const response = await request(url, { method: 'POST', headers: attempt.headers, body: attempt.body });
          const text = await response.body.text();
          statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
          const code = (JSON.parse(text) as { error?: string }).error ?? '(none)';
          codes.set(code, (codes.get(code) ?? 0) + 1);
          if (response.statusCode < 400 || response.statusCode >= 500)
            accepted.push(`${attempt.mutation}: ${response.statusCode} ${text}`);
        }),
      );
    }
    t.diagnostic(`statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
    t.diagnostic(`refusals ${JSON.stringify(Object.fromEntries(codes))}`);
    assert.deepEqual(accepted, [], 'every mutated request is refused with a 4xx');
    assert.equal(
      [...statuses.values()].reduce((a, b) => a + b, 0),
      REQUESTS,
    );
    for (const code of [
      'SIGNATURE_INVALID',
      'SIGNATURE_MALFORMED',
      'SIGNATURE_MISSING',
      'TIMESTAMP_OUT_OF_TOLERANCE',
      'BODY_TOO_LARGE',
    ]) {
      assert.ok((codes.get(code) ?? 0) > 0, `the mutations reached ${code}`);
    }
    assert.equal(inbox.counts().total, storedBefore, 'no mutated event was stored');
    assert.equal(e2e.relay.store.deadLetters(10_000).length, lettersBefore, 'and none was dead-lettered');
    const account = org.get('Account', target!.id!)!;
    assert.equal(account['Quote_Reference__c'], null, 'Salesforce was not touched');

    // Still serving: a valid event afterwards is accepted and applied.
    const delivery = await gentrack.webhooks.send(url, {
      eventType: 'quote-ready',
      data: { accountNumber: 'A66600001', quoteId: 'Q-AFTER' },
    });
    assert.equal(delivery.status, 202);
    await eventually('the valid event applied', () => inbox.record(delivery.envelope.eventId)?.state === 'applied');
    assert.equal(org.get('Account', target!.id!)!['Quote_Reference__c'], 'Q-AFTER');
  },
);
