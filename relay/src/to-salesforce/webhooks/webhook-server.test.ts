import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { request } from 'undici';
import { createLogger } from '../../platform/ops/logger.js';
import { InboxStore } from '../inbox-store.js';
import { startWebhookServer, type WebhookServer } from './webhook-server.js';

const current = generateKeyPairSync('rsa', { modulusLength: 2048 });
const next = generateKeyPairSync('rsa', { modulusLength: 2048 });
const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });
const APP_ID = 'app-1';
const TENANT_ID = 'tenant-1';
/** Personal data in every test body: it must never reach a log line. */
const PERSONAL = { accountNumber: 'A00000042', customerName: 'Aroha Ngata', email: 'aroha.ngata@example.com' };
const BODY_LIMIT = 4096;
const TOLERANCE_SECONDS = 300;

let server: WebhookServer;
let inbox: InboxStore;
let logLines: string[] = [];
let failStore = false;

before(async () => {
  inbox = InboxStore.open(':memory:');
  server = await startWebhookServer({
    host: '127.0.0.1',
    port: 0,
    appId: APP_ID,
    tenantIds: [TENANT_ID, 'tenant-2'],
    keys: [current.publicKey, next.publicKey],
    toleranceSeconds: TOLERANCE_SECONDS,
    bodyLimitBytes: BODY_LIMIT,
    store: (envelope, rawBody) => {
      if (failStore) throw new Error('disk full');
      return inbox.receive(envelope, rawBody);
    },
    logger: createLogger({ level: 'info', destination: { write: (line: string) => void logLines.push(line) } }),
  });
});

after(async () => {
  await server.close();
  inbox.close();
});

beforeEach(() => {
  logLines = [];
  failStore = false;
});

let eventSeq = 0;
function envelope(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    appId: APP_ID,
    createdAt: new Date().toISOString(),
    data: PERSONAL,
    eventId: `evt-${++eventSeq}`,
    eventType: 'switch-loss-started',
    tenantId: TENANT_ID,
    version: '1',
    eventSource: 'gentrack',
    ...overrides,
  };
}

function signed(body: string | Buffer, key: KeyObject = current.privateKey, t = Math.floor(Date.now() / 1000)): string {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  return `t=${t},v=${sign('sha512', Buffer.concat([Buffer.from(`${t}.`), bytes]), key).toString('base64')}`;
}

async function post(body: string | Buffer, headers: Record<string, string | string[]>, path = '/webhooks/gentrack') {
  const response = await request(server.url.replace('/webhooks/gentrack', path), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  const text = await response.body.text();
  return {
    status: response.statusCode,
    body: text ? (JSON.parse(text) as { error?: string; status?: string; message?: string }) : {},
  };
}

/** Sends, expects the refusal, and checks that nothing was stored and the log names the reason without the body. */
async function expectRefused(
  body: string | Buffer,
  headers: Record<string, string | string[]>,
  status: number,
  code: string,
  path?: string,
) {
  const before = inbox.counts().total;
  const answer = await post(body, headers, path);
  assert.equal(answer.status, status, `${code}: ${JSON.stringify(answer.body)}`);
  assert.equal(answer.body.error, code);
  assert.equal(inbox.counts().total, before, `${code}: nothing stored`);
  const refusals = logLines
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line.refusal === code);
  assert.equal(refusals.length, 1, `${code} is logged once`);
  assert.equal(refusals[0]!.level, 'warn');
  assert.match(String(refusals[0]!.msg), /^Gentrack webhook refused: .+/);
  for (const line of logLines) {
    for (const secret of [PERSONAL.customerName, PERSONAL.email, PERSONAL.accountNumber]) {
      assert.ok(!line.includes(secret), `the log holds no personal data: ${line}`);
    }
  }
}

test('a signed event is stored before the 202; the same eventId again is a 200 duplicate', async () => {
  const body = JSON.stringify(envelope({ eventId: 'evt-accepted' }));
  const first = await post(body, { 'x-payload-signature': signed(body) });
  assert.deepEqual(first, { status: 202, body: { eventId: 'evt-accepted', status: 'accepted' } });
  assert.equal(inbox.record('evt-accepted')?.state, 'pending');
  const again = await post(body, { 'x-payload-signature': signed(body) });
  assert.deepEqual(again, { status: 200, body: { eventId: 'evt-accepted', status: 'duplicate' } });
  assert.equal(inbox.counts().total, 1);
  assert.equal(inbox.due(10)[0]!.rawBody, body, 'kept exactly as received');
});

test('during a key change events signed with either key are accepted; the charset parameter is fine', async () => {
  const body = JSON.stringify(envelope({ tenantId: 'tenant-2' }));
  assert.equal(
    (
      await post(body, {
        'x-payload-signature': signed(body, next.privateKey),
        'content-type': 'application/json; charset=utf-8',
      })
    ).status,
    202,
  );
});

test('a missing signature header is refused (401)', async () => {
  await expectRefused(JSON.stringify(envelope()), {}, 401, 'SIGNATURE_MISSING');
});

test('a malformed signature header is refused (401)', async () => {
  const body = JSON.stringify(envelope());
  await expectRefused(body, { 'x-payload-signature': 'sha512=abc' }, 401, 'SIGNATURE_MALFORMED');
  logLines = [];
  await expectRefused(body, { 'x-payload-signature': [signed(body), signed(body)] }, 401, 'SIGNATURE_MALFORMED');
});

test('a signature made with another key is refused (401)', async () => {
  const body = JSON.stringify(envelope());
  await expectRefused(body, { 'x-payload-signature': signed(body, stranger.privateKey) }, 401, 'SIGNATURE_INVALID');
});

test('a body changed after signing is refused (401): the raw bytes are verified, not re-serialised JSON', async () => {
  const original = JSON.stringify(envelope());
  const header = signed(original);
  await expectRefused(
    original.replace('"version":"1"', '"version":"2"'),
    { 'x-payload-signature': header },
    401,
    'SIGNATURE_INVALID',
  );
  logLines = [];
  // Same JSON value, other bytes (whitespace): still not what was signed.
  await expectRefused(
    JSON.stringify(JSON.parse(original), null, 1),
    { 'x-payload-signature': header },
    401,
    'SIGNATURE_INVALID',
  );
});

test('a timestamp outside the tolerance is refused (401) in both directions', async () => {
  const body = JSON.stringify(envelope());
  const now = Math.floor(Date.now() / 1000);
  await expectRefused(
    body,
    { 'x-payload-signature': signed(body, current.privateKey, now - 301) },
    401,
    'TIMESTAMP_OUT_OF_TOLERANCE',
  );
  logLines = [];
  await expectRefused(
    body,
    { 'x-payload-signature': signed(body, current.privateKey, now + 360) },
    401,
    'TIMESTAMP_OUT_OF_TOLERANCE',
  );
  assert.equal(
    (await post(body, { 'x-payload-signature': signed(body, current.privateKey, now - 250) })).status,
    202,
    'within the tolerance',
  );
});

test('an event dated after its signature (plus the tolerance) is refused (422): it would supersede every later event', async () => {
  const t = Math.floor(Date.now() / 1000);
  const farFuture = JSON.stringify(envelope({ createdAt: '9999-12-31T00:00:00Z' }));
  await expectRefused(
    farFuture,
    { 'x-payload-signature': signed(farFuture, current.privateKey, t) },
    422,
    'CREATED_AT_IN_FUTURE',
  );
  logLines = [];
  const ahead = JSON.stringify(envelope({ createdAt: new Date((t + TOLERANCE_SECONDS + 60) * 1000).toISOString() }));
  await expectRefused(
    ahead,
    { 'x-payload-signature': signed(ahead, current.privateKey, t) },
    422,
    'CREATED_AT_IN_FUTURE',
  );
  const withinTolerance = JSON.stringify(
    envelope({ eventId: 'evt-skew', createdAt: new Date((t + TOLERANCE_SECONDS - 5) * 1000).toISOString() }),
  );
  assert.equal(
    (await post(withinTolerance, { 'x-payload-signature': signed(withinTolerance, current.privateKey, t) })).status,
    202,
    'clock skew within the tolerance is fine',
  );
});

test('an unknown appId or tenantId is refused (403), even when signed', async () => {
  const foreignApp = JSON.stringify(envelope({ appId: 'other-app' }));
  await expectRefused(foreignApp, { 'x-payload-signature': signed(foreignApp) }, 403, 'APP_UNKNOWN');
  logLines = [];
  const foreignTenant = JSON.stringify(envelope({ tenantId: 'other-tenant' }));
  await expectRefused(foreignTenant, { 'x-payload-signature': signed(foreignTenant) }, 403, 'TENANT_UNKNOWN');
});

test('a body over the size limit is refused unread (413)', async () => {
  const body = JSON.stringify(envelope({ data: { ...PERSONAL, padding: 'x'.repeat(BODY_LIMIT) } }));
  await expectRefused(body, { 'x-payload-signature': signed(body) }, 413, 'BODY_TOO_LARGE');
});

test('invalid JSON and bodies that are not Gentrack envelopes are refused (400), even when signed', async () => {
  const broken = `{"appId":"${APP_ID}","data":${JSON.stringify(PERSONAL)},`;
  await expectRefused(broken, { 'x-payload-signature': signed(broken) }, 400, 'BODY_INVALID_JSON');
  logLines = [];
  const noEventId = JSON.stringify(envelope({ eventId: undefined }));
  await expectRefused(noEventId, { 'x-payload-signature': signed(noEventId) }, 400, 'ENVELOPE_INVALID');
  logLines = [];
  const badDate = JSON.stringify(envelope({ createdAt: 'yesterday' }));
  await expectRefused(badDate, { 'x-payload-signature': signed(badDate) }, 400, 'ENVELOPE_INVALID');
});

test('other media types and other paths are refused', async () => {
  const body = JSON.stringify(envelope());
  await expectRefused(
    body,
    { 'x-payload-signature': signed(body), 'content-type': 'text/plain' },
    415,
    'UNSUPPORTED_MEDIA_TYPE',
  );
  logLines = [];
  await expectRefused(body, { 'x-payload-signature': signed(body) }, 404, 'NOT_FOUND', '/webhooks/other');
});

test('when the event cannot be stored the answer is 503, so Gentrack delivers it again', async () => {
  failStore = true;
  const body = JSON.stringify(envelope());
  const answer = await post(body, { 'x-payload-signature': signed(body) });
  assert.equal(answer.status, 503);
  assert.equal(answer.body.error, 'STORE_FAILED');
});
