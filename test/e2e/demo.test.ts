/** The README's main command stays true: the demo runs, changes reach Gentrack, nothing is dead-lettered. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../../model/project-root.js';

const run = promisify(execFile);

test('npm run demo delivers a stream of Salesforce changes to Gentrack', { timeout: 90_000 }, async () => {
  const { stdout } = await run(
    process.execPath,
    [path.join(PROJECT_ROOT, 'bin/gentrack-sf.js'), 'demo', '--duration', '5', '--rate', '10'],
    {
      cwd: PROJECT_ROOT,
    },
  );
  const final = stdout
    .trim()
    .split('\n')
    .filter((line) => line.includes('Salesforce changes:'))
    .at(-1)!;
  const changes = Number(/Salesforce changes: (\d+)/.exec(final)?.[1]);
  assert.ok(changes >= 10, `changes were made (${final})`);
  assert.match(final, /relay pending: 0, dead letters: 0/);
  assert.match(stdout, /The relay caught up: it committed every event the org published/);
  // Changes and writes need not match one for one (the demo says why), but every new Salesforce account and contact
  // is a Gentrack account or contact, and a removed contact stays in Gentrack with status Removed.
  const inserted = (kind: string) => Number(new RegExp(`${kind} insert (\\d+)`).exec(stdout)?.[1] ?? 0);
  const inGentrack = (entity: string) => Number(new RegExp(`${entity} (\\d+)`).exec(final)?.[1]);
  assert.equal(inGentrack('accounts'), inserted('Account'), `every new account reached Gentrack (${final})`);
  assert.equal(inGentrack('contacts'), inserted('Contact'), `every new contact reached Gentrack (${final})`);
  assert.match(stdout, /What the figures mean/);
  assert.match(stdout, /idempotent replays: calls Gentrack had already applied/);
  assert.doesNotMatch(stdout, /refused by Salesforce itself/, 'the demo only makes changes Salesforce accepts');
  assert.match(stdout, /Next\n {2}the relay's log: +var\/demo\/relay\.log/);
  assert.deepEqual(
    readdirSync(path.join(PROJECT_ROOT, 'var/demo')).filter((name) => /^relay-\d+\.db/.test(name)),
    [],
    'no store is left behind per run',
  );
});
