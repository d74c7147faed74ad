import assert from 'node:assert/strict';
import { verify } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { request } from 'undici';
import type { GentrackSandbox } from './start.js';
import { startTestTenant, testWebhookKeys, type TestClock } from './sandbox-test-client.js';
import { startGentrackSandbox } from './start.js';

let tenant: GentrackSandbox;
let clock: TestClock;
let receiver: Server;
let receiverUrl: string;
const received: Array<{ headers: IncomingHttpHeaders; body: string }> = [];

/** Verifies `t=<seconds>,v=<base64>` the way a receiver must: RSA SHA-512 over "<t>.<raw body>". */
function verifies(header: string, rawBody: string, publicKeyPem: string): boolean {
  const match = /^t=(\d+),v=([A-Za-z0-9+/=]+)$/.exec(header);
  assert.ok(match, `header format: ${header}`);
  return verify('sha512', Buffer.from(`${match[1]}.${rawBody}`), publicKeyPem, Buffer.from(match[2]!, 'base64'));
}

before(async () => {
  ({ tenant, clock } = await startTestTenant({ appId: 'app-123', tenantId: 'tenant-abc' }));
  receiver = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(req.url === '/reject' ? 401 : 202).end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});
after(async () => {
  await tenant.close();
  await new Promise((resolve) => receiver.close(resolve));
});

test('sign() gives t=<seconds>,v=<base64> verifiable with the public key over "<t>.<body>"', () => {
  const rawBody = '{"eventType":"switch-loss-started"}';
  const header = tenant.webhooks.sign(rawBody);
  assert.equal(header.split(',')[0], `t=${Math.floor(clock.time / 1000)}`);
  assert.ok(verifies(header, rawBody, tenant.publicKeyPem));
  assert.equal(verifies(header, rawBody.replace('loss', 'gain'), tenant.publicKeyPem), false);
  assert.match(tenant.publicKeyPem, /^-----BEGIN PUBLIC KEY-----/);
});

test('sign() takes an explicit timestamp', () => {
  const header = tenant.webhooks.sign('{}', 1700000000);
  assert.ok(header.startsWith('t=1700000000,v='));
  assert.ok(verifies(header, '{}', tenant.publicKeyPem));
});

test('send() posts the signed Gentrack envelope and returns the receiver status', async () => {
  received.length = 0;
  const delivery = await tenant.webhooks.send(`${receiverUrl}/hook`, {
    eventType: 'switch-loss-started',
    data: { accountNumber: 'A00000001', switchDate: '2024-07-01' },
    eventId: 'evt-webhook-1',
  });
  assert.equal(delivery.status, 202);
  assert.equal(received.length, 1);
  const [{ headers, body }] = received as [{ headers: IncomingHttpHeaders; body: string }];
  assert.equal(headers['content-type'], 'application/json');
  assert.equal(body, delivery.rawBody);
  assert.ok(verifies(String(headers['x-payload-signature']), body, tenant.publicKeyPem));
  assert.deepEqual(JSON.parse(body), {
    appId: 'app-123',
    createdAt: '2024-06-01T00:00:00.000Z',
    data: { accountNumber: 'A00000001', switchDate: '2024-07-01' },
    eventId: 'evt-webhook-1',
    eventType: 'switch-loss-started',
    tenantId: 'tenant-abc',
    version: '1',
    eventSource: 'gentrack',
  });
});

test('send() can carry a bad signature and reports a refusal', async () => {
  const delivery = await tenant.webhooks.send(
    `${receiverUrl}/reject`,
    { eventType: 'quote-created', data: {} },
    { signature: 't=1,v=AAAA' },
  );
  assert.equal(delivery.status, 401);
  assert.equal(received.at(-1)?.headers['x-payload-signature'], 't=1,v=AAAA');
  assert.match(delivery.envelope.eventId, /^[0-9a-f-]{36}$/);
});

test('a key pair given in the options is used', async () => {
  const keys = await testWebhookKeys();
  const other = await startGentrackSandbox({ webhookKeys: keys });
  try {
    assert.equal(other.publicKeyPem, keys.publicKeyPem);
    assert.ok(verifies(other.webhooks.sign('x'), 'x', keys.publicKeyPem));
  } finally {
    await other.close();
  }
});

test('the admin endpoint sends webhooks and serves the public key (for a demo in another process)', async () => {
  const key = await request(`${tenant.adminUrl}/webhooks/public-key`);
  assert.equal(await key.body.text(), tenant.publicKeyPem);
  const response = await request(`${tenant.adminUrl}/webhooks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ url: `${receiverUrl}/hook`, eventType: 'contract-active', data: { id: 1 } }),
  });
  const answer = (await response.body.json()) as any;
  assert.equal(answer.status, 202);
  assert.equal(answer.envelope.eventType, 'contract-active');
  const last = received.at(-1)!;
  assert.ok(verifies(String(last.headers['x-payload-signature']), last.body, tenant.publicKeyPem));
});
