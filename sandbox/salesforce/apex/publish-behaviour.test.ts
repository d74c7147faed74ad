/**
 * The evidence behind the model's publish behaviour: what the generated triggers send the relay when a save rolls
 * back or partly fails, with the event published after commit (the default) and immediately (Gentrack's setup
 * guide). A partial-success save (Data Loader, sObject Collections or Database.insert with allOrNone=false) is
 * retried by the platform without the failed rows, and the triggers run again for the rest.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { EVENT_FIELDS, PLATFORM_EVENT } from '../../../model/connector-fields.js';
import { SandboxOrg } from '../org/sandbox-org.js';
import { createApexRuntime } from './apex-runtime.js';
import { runApexTriggers } from './apex-triggers.js';
import { runApexTests } from './test-runner.js';

const forceAppDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../force-app');
const EVENT_META = `main/default/objects/${PLATFORM_EVENT}/${PLATFORM_EVENT}.object-meta.xml`;

/** force-app as generated, or a copy whose event publishes immediately. */
function forceAppPublishing(behaviour: 'PublishAfterCommit' | 'PublishImmediately'): string {
  const generated = readFileSync(path.join(forceAppDir, EVENT_META), 'utf8');
  if (generated.includes(`<publishBehavior>${behaviour}</publishBehavior>`)) return forceAppDir;
  const copy = mkdtempSync(path.join(os.tmpdir(), 'gentrack-publish-'));
  copies.push(copy);
  cpSync(forceAppDir, copy, { recursive: true });
  writeFileSync(
    path.join(copy, EVENT_META),
    generated.replace(/<publishBehavior>\w+<\/publishBehavior>/, `<publishBehavior>${behaviour}</publishBehavior>`),
  );
  return copy;
}

const copies: string[] = [];
after(() => {
  for (const copy of copies) rmSync(copy, { recursive: true, force: true });
});

function orgPublishing(behaviour: 'PublishAfterCommit' | 'PublishImmediately') {
  const dir = forceAppPublishing(behaviour);
  const org = new SandboxOrg({ forceAppDir: dir });
  assert.equal(org.schema.object(PLATFORM_EVENT)?.publishBehavior, behaviour);
  const received: Record<string, unknown>[] = [];
  const triggers = runApexTriggers(org, createApexRuntime(org, dir), PLATFORM_EVENT, (events) =>
    received.push(...events),
  );
  const recordIds = () => received.map((event) => event[EVENT_FIELDS.recordId]);
  return { org, triggers, received, recordIds };
}

/** Three accounts, the second of which fails validation: a partial save keeps the first and the third. */
const PARTLY_INVALID = [{ Name: 'Totara Energy' }, { Name: null }, { Name: 'Matai Gas' }];

describe('publish behaviour: PublishAfterCommit (the default)', () => {
  it('a partial-success save sends one event per saved row, with the ids Salesforce kept', async () => {
    const { org, triggers, recordIds } = orgPublishing('PublishAfterCommit');
    const results = await org.insert('Account', PARTLY_INVALID, { allOrNone: false });

    assert.deepEqual(
      results.map((result) => result.success),
      [true, false, true],
    );
    assert.equal(triggers.publishCalls, 2, 'the trigger ran on the first attempt and again on the retry');
    assert.deepEqual(recordIds(), [results[0]!.id, results[2]!.id], 'only the retry, which committed, published');
    for (const id of recordIds()) assert.ok(org.get('Account', String(id)), `${String(id)} exists`);
  });

  it('a transaction that rolls back after the trigger published sends nothing', async () => {
    const { org, triggers, received } = orgPublishing('PublishAfterCommit');
    await assert.rejects(
      org.transactions.run(async () => {
        await org.insert('Account', { Name: 'Saved, then rolled back' });
        await org.insert('Account', { Name: null });
      }),
      /Required fields are missing/,
    );
    assert.equal(triggers.publishCalls, 1);
    assert.deepEqual(received, []);
  });
});

describe('publish behaviour: PublishImmediately (Gentrack setup guide)', () => {
  it('a partial-success save also sends the first attempt: events for rows Salesforce never kept, twice per row', async () => {
    const { org, triggers, recordIds } = orgPublishing('PublishImmediately');
    const results = await org.insert('Account', PARTLY_INVALID, { allOrNone: false });

    assert.equal(triggers.publishCalls, 2);
    assert.equal(recordIds().length, 4, 'two events per saved account');
    const kept = [results[0]!.id, results[2]!.id];
    const phantom = recordIds().filter((id) => !kept.includes(String(id)));
    assert.equal(phantom.length, 2, 'the first attempt published ids that were rolled back');
    for (const id of phantom) assert.equal(org.get('Account', String(id)), undefined, `${String(id)} was never saved`);
  });

  it('a transaction that rolls back after the trigger published has already sent its event', async () => {
    const { org, received } = orgPublishing('PublishImmediately');
    await assert.rejects(
      org.transactions.run(async () => {
        await org.insert('Account', { Name: 'Saved, then rolled back' });
        await org.insert('Account', { Name: null });
      }),
      /Required fields are missing/,
    );
    assert.equal(received.length, 1, 'Gentrack would create an account Salesforce does not have');
    assert.equal(org.get('Account', String(received[0]![EVENT_FIELDS.recordId])), undefined);
  });
});

describe('publish behaviour: the limit an EventBus.publish call spends', () => {
  for (const [behaviour, expected] of [
    ['PublishAfterCommit', { dmlStatements: 3, publishImmediateDml: 0 }],
    ['PublishImmediately', { dmlStatements: 1, publishImmediateDml: 2 }],
  ] as const) {
    it(`${behaviour}: ${expected.publishImmediateDml ? 'the publish-immediate limit' : 'the DML statement limit'}`, async () => {
      const dir = forceAppPublishing(behaviour);
      const run = await runApexTests(createApexRuntime(new SandboxOrg({ forceAppDir: dir }), dir), {
        className: 'GentrackAccountTriggerTest',
        methodName: 'insertPublishesEveryRecordWithOnePublishPerTriggerChunk',
      });
      const [test] = run.tests;
      assert.equal(test?.outcome, 'Pass', test?.message ?? undefined);
      // The test's insert of 201 accounts and the trigger's two EventBus.publish calls (one per chunk of 200).
      assert.equal(test!.testBlockLimits!.dmlStatements, expected.dmlStatements);
      assert.equal(test!.testBlockLimits!.publishImmediateDml, expected.publishImmediateDml);
    });
  }
});
