/**
 * The import boundaries of eslint.config.js hold, and they can fail: deliberate violations (test/fixtures/boundaries/)
 * are linted as if they stood in the folders whose rules they break, and the same code is accepted where it may stand.
 * The whole tree is linted by scripts/test.sh (`npx eslint .`).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ESLint } from 'eslint';
import { PROJECT_ROOT } from '../../model/project-root.js';

const eslint = new ESLint({ cwd: PROJECT_ROOT });

async function boundaryMessages(fixture: string, standingAt: string): Promise<string[]> {
  const code = readFileSync(path.join(PROJECT_ROOT, 'test/fixtures/boundaries', fixture), 'utf8');
  const [result] = await eslint.lintText(code, { filePath: path.join(PROJECT_ROOT, standingAt) });
  return (result?.messages ?? []).map((message) => `${message.ruleId}: ${message.message}`);
}

test('the Gentrack -> Salesforce flow may not import the Salesforce -> Gentrack flow', async () => {
  assert.deepEqual(
    await boundaryMessages('imports-outbox-dispatcher.ts', 'relay/src/to-salesforce/boundary-fixture.ts'),
    ['boundaries/dependencies: the Gentrack -> Salesforce flow imports no other flow'],
  );
});

test('platform/ may not import a flow, nor shipped code the sandbox', async () => {
  assert.deepEqual(await boundaryMessages('imports-outbox-dispatcher.ts', 'relay/src/platform/boundary-fixture.ts'), [
    'boundaries/dependencies: platform/ is shared by the flows and imports none of them',
  ]);
  assert.deepEqual(await boundaryMessages('imports-composition-root.ts', 'relay/src/platform/boundary-fixture.ts'), [
    'boundaries/dependencies: platform/ is shared by the flows and imports none of them',
  ]);
  assert.deepEqual(await boundaryMessages('imports-sandbox.ts', 'relay/src/platform/boundary-fixture.ts'), [
    'boundaries/dependencies: what ships never imports sandbox/ or generators/',
  ]);
});

test('the same import is accepted where it may stand: sync-jobs and the composition root', async () => {
  assert.deepEqual(
    await boundaryMessages('imports-outbox-dispatcher.ts', 'relay/src/sync-jobs/boundary-fixture.ts'),
    [],
  );
  assert.deepEqual(
    await boundaryMessages('imports-outbox-dispatcher.ts', 'relay/src/to-gentrack/boundary-fixture.ts'),
    [],
  );
});
