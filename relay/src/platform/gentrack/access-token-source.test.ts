import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { after, before, beforeEach, describe, test } from 'node:test';
import pino from 'pino';
import { Client } from 'undici';
import { startGentrackSandbox, type GentrackSandbox } from '../../../../sandbox/gentrack/index.js';
import { AccessTokenError, AccessTokenSource } from './access-token-source.js';

describe('access token source', () => {
  let tenant: GentrackSandbox;
  let dispatcher: Client;
  let time = Date.parse('2024-06-01T00:00:00Z');
  const now = () => time;

  before(async () => {
    // The tenant and the token source share one clock, so expiry is tested without waiting.
    tenant = await startGentrackSandbox({ tokenTtlSeconds: 3600, now });
    dispatcher = new Client(new URL(tenant.tokenUrl).origin);
  });
  beforeEach(() => tenant.reset());
  after(async () => {
    await dispatcher.close();
    await tenant.close();
  });

  function source(clientSecret = tenant.clientSecret): AccessTokenSource {
    return new AccessTokenSource({
      tokenUrl: new URL(tenant.tokenUrl),
      clientId: tenant.clientId,
      clientSecret,
      clientAuthentication: 'basic',
      dispatcher,
      logger: pino({ level: 'silent' }),
      now,
    });
  }
  const tokenRequests = () => tenant.calls.byOperation('token').length;

  test('reuses the token until a minute before it expires, then fetches a new one before Gentrack refuses it', async () => {
    const tokens = source();
    assert.equal(tokens.cached(), undefined);
    const first = await tokens.token();
    time += 3600_000 - 61_000;
    assert.equal(tokens.cached(), first);
    assert.equal(await tokens.token(), first);
    time += 2_000;
    assert.equal(tokens.cached(), undefined, 'inside the refresh margin');
    const second = await tokens.token();
    assert.notEqual(second, first);
    assert.equal(tokenRequests(), 2);
  });

  test('invalidating an old token after a newer one arrived does not refetch', async () => {
    const tokens = source();
    const first = await tokens.token();
    tokens.invalidate(first);
    const second = await tokens.token();
    tokens.invalidate(first);
    assert.equal(tokens.cached(), second);
    assert.equal(tokenRequests(), 2);
  });

  test('a failed token request is shared by its waiters and not cached', async () => {
    const tokens = source('wrong');
    const results = await Promise.allSettled([tokens.token(), tokens.token(), tokens.token()]);
    assert.ok(results.every((result) => result.status === 'rejected' && result.reason instanceof AccessTokenError));
    assert.equal(tokenRequests(), 1);
    await assert.rejects(tokens.token(), AccessTokenError);
    assert.equal(tokenRequests(), 2, 'the next caller tries again');
  });
});

describe('access token scopes', () => {
  const SCOPES = ['crm.read', 'crm.write'];
  let tenant: GentrackSandbox;
  let dispatcher: Client;

  before(async () => {
    tenant = await startGentrackSandbox({ scopes: SCOPES });
    dispatcher = new Client(new URL(tenant.tokenUrl).origin);
  });
  beforeEach(() => tenant.reset());
  after(async () => {
    await dispatcher.close();
    await tenant.close();
  });

  function source(scopes: readonly string[], logger = pino({ level: 'silent' })): AccessTokenSource {
    return new AccessTokenSource({
      tokenUrl: new URL(tenant.tokenUrl),
      clientId: tenant.clientId,
      clientSecret: tenant.clientSecret,
      clientAuthentication: 'basic',
      scopes,
      dispatcher,
      logger,
    });
  }

  test('the token request asks for the configured scopes, space-delimited, and the tenant grants them', async () => {
    assert.ok(await source(SCOPES).token());
    const [request] = tenant.calls.byOperation('token');
    assert.equal((request!.body as { scope?: string }).scope, 'crm.read crm.write');
    assert.equal((request!.response as { scope?: string }).scope, 'crm.read crm.write');
  });

  test('a tenant that checks scopes refuses a request without them, and one asking for a scope it does not grant', async () => {
    const none = await source([])
      .token()
      .catch((error: unknown) => error);
    assert.ok(none instanceof AccessTokenError);
    assert.equal(none.failure.status, 400);
    assert.match(none.message, /^invalid_scope: scope is required: ask for one or more of crm.read crm.write$/);
    const foreign = await source(['crm.read', 'billing.admin'])
      .token()
      .catch((error: unknown) => error);
    assert.ok(foreign instanceof AccessTokenError);
    assert.match(foreign.message, /invalid_scope: scope billing.admin is not granted to this client/);
  });

  test('fewer scopes granted than asked for is logged, naming the missing ones; the token is still used', async () => {
    const stub = createServer((_request, response) => {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ access_token: 'narrow', token_type: 'Bearer', expires_in: 60, scope: 'crm.read' }));
    });
    await new Promise<void>((resolve) => stub.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(stub.address() as AddressInfo).port}`;
    const stubDispatcher = new Client(origin);
    const lines: string[] = [];
    const logger = pino(
      { level: 'warn' },
      new Writable({
        write(chunk, _encoding, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    try {
      const tokens = new AccessTokenSource({
        tokenUrl: new URL('/token', origin),
        clientId: 'id',
        clientSecret: 'secret',
        clientAuthentication: 'basic',
        scopes: SCOPES,
        dispatcher: stubDispatcher,
        logger,
      });
      assert.equal(await tokens.token(), 'narrow');
      assert.equal(lines.length, 1);
      assert.deepEqual(JSON.parse(lines[0]!).missing, ['crm.write']);
      assert.match(JSON.parse(lines[0]!).msg, /did not grant every scope the relay asked for \(missing: crm.write\)/);
    } finally {
      await stubDispatcher.close();
      stub.close();
    }
  });
});
