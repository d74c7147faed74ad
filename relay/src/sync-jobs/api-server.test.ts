/**
 * The API's security, through the real server (fastify inject), token endpoint, signer, client store and the
 * credential lifecycle the CLI uses: every way in without a valid token is refused with the right status.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import pino from 'pino';
import type { FastifyInstance } from 'fastify';
import { Secret } from '../platform/config/secret.js';
import { AccessTokenSigner } from '../platform/api-auth/access-tokens.js';
import { createCredentials, revokeCredentials, rotateCredentials } from '../platform/api-auth/credential-lifecycle.js';
import { connectorModel } from '../platform/connector-model.generated.js';
import { ApiClientStore } from '../platform/api-auth/api-client-store.js';
import { openRelayDatabase } from '../platform/db/relay-database.js';
import { buildApiServer, FAILED_TOKEN_REQUESTS } from './api-server.js';
import type { SyncJob, SyncJobRequest } from './sync-job.js';

const TENANT = 'tenant-a';
const JOBS = `/v1/salesforce/instances/${TENANT}/sync-jobs`;
const BODY = {
  direction: { source: 'Salesforce', destination: 'Gentrack' },
  entityType: 'Account',
  entityId: '001000000000001AAA',
};

function setup(rateLimit = { burst: 100, perMinute: 6_000 }) {
  let now = Date.parse('2025-03-01T00:00:00Z');
  const clock = { now: () => now, advance: (ms: number) => (now += ms) };
  const clients = new ApiClientStore(openRelayDatabase(':memory:'));
  const key = new Secret('s'.repeat(32));
  const signer = new AccessTokenSigner({ key, audience: TENANT, ttlSeconds: 900, clock: clock.now });
  const jobs = new Map<string, SyncJob>();
  const submitted: SyncJobRequest[] = [];
  const runner = {
    submit(request: SyncJobRequest): SyncJob {
      submitted.push(request);
      const job: SyncJob = {
        ...request,
        id: `job-${jobs.size + 1}`,
        state: 'queued',
        transactionId: undefined,
        error: undefined,
        result: undefined,
        createdAt: now,
        startedAt: undefined,
        finishedAt: undefined,
      };
      jobs.set(job.id, job);
      return job;
    },
    get: (id: string) => jobs.get(id),
  };
  const logLines: string[] = [];
  const logger = pino(
    { level: 'trace' },
    new Writable({ write: (chunk, _encoding, done) => (logLines.push(String(chunk)), done()) }),
  );
  const app = buildApiServer({
    tenantId: TENANT,
    model: connectorModel,
    runner,
    clients,
    signer,
    rateLimit: { ...rateLimit, clock: clock.now },
    logger,
  });
  return { app, clients, clock, submitted, logLines, key };
}

async function mint(app: FastifyInstance, clientId: string, clientSecret: string, remoteAddress = '203.0.113.10') {
  return app.inject({
    method: 'POST',
    url: '/oauth/token',
    remoteAddress,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: clientSecret,
    }).toString(),
  });
}

async function tokenOf(app: FastifyInstance, clientId: string, clientSecret: string): Promise<string> {
  const response = await mint(app, clientId, clientSecret);
  assert.equal(response.statusCode, 200, response.body);
  return response.json().access_token as string;
}

function requestJob(
  app: FastifyInstance,
  token: string | undefined,
  url = JOBS,
  headers: Record<string, string> = { 'x-on-behalf-of': 'ana@example.com' },
) {
  return app.inject({
    method: 'POST',
    url,
    headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    payload: BODY,
  });
}

test('the registered client mints a short-lived token (form or HTTP Basic) and creates and reads jobs with it', async () => {
  const { app, clients, submitted } = setup();
  const { client, clientSecret } = await createCredentials(clients);
  const response = await mint(app, client.clientId, clientSecret.reveal());
  assert.equal(response.statusCode, 200);
  assert.equal(response.headers['cache-control'], 'no-store');
  const body = response.json();
  assert.equal(body.token_type, 'Bearer');
  assert.equal(body.expires_in, 900);

  const basic = await app.inject({
    method: 'POST',
    url: '/oauth/token',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${client.clientId}:${clientSecret.reveal()}`).toString('base64')}`,
    },
    payload: 'grant_type=client_credentials',
  });
  assert.equal(basic.statusCode, 200, basic.body);

  const created = await requestJob(app, body.access_token);
  assert.equal(created.statusCode, 202, created.body);
  assert.equal(created.json().state, 'queued');
  assert.equal(created.headers.location, `${JOBS}/job-1`);
  assert.deepEqual(submitted[0], {
    source: 'Salesforce',
    destination: 'Gentrack',
    entityType: 'Account',
    entityId: '001000000000001AAA',
    clientId: client.clientId,
    onBehalfOf: 'ana@example.com',
  });

  const read = await app.inject({
    method: 'GET',
    url: `${JOBS}/job-1`,
    headers: { authorization: `Bearer ${body.access_token}` },
  });
  assert.equal(read.statusCode, 200);
  assert.deepEqual(
    { state: read.json().state, requestedBy: read.json().requestedBy, direction: read.json().direction },
    { state: 'queued', requestedBy: 'ana@example.com', direction: { source: 'Salesforce', destination: 'Gentrack' } },
  );
  const unknown = await app.inject({
    method: 'GET',
    url: `${JOBS}/nope`,
    headers: { authorization: `Bearer ${body.access_token}` },
  });
  assert.equal(unknown.statusCode, 404);
});

test('no token, an expired token, a forged token and a malformed header are 401 with WWW-Authenticate', async () => {
  const { app, clients, clock } = setup();
  const { client, clientSecret } = await createCredentials(clients);

  const none = await requestJob(app, undefined);
  assert.equal(none.statusCode, 401);
  assert.match(String(none.headers['www-authenticate']), /^Bearer realm="gentrack-relay"$/);
  assert.equal((await app.inject({ method: 'GET', url: `${JOBS}/job-1` })).statusCode, 401, 'reads too');

  const forged = new AccessTokenSigner({
    key: new Secret('f'.repeat(32)),
    audience: TENANT,
    ttlSeconds: 900,
    clock: clock.now,
  }).issue(client.clientId).token;
  const refusedForged = await requestJob(app, forged);
  assert.equal(refusedForged.statusCode, 401);
  assert.equal(refusedForged.json().errorCode, 'BAD_SIGNATURE');
  assert.match(String(refusedForged.headers['www-authenticate']), /error="invalid_token"/);

  const token = await tokenOf(app, client.clientId, clientSecret.reveal());
  clock.advance(900_000);
  const expired = await requestJob(app, token);
  assert.equal(expired.statusCode, 401);
  assert.equal(expired.json().errorCode, 'TOKEN_EXPIRED');

  assert.equal((await requestJob(app, 'abc.def')).statusCode, 401);
  const basicOnApi = await app.inject({
    method: 'POST',
    url: JOBS,
    headers: { authorization: 'Basic Zm9vOmJhcg==' },
    payload: BODY,
  });
  assert.equal(basicOnApi.statusCode, 401, 'client credentials are for /oauth/token only');
});

test('after a rotation the old secret mints nothing, while tokens issued before it work until they expire', async () => {
  const { app, clients, clock } = setup();
  const first = await createCredentials(clients);
  const before = await tokenOf(app, first.client.clientId, first.clientSecret.reveal());

  const second = await rotateCredentials(clients);
  assert.equal(second.client.clientId, first.client.clientId, 'the client id stays');
  const old = await mint(app, first.client.clientId, first.clientSecret.reveal());
  assert.equal(old.statusCode, 401);
  assert.deepEqual(old.json(), { error: 'invalid_client', error_description: 'client authentication failed' });
  assert.equal(
    (await mint(app, second.client.clientId, second.clientSecret.reveal())).statusCode,
    200,
    'the new secret works',
  );

  assert.equal((await requestJob(app, before)).statusCode, 202, 'a token issued before the rotation still works');
  clock.advance(900_000);
  assert.equal((await requestJob(app, before)).statusCode, 401, '... until it expires');
});

test('after a revocation no secret mints a token, and tokens already issued are refused at once', async () => {
  const { app, clients } = setup();
  const { client, clientSecret } = await createCredentials(clients);
  const before = await tokenOf(app, client.clientId, clientSecret.reveal());
  assert.equal((await requestJob(app, before)).statusCode, 202);
  revokeCredentials(clients);
  assert.equal((await mint(app, client.clientId, clientSecret.reveal())).statusCode, 401);
  assert.equal((await mint(app, client.clientId, '')).statusCode, 401);
  const refused = await requestJob(app, before);
  assert.equal(refused.statusCode, 401, 'a revoked credential is a compromised one: its tokens end with it');
  assert.equal(refused.json().errorCode, 'CLIENT_REVOKED');
  assert.match(String(refused.headers['www-authenticate']), /invalid_token/);
});

test('unknown clients, other grant types and mixed credential styles are refused', async () => {
  const { app, clients } = setup();
  const { client, clientSecret } = await createCredentials(clients);
  assert.equal((await mint(app, 'grc_unknown', clientSecret.reveal())).statusCode, 401);
  const password = await app.inject({
    method: 'POST',
    url: '/oauth/token',
    payload: { grant_type: 'password', username: 'a', password: 'b' },
  });
  assert.equal(password.statusCode, 400);
  assert.equal(password.json().error, 'unsupported_grant_type');
  const both = await app.inject({
    method: 'POST',
    url: '/oauth/token',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${client.clientId}:${clientSecret.reveal()}`).toString('base64')}`,
    },
    payload: new URLSearchParams({ grant_type: 'client_credentials', client_secret: clientSecret.reveal() }).toString(),
  });
  assert.equal(both.statusCode, 400);
});

test('a wrong tenant id is 404; a job without X-On-Behalf-Of or with a bad body is 400', async () => {
  const { app, clients, submitted } = setup();
  const { client, clientSecret } = await createCredentials(clients);
  const token = await tokenOf(app, client.clientId, clientSecret.reveal());
  const wrongTenant = await requestJob(app, token, '/v1/salesforce/instances/tenant-b/sync-jobs');
  assert.equal(wrongTenant.statusCode, 404);
  assert.equal(wrongTenant.json().errorCode, 'NOT_FOUND');
  assert.equal(
    (
      await app.inject({
        method: 'GET',
        url: '/v1/salesforce/instances/tenant-b/sync-jobs/job-1',
        headers: { authorization: `Bearer ${token}` },
      })
    ).statusCode,
    404,
  );

  const anonymous = await requestJob(app, token, JOBS, {});
  assert.equal(anonymous.statusCode, 400);
  assert.match(anonymous.json().message, /X-On-Behalf-Of is required/);

  const bad = await app.inject({
    method: 'POST',
    url: JOBS,
    headers: { authorization: `Bearer ${token}`, 'x-on-behalf-of': 'ana@example.com' },
    payload: { ...BODY, entityType: 'Lead' },
  });
  assert.equal(bad.statusCode, 400);
  assert.deepEqual(bad.json().problems, ['entityType: Lead cannot be synced on demand; use one of Account, Contact']);
  assert.equal(submitted.length, 0, 'nothing was submitted');
});

test('requests beyond the rate limit are 429 with Retry-After, per client', async () => {
  const { app, clients, clock } = setup({ burst: 2, perMinute: 60 });
  const { client, clientSecret } = await createCredentials(clients);
  const token = await tokenOf(app, client.clientId, clientSecret.reveal());
  assert.equal((await requestJob(app, token)).statusCode, 202);
  assert.equal((await requestJob(app, token)).statusCode, 202);
  const limited = await requestJob(app, token);
  assert.equal(limited.statusCode, 429);
  assert.equal(limited.headers['retry-after'], '1');
  clock.advance(1_000);
  assert.equal((await requestJob(app, token)).statusCode, 202);
});

test('failed token requests are limited per source address, so guessing cannot lock the real client out', async () => {
  const { app, clients, clock } = setup();
  const { client, clientSecret } = await createCredentials(clients);
  const attacker = '198.51.100.7';
  const salesforce = '203.0.113.10';
  for (let i = 0; i < FAILED_TOKEN_REQUESTS.burst; i++) {
    assert.equal((await mint(app, client.clientId, `guess-${i}`, attacker)).statusCode, 401);
  }
  const guessing = await mint(app, client.clientId, 'guess', attacker);
  assert.equal(guessing.statusCode, 429, 'the guessing address is slowed down');
  assert.equal(guessing.headers['retry-after'], '10');
  assert.equal(
    (await mint(app, client.clientId, clientSecret.reveal(), salesforce)).statusCode,
    200,
    'the real client is not locked out',
  );

  // Unknown client ids count the same: naming a new id each time does not escape the limit.
  const other = '198.51.100.8';
  for (let i = 0; i < FAILED_TOKEN_REQUESTS.burst; i++) await mint(app, `grc_unknown${i}`, 'x', other);
  assert.equal((await mint(app, 'grc_unknown_more', 'x', other)).statusCode, 429);

  // Successes are given back: a client minting many tokens is never limited.
  for (let i = 0; i < 3 * FAILED_TOKEN_REQUESTS.burst; i++) await tokenOf(app, client.clientId, clientSecret.reveal());

  clock.advance(10_000);
  assert.equal((await mint(app, client.clientId, 'guess', attacker)).statusCode, 401, 'one more try every 10 s');
});

test('an unknown client id costs the same hash work as a known one: timing does not tell which ids exist', async () => {
  const { app, clients } = setup();
  const { client } = await createCredentials(clients);
  const timed = async (clientId: string, address: string) => {
    const started = performance.now();
    assert.equal((await mint(app, clientId, 'wrong', address)).statusCode, 401);
    return performance.now() - started;
  };
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const known: number[] = [];
  const unknown: number[] = [];
  for (let i = 0; i < 5; i++) {
    known.push(await timed(client.clientId, `192.0.2.${i}`));
    unknown.push(await timed(`grc_nobody${i}`, `192.0.2.${100 + i}`));
  }
  // Without the dummy hash an unknown id answered about ten times faster (no scrypt at all).
  assert.ok(
    median(unknown) > 0.5 * median(known),
    `unknown ${median(unknown).toFixed(1)} ms vs known ${median(known).toFixed(1)} ms`,
  );
});

test('HTTP Basic credentials with a bad %-escape are a 400, not a server error', async () => {
  const { app } = setup();
  const response = await app.inject({
    method: 'POST',
    url: '/oauth/token',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from('grc_1:%E0%A4%A').toString('base64')}`,
    },
    payload: 'grant_type=client_credentials',
  });
  assert.equal(response.statusCode, 400);
  assert.equal(response.json().error, 'invalid_request');
});

test('X-On-Behalf-Of must be a Salesforce username: markup and free text are refused', async () => {
  const { app, clients, submitted } = setup();
  const { client, clientSecret } = await createCredentials(clients);
  const token = await tokenOf(app, client.clientId, clientSecret.reveal());
  for (const header of [
    '<script>alert(1)</script>@x.com',
    'Ana Smith',
    'ana@exa mple.com',
    `${'a'.repeat(75)}@x.com`,
    '',
  ]) {
    const response = await requestJob(app, token, JOBS, { 'x-on-behalf-of': header });
    assert.equal(response.statusCode, 400, header);
    assert.match(response.json().message, /X-On-Behalf-Of/);
  }
  assert.equal(submitted.length, 0);
  assert.equal(
    (await requestJob(app, token, JOBS, { 'x-on-behalf-of': 'ana.smith+ops@utility.example.co.nz' })).statusCode,
    202,
  );
  assert.equal(submitted[0]?.onBehalfOf, 'ana.smith+ops@utility.example.co.nz');
  assert.equal(submitted[0]?.clientId, client.clientId, 'recorded with the client that vouches for it');
});

test('secrets and tokens never reach the log', async () => {
  const { app, clients, logLines, key } = setup();
  const { client, clientSecret } = await createCredentials(clients);
  const token = await tokenOf(app, client.clientId, clientSecret.reveal());
  await mint(app, client.clientId, 'wrong-secret');
  await requestJob(app, token);
  await requestJob(app, `${token}x`);
  const log = logLines.join('');
  assert.match(log, /token request refused/, 'the refusal is logged');
  for (const secret of [clientSecret.reveal(), token, 'wrong-secret', key.reveal()])
    assert.ok(!log.includes(secret), 'no secret in the log');
});
