/**
 * The relay keeps its subscription alive the way the Pub/Sub client does not: after stream errors, silent (stalled)
 * streams and expired sessions it reconnects and resumes from the last committed replay id, losing nothing; a
 * replay id past retention stops it with a clear error, or falls back as configured. Also the password flow.
 */
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { SUBSCRIBE_CONFIRMED_AFTER_MS } from '../../relay/src/to-gentrack/event-subscriber.js';
import { RelayStore } from '../../relay/src/to-gentrack/relay-store.js';
import { eventually, startE2E, type E2E } from './harness.js';

let e2e: E2E | undefined;

afterEach(async () => {
  await e2e?.close();
  e2e = undefined;
});

async function createAccount(env: E2E, name: string): Promise<string> {
  return ((await env.admin.sobject('Account').create({ Name: name })) as { id: string }).id;
}

function delivered(env: E2E, id: string): boolean {
  return env.sandbox.gentrack.state.accounts().some((account) => account.salesforceId === id);
}

test('a broken stream is replaced, and changes made meanwhile arrive once', async () => {
  e2e = await startE2E();
  const env = e2e;
  await env.startRelay();
  const first = await createAccount(env, 'Before the break');
  await eventually('first delivery', () => delivered(env, first));

  assert.ok(env.sandbox.pubsub.faults.breakStreams() >= 1, 'a stream was open');
  const during = await createAccount(env, 'During the outage');
  await eventually('reconnection', () => env.relay.health().subscription === 'connected', 15_000);
  const after = await createAccount(env, 'After the break');
  await eventually('both later changes', () => delivered(env, during) && delivered(env, after), 15_000);
  const calls = env.sandbox.gentrack.calls.list().filter((call) => call.operation === 'customer-sync' && !call.replay);
  assert.equal(calls.length, 3, 'each account was sent once');
});

test('on a quiet org the subscription is connected seconds after the Subscribe, without waiting for an event or keepalive', async () => {
  // As in Salesforce: an idle stream's first keepalive comes after 270 s.
  e2e = await startE2E({ keepaliveIntervalMs: 270_000 });
  const env = e2e;
  const started = Date.now();
  await env.startRelay({}, undefined, { waitForConnection: false });
  // Nothing is published.
  await eventually(
    'connected',
    () => env.relay.health().subscription === 'connected',
    SUBSCRIBE_CONFIRMED_AFTER_MS + 5_000,
  );
  assert.ok(
    Date.now() - started >= SUBSCRIBE_CONFIRMED_AFTER_MS,
    'connected only once Salesforce had time to refuse the Subscribe',
  );
  assert.equal(env.sandbox.gentrack.calls.list().length, 0, 'no event was needed');
});

test('a stream that goes silent is replaced by the keepalive watchdog', async () => {
  e2e = await startE2E();
  const env = e2e;
  // Salesforce keeps streams alive every 270 s, so production timeouts are minutes; here, seconds.
  await env.startRelay({}, undefined, {
    unchecked: (c) => ({ ...c, salesforce: { ...c.salesforce, keepaliveTimeoutMs: 1_500 } }),
  });
  const states: string[] = [];
  const watch = setInterval(() => states.push(env.relay.health().subscription), 50);
  env.sandbox.pubsub.faults.stallStreams();
  await eventually('a reconnection', () => states.includes('reconnecting'), 10_000);
  env.sandbox.pubsub.faults.resumeStreams();
  await eventually('connected again', () => env.relay.health().subscription === 'connected', 15_000);
  clearInterval(watch);
  const id = await createAccount(env, 'After the stall');
  await eventually('delivery after the stall', () => delivered(env, id), 15_000);
});

test('an expired session is renewed for the stream and for write-backs', async () => {
  e2e = await startE2E();
  const env = e2e;
  await env.startRelay();
  const first = await createAccount(env, 'Session one');
  await eventually('first delivery', () => delivered(env, first));
  env.sandbox.salesforce.org.expireSessions();
  await env.admin.login(
    env.sandbox.salesforce.org.credentials.admin.username,
    env.sandbox.salesforce.org.credentials.admin.password + env.sandbox.salesforce.org.credentials.admin.securityToken,
  );
  const second = await createAccount(env, 'Session two');
  await eventually('delivery with a new session', () => delivered(env, second), 20_000);
  await eventually(
    'write-back with a new session',
    async () => {
      await env.relay.flushWriteBacks();
      return (
        (env.sandbox.salesforce.org.get('Account', second) as Record<string, unknown>).Gentrack_Sync_Status__c ===
        'Synced'
      );
    },
    20_000,
  );
});

test('the password flow (username, password and security token) works as well', async () => {
  e2e = await startE2E();
  const env = e2e;
  const integration = env.sandbox.salesforce.org.credentials.integration;
  await env.startRelay({ salesforce: { auth: 'password', username: integration.username } }, undefined, {
    env: { SALESFORCE_PASSWORD: integration.password, SALESFORCE_SECURITY_TOKEN: integration.securityToken },
  });
  const id = await createAccount(env, 'Password flow');
  await eventually('delivery', () => delivered(env, id));
});

test('a replay id past retention stops the relay with a clear error, or falls back when configured', async () => {
  e2e = await startE2E();
  const env = e2e;
  // A checkpoint the event bus no longer (or never) retained, as after more than 72 hours of downtime.
  const store = RelayStore.open({ path: env.config.store.path });
  store.ingest(env.sandbox.topic, [], '987654', () => assert.fail('nothing to assemble'));
  store.close();

  let fatal: Error | undefined;
  await env.startRelay({}, undefined, { onFatal: (error) => (fatal = error), waitForConnection: false });
  await eventually('the fatal error', () => fatal, 15_000);
  assert.equal((fatal as Error & { code?: string }).code, 'REPLAY_ID_UNAVAILABLE');
  assert.match(fatal!.message, /replay id 987654 is no longer retained.*initial synchronisation.*replayFallback/);
  await env.relay.stop();

  await env.startRelay({ salesforce: { replayFallback: 'latest' } });
  const id = await createAccount(env, 'After the fallback');
  await eventually('delivery after falling back to the latest events', () => delivered(env, id));
});
