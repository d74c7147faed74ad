import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { request } from 'undici';
import { GENTRACK_ERROR_TYPES as CONNECTOR_ERROR_TYPES } from '../../model/gentrack-error-types.js';
import { GENTRACK_ERROR_STATUS, GENTRACK_ERROR_TYPES, errorTypeForStatus } from './error-types.js';
import type { GentrackSandbox } from './start.js';
import { CLIENT_ID, CLIENT_SECRET, startTestTenant, type TenantClient, type TestClock } from './sandbox-test-client.js';

describe('token endpoint', () => {
  let tenant: GentrackSandbox;
  let client: TenantClient;
  let clock: TestClock;

  before(async () => {
    ({ tenant, client, clock } = await startTestTenant({ tokenTtlSeconds: 600 }));
  });
  after(() => tenant.close());

  async function tokenRequest(headers: Record<string, string>, body: string) {
    const response = await request(tenant.tokenUrl, { method: 'POST', headers, body });
    return { status: response.statusCode, headers: response.headers, body: (await response.body.json()) as any };
  }

  async function getAccount(accessToken: string) {
    const response = await request(`${tenant.baseUrl}/accounts/A99999999`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    return { status: response.statusCode, headers: response.headers, body: (await response.body.json()) as any };
  }

  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

  test('the token URL sits beside the API base, which ends with /v1', () => {
    assert.match(tenant.baseUrl, /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    assert.equal(tenant.tokenUrl, `${tenant.baseUrl}/token`);
  });

  test('client credentials in a form body get a bearer token that the API accepts', async () => {
    const answer = await tokenRequest(
      form,
      `grant_type=client_credentials&client_id=${CLIENT_ID}&client_secret=${CLIENT_SECRET}`,
    );
    assert.equal(answer.status, 200);
    assert.equal(answer.body.token_type, 'Bearer');
    assert.equal(answer.body.expires_in, 600);
    assert.equal(answer.headers['cache-control'], 'no-store');
    // A valid token reaches the operation (which answers 404 for an unknown account, not 401).
    assert.equal((await getAccount(answer.body.access_token)).status, 404);
  });

  test('client credentials in a JSON body are accepted', async () => {
    const answer = await tokenRequest(
      { 'content-type': 'application/json' },
      JSON.stringify({ grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: CLIENT_SECRET }),
    );
    assert.equal(answer.status, 200);
    assert.equal((await getAccount(answer.body.access_token)).status, 404);
  });

  test('HTTP Basic client authentication is accepted', async () => {
    const answer = await tokenRequest(
      { ...form, authorization: basic(CLIENT_ID, CLIENT_SECRET) },
      'grant_type=client_credentials',
    );
    assert.equal(answer.status, 200);
    assert.equal((await getAccount(answer.body.access_token)).status, 404);
  });

  test('a wrong secret answers 401 invalid_client, in the body and with Basic', async () => {
    const inBody = await tokenRequest(form, `grant_type=client_credentials&client_id=${CLIENT_ID}&client_secret=nope`);
    assert.equal(inBody.status, 401);
    assert.equal(inBody.body.error, 'invalid_client');
    assert.equal(inBody.body.access_token, undefined);

    const withBasic = await tokenRequest(
      { ...form, authorization: basic(CLIENT_ID, 'nope') },
      'grant_type=client_credentials',
    );
    assert.equal(withBasic.status, 401);
    assert.equal(withBasic.body.error, 'invalid_client');
    assert.match(String(withBasic.headers['www-authenticate']), /^Basic/);

    const missing = await tokenRequest(form, 'grant_type=client_credentials');
    assert.equal(missing.status, 401);
    assert.equal(missing.body.error, 'invalid_client');
  });

  test('another grant type is refused', async () => {
    const answer = await tokenRequest(
      form,
      `grant_type=password&client_id=${CLIENT_ID}&client_secret=${CLIENT_SECRET}`,
    );
    assert.equal(answer.status, 400);
    assert.equal(answer.body.error, 'unsupported_grant_type');
  });

  test('the call log keeps token requests without the secret or the token', async () => {
    const call = tenant.calls.byPath('/v1/token').at(-1);
    assert.ok(call);
    assert.equal(call.operation, 'token');
    assert.doesNotMatch(JSON.stringify(call), new RegExp(CLIENT_SECRET));
  });

  test('tokens expire after tokenTtlSeconds and a new one works', async () => {
    client.forgetToken();
    const first = await client.token();
    assert.equal((await getAccount(first)).status, 404);
    clock.advance(600_000);
    const expired = await getAccount(first);
    assert.equal(expired.status, 401);
    assert.equal(expired.body.errorType, 'UNAUTHORIZED');
    assert.match(expired.body.message, /expired/);
    assert.match(String(expired.headers['www-authenticate']), /^Bearer error="invalid_token"/);
    client.forgetToken();
    const second = await client.token();
    assert.notEqual(second, first);
    assert.equal((await getAccount(second)).status, 404);
  });

  test('faults.expireAllTokens invalidates every issued token, so the client must refresh', async () => {
    client.forgetToken();
    const before = await client.token();
    tenant.faults.expireAllTokens();
    assert.equal((await getAccount(before)).status, 401);
    client.forgetToken();
    assert.equal((await getAccount(await client.token())).status, 404);
  });
});

describe('request checks', () => {
  let tenant: GentrackSandbox;
  let client: TenantClient;

  before(async () => {
    ({ tenant, client } = await startTestTenant({ bodyLimitBytes: 2048 }));
  });
  after(() => tenant.close());

  const account = { account: { name: 'Checks Ltd' } };

  test('the error type list is the one Gentrack documents, each with a status', () => {
    // The list itself is pinned against the reference in model/gentrack-error-types.test.ts.
    assert.equal(GENTRACK_ERROR_TYPES, CONNECTOR_ERROR_TYPES);
    assert.deepEqual(Object.keys(GENTRACK_ERROR_STATUS).sort(), [...GENTRACK_ERROR_TYPES].sort());
    for (const type of GENTRACK_ERROR_TYPES) assert.ok(GENTRACK_ERROR_STATUS[type] >= 400);
    assert.equal(errorTypeForStatus(502), 'SERVER_ERROR');
    assert.equal(errorTypeForStatus(409), 'CLIENT_ERROR');
    assert.equal(errorTypeForStatus(GENTRACK_ERROR_STATUS.TIMEOUT), 'TIMEOUT');
  });

  test('no Authorization header: 401 UNAUTHORIZED', async () => {
    const response = await request(`${tenant.baseUrl}/accounts/A00000001`);
    const body = (await response.body.json()) as any;
    assert.equal(response.statusCode, 401);
    assert.equal(body.errorType, 'UNAUTHORIZED');
    assert.deepEqual(body.details, []);
  });

  test('a token that was never issued, or another scheme: 401 UNAUTHORIZED', async () => {
    const unknown = await client.get('/accounts/A00000001', { authorization: 'Bearer forged' });
    assert.equal(unknown.status, 401);
    assert.equal(unknown.body.errorType, 'UNAUTHORIZED');
    const basic = await client.get('/accounts/A00000001', { authorization: 'Basic abc' });
    assert.equal(basic.status, 401);
    assert.match(basic.body.message, /Bearer/);
  });

  test('unauthorised writes have no effect', async () => {
    const before = tenant.state.counts().accounts;
    const response = await client.post('/customer-sync', account, { headers: { authorization: 'Bearer forged' } });
    assert.equal(response.status, 401);
    assert.equal(tenant.state.counts().accounts, before);
  });

  test('a write without X-Transaction-Id: 400 BAD_REQUEST naming the header', async () => {
    const response = await client.post('/customer-sync', account, { headers: { 'x-transaction-id': undefined } });
    assert.equal(response.status, 400);
    assert.equal(response.body.errorType, 'BAD_REQUEST');
    assert.match(response.body.message, /X-Transaction-Id/);
    assert.deepEqual(
      response.body.details.map((d: any) => d.path),
      ['headers.X-Transaction-Id'],
    );
  });

  test('a write without X-Transaction-Date-Time, or one without an offset: 400', async () => {
    const missing = await client.post('/customer-sync', account, { headers: { 'x-transaction-date-time': undefined } });
    assert.equal(missing.status, 400);
    assert.match(missing.body.message, /X-Transaction-Date-Time/);

    for (const bad of ['2024-06-01T10:00:00', '2024-06-01', 'yesterday', '2024-13-01T10:00:00Z']) {
      const response = await client.post('/customer-sync', account, { dateTime: bad });
      assert.equal(response.status, 400, bad);
      assert.equal(response.body.details[0].path, 'headers.X-Transaction-Date-Time', bad);
    }
  });

  test('Salesforce and ISO offsets are both accepted: Z, +10:00, +0000', async () => {
    for (const good of ['2024-06-01T10:00:00Z', '2024-06-01T10:00:00.123+10:00', '2024-06-01T10:00:00.000+0000']) {
      const response = await client.post('/customer-sync', account, { dateTime: good });
      assert.equal(response.status, 201, good);
    }
  });

  test('part number and total must be integers with 1 <= number <= total; every problem is listed', async () => {
    const notIntegers = await client.post('/customer-sync', account, {
      headers: { 'x-transaction-part-number': 'one', 'x-transaction-part-total': '1.5' },
    });
    assert.equal(notIntegers.status, 400);
    assert.deepEqual(
      notIntegers.body.details.map((d: any) => d.path),
      ['headers.X-Transaction-Part-Number', 'headers.X-Transaction-Part-Total'],
    );
    const zero = await client.post('/customer-sync', account, { partNumber: 0, partTotal: 2 });
    assert.equal(zero.status, 400);
    const beyond = await client.post('/customer-sync', account, { partNumber: 3, partTotal: 2 });
    assert.equal(beyond.status, 400);
    assert.match(beyond.body.details[0].message, /must not exceed/);
    const beyondAbsentTotal = await client.post('/customer-sync', account, { partNumber: 2 });
    assert.equal(beyondAbsentTotal.status, 400);
    const whichPart = await client.post('/customer-sync', account, { partTotal: 2 });
    assert.equal(whichPart.status, 400);
    assert.match(whichPart.body.details[0].message, /Part-Number is required when X-Transaction-Part-Total is 2/);
    const fine = await client.post('/customer-sync', account, { partNumber: 2, partTotal: 2 });
    assert.equal(fine.status, 202, 'a valid part, held until part 1 arrives');
  });

  test('all header problems at once: missing id and bad date-time', async () => {
    const response = await client.post('/customer-sync', account, {
      headers: { 'x-transaction-id': undefined, 'x-transaction-date-time': 'now' },
    });
    assert.equal(response.status, 400);
    assert.equal(response.body.details.length, 2);
  });

  test('a write body that is not JSON: 415 UNSUPPORTED_MEDIA_TYPE, no effect', async () => {
    const before = tenant.state.counts().accounts;
    const text = await client.post('/customer-sync', undefined, {
      headers: { 'content-type': 'text/plain' },
      rawBody: 'name=Acme',
    });
    assert.equal(text.status, 415);
    assert.equal(text.body.errorType, 'UNSUPPORTED_MEDIA_TYPE');
    const noType = await client.post('/customer-sync', undefined, {
      headers: { 'content-type': undefined },
      rawBody: JSON.stringify(account),
    });
    assert.equal(noType.status, 415);
    assert.equal(tenant.state.counts().accounts, before);
    const withCharset = await client.post('/customer-sync', account, {
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
    assert.equal(withCharset.status, 201);
  });

  test('an Accept header that excludes JSON: 406 NOT_ACCEPTABLE', async () => {
    const html = await client.get('/accounts/A99999999', { accept: 'text/html' });
    assert.equal(html.status, 406);
    assert.equal(html.body.errorType, 'NOT_ACCEPTABLE');
    const refused = await client.get('/accounts/A99999999', { accept: 'application/json;q=0, text/plain' });
    assert.equal(refused.status, 406);
    const alternatives = await client.get('/accounts/A99999999', { accept: 'text/html, application/*;q=0.5' });
    assert.equal(alternatives.status, 404);
  });

  test('an unknown path: 404 NOT_FOUND; a known path with another method: 405 CLIENT_ERROR', async () => {
    const unknown = await client.get('/meters/123');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.errorType, 'NOT_FOUND');
    assert.match(unknown.body.message, /\/v1\/meters\/123/);
    const wrongMethod = await client.write('DELETE', '/contacts/C00000001', undefined);
    assert.equal(wrongMethod.status, 405);
    assert.equal(wrongMethod.body.errorType, 'CLIENT_ERROR');
    assert.equal(wrongMethod.headers['allow'], 'GET, PUT');
  });

  test('a body that is not valid JSON: 400 BAD_REQUEST', async () => {
    const response = await client.post('/customer-sync', undefined, { rawBody: '{"account": ' });
    assert.equal(response.status, 400);
    assert.equal(response.body.errorType, 'BAD_REQUEST');
    assert.match(response.body.message, /not valid JSON/);
  });

  test('a body over the size limit: 413 CLIENT_ERROR', async () => {
    const response = await client.post('/customer-sync', { account: { name: 'x'.repeat(4000) } });
    assert.equal(response.status, 413);
    assert.equal(response.body.errorType, 'CLIENT_ERROR');
  });

  test('error bodies carry the transaction id; answers echo it in X-Transaction-Id', async () => {
    const response = await client.post('/customer-sync', { account: {} }, { transactionId: 'tx-error-echo' });
    assert.equal(response.body.transactionId, 'tx-error-echo');
    assert.equal(response.headers['x-transaction-id'], 'tx-error-echo');
  });

  test('trace and on-behalf-of headers are recorded with the call', async () => {
    await client.post('/customer-sync', account, {
      transactionId: 'tx-audit',
      headers: { 'x-trace-id': 'trace-1', 'x-on-behalf-of': 'jane@example.com' },
    });
    const [call] = tenant.calls.byTransactionId('tx-audit');
    assert.ok(call);
    assert.equal(call.headers['x-trace-id'], 'trace-1');
    assert.equal(call.headers['x-on-behalf-of'], 'jane@example.com');
    assert.equal(call.operation, 'customer-sync');
    assert.deepEqual(call.body, account);
    assert.equal(call.status, 201);
  });
});
