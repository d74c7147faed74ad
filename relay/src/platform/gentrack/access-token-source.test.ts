import assert from 'node:assert/strict';
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
