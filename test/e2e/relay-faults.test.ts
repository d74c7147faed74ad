/**
 * Faults and bad input on the sandbox: a flaky Gentrack (30% 5xx/429 and timeouts) still gets every change exactly
 * once in effect; a change Gentrack rejects goes to the dead-letter store and goes through after the cause is fixed
 * and an operator retries it; corrupt or foreign events are dead-lettered with a reason while the relay carries on.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../../model/project-root.js';
import { eventually, relayCaughtUp, startE2E, type E2E } from './harness.js';

const run = promisify(execFile);
let e2e: E2E;

before(async () => {
  e2e = await startE2E();
  await e2e.startRelay({
    gentrack: { responseTimeoutMs: 400 },
    delivery: {
      initialBackoffMs: 20,
      maxBackoffMs: 200,
      maxAttempts: 40,
      breakerHalfOpenAfterMs: 200,
      partTimeoutMs: 600,
    },
  });
});

after(async () => {
  await e2e?.close();
});

test(
  'with 30% of calls failing (500, 503, 429, timeouts) every change has exactly one effect',
  { timeout: 120_000 },
  async (t) => {
    const { gentrack, salesforce } = e2e.sandbox;
    const org = salesforce.org;
    const before = gentrack.calls.counters.effectiveWrites;
    gentrack.faults.set({
      errorRate: 0.3,
      kinds: ['500', '503', '429', 'timeout'],
      retryAfterSeconds: 0,
      timeoutMs: 1_000,
      seed: 7,
    });
    try {
      const ids = (
        await org.insert(
          'Account',
          Array.from({ length: 30 }, (_, i) => ({ Name: `Flaky ${i} v0` })),
          { as: org.users.admin },
        )
      ).map((r) => r.id!);
      for (let version = 1; version <= 9; version++) {
        await org.update(
          'Account',
          ids.map((Id, i) => ({ Id, Name: `Flaky ${i} v${version}` })),
          { as: org.users.admin },
        );
      }
      await eventually('300 effective writes', () => gentrack.calls.counters.effectiveWrites - before >= 300, 90_000);
      // Barrier: every event committed and every change delivered (retries included), so a second effect would have
      // happened by now.
      await relayCaughtUp(e2e, 60_000);
      assert.equal(gentrack.calls.counters.effectiveWrites - before, 300, 'no change took effect twice');
      assert.ok(gentrack.calls.counters.faulted > 50, `faults were injected (${gentrack.calls.counters.faulted})`);
      t.diagnostic(`counters: ${JSON.stringify(gentrack.calls.counters)}`);
      for (let i = 0; i < ids.length; i++) {
        const account = gentrack.state.accounts().find((a) => a.salesforceId === ids[i]);
        assert.equal(account?.account.name, `Flaky ${i} v9`, `account ${i} ends in its last version`);
      }
      assert.equal(e2e.relay.store.deadLetters().filter((l) => l.reasonCode !== 'NOT_FOUND').length, 0);
    } finally {
      gentrack.faults.clear();
    }
  },
);

test('a change Gentrack rejects is dead-lettered with its error, and goes through when retried after a fix', async () => {
  const { gentrack, salesforce } = e2e.sandbox;
  const org = salesforce.org;
  // A contact whose Gentrack customer number Gentrack does not know (created as the integration user: not published).
  const [created] = await org.insert(
    'Contact',
    { LastName: 'Orphan', Gentrack_External_Id__c: 'C99999999' },
    { as: org.users.integration },
  );
  await e2e.admin.sobject('Contact').update({ Id: created!.id!, LastName: 'Orphan Updated' });

  const letter = await eventually('a dead letter', () =>
    e2e.relay.store.deadLetters().find((l) => l.entityKey === `Contact:${created!.id}`),
  );
  assert.equal(letter.reasonCode, 'NOT_FOUND');
  assert.match(letter.reason, /update-contact PUT \/contacts\/C99999999/);
  await e2e.relay.flushWriteBacks();
  const contact = org.get('Contact', created!.id!) as Record<string, unknown>;
  assert.equal(contact.Gentrack_Sync_Status__c, 'Failed', 'the failure is visible on the record');
  assert.match(String(contact.Gentrack_Last_Error__c), /NOT_FOUND/);

  // The fix: the customer now exists in Gentrack. The operator retries from the CLI while the relay runs.
  gentrack.state.seedContact({ customerNumber: 'C99999999', contact: { lastName: 'Orphan' } });
  const storePath = path.join(e2e.storeDir, 'relay.db');
  const cli = path.join(PROJECT_ROOT, 'bin/gentrack-sf.js');
  const listed = await run(process.execPath, [cli, 'dlq', '--store', storePath, 'list'], { cwd: PROJECT_ROOT });
  assert.match(listed.stdout, new RegExp(`${letter.id}\\t.*NOT_FOUND\\tContact:${created!.id}`));
  const retried = await run(process.execPath, [cli, 'dlq', '--store', storePath, 'retry', String(letter.id)], {
    cwd: PROJECT_ROOT,
  });
  assert.match(retried.stdout, /is back in the outbox/);

  await eventually(
    'the retried update',
    () => gentrack.state.contact('C99999999')?.contact.lastName === 'Orphan Updated',
  );
  assert.equal(e2e.relay.store.deadLetter(letter.id), undefined);
  await eventually('the sync status', async () => {
    await e2e.relay.flushWriteBacks();
    return (org.get('Contact', created!.id!) as Record<string, unknown>).Gentrack_Sync_Status__c === 'Synced';
  });
});

test('corrupt, foreign, malformed and incomplete events are dead-lettered with a reason; the relay carries on', async () => {
  const { bus, topic, salesforce, gentrack } = e2e.sandbox;
  const admin = salesforce.org.users.admin;
  const base = {
    Operation_Type__c: 'INSERT',
    Record_Id__c: '001000000000099AAA',
    Part_Number__c: 1,
    Part_Total__c: 1,
    Changed_By__c: 'admin@example.com',
    Changed_At__c: Date.now(),
  };
  bus.injectCorrupt(topic, Buffer.from([0xff, 0x00, 0x13, 0x37]));
  bus.publish(
    topic,
    [{ ...base, Object_Type__c: 'Lead', Transaction_Id__c: 'bad-lead', New_Payload__c: '{"Id":"x"}' }],
    { createdById: admin.id },
  );
  bus.publish(
    topic,
    [{ ...base, Object_Type__c: 'Account', Transaction_Id__c: 'bad-json', New_Payload__c: '{"Name": "unterminated' }],
    { createdById: admin.id },
  );
  bus.publish(
    topic,
    [
      {
        ...base,
        Object_Type__c: 'Account',
        Operation_Type__c: 'MERGE',
        Transaction_Id__c: 'bad-op',
        New_Payload__c: '{}',
      },
    ],
    { createdById: admin.id },
  );
  bus.publish(
    topic,
    [{ ...base, Object_Type__c: 'Account', Transaction_Id__c: 'half', Part_Total__c: 2, New_Payload__c: '{"Id":' }],
    { createdById: admin.id },
  );

  const reasons = await eventually('five dead letters', () => {
    const letters = e2e.relay.store.deadLetters(100).filter((l) => l.reasonCode !== 'NOT_FOUND');
    return letters.length >= 5 ? letters.map((l) => `${l.reasonCode}: ${l.reason}`) : undefined;
  });
  assert.ok(
    reasons.some((r) => /^CORRUPT_EVENT: event could not be decoded/.test(r)),
    reasons.join('\n'),
  );
  assert.ok(
    reasons.some((r) => /^BAD_EVENT: Lead is not an object of the connector model/.test(r)),
    reasons.join('\n'),
  );
  assert.ok(
    reasons.some((r) => /^BAD_EVENT: transaction bad-json: New_Payload__c is not valid JSON/.test(r)),
    reasons.join('\n'),
  );
  assert.ok(
    reasons.some((r) => /^BAD_EVENT: .*Operation_Type__c/.test(r)),
    reasons.join('\n'),
  );
  assert.ok(
    reasons.some((r) => /^PARTS_MISSING: transaction half: only 1 of 2 parts arrived/.test(r)),
    reasons.join('\n'),
  );

  const id = ((await e2e.admin.sobject('Account').create({ Name: 'Still Working Ltd' })) as { id: string }).id;
  await eventually('a good change after the bad ones', () =>
    gentrack.state.accounts().some((a) => a.salesforceId === id),
  );
});
