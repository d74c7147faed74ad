import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { SOURCE_DIRS, sourceFiles, sourceFingerprint } from '../bin/source-fingerprint.js';
import { PROJECT_ROOT } from '../model/project-root.js';

function scratchProject(): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'fingerprint-'));
  for (const dir of SOURCE_DIRS) mkdirSync(path.join(root, dir), { recursive: true });
  writeFileSync(path.join(root, 'bin', 'main.ts'), 'export {};\n');
  writeFileSync(path.join(root, 'relay/src', 'relay.ts'), 'export {};\n');
  writeFileSync(path.join(root, 'relay/src', 'relay.test.ts'), 'export {};\n');
  return root;
}

test('the fingerprint covers compiled sources only, and changes with any edit', () => {
  const root = scratchProject();
  assert.deepEqual(sourceFiles(root), ['bin/main.ts', 'relay/src/relay.ts']);
  const before = sourceFingerprint(root);
  assert.equal(sourceFingerprint(root), before);

  writeFileSync(path.join(root, 'relay/src', 'relay.test.ts'), 'export const changed = 1;\n');
  assert.equal(sourceFingerprint(root), before, 'tests are not compiled');

  utimesSync(path.join(root, 'bin', 'main.ts'), new Date(), new Date(Date.now() + 5_000));
  assert.equal(sourceFingerprint(root), before, 'a newer modification time alone (a copy, a touch) changes nothing');

  writeFileSync(path.join(root, 'bin', 'main.ts'), 'export const edited = 1;\n');
  const edited = sourceFingerprint(root);
  assert.notEqual(edited, before, 'an edit');

  writeFileSync(path.join(root, 'generators', 'added.ts'), 'export {};\n');
  assert.notEqual(sourceFingerprint(root), edited, 'a new source');
});

test('the compiled CLI and the sources answer alike, and dist/ matches the sources it was built from', () => {
  const cli = path.join(PROJECT_ROOT, 'bin', 'gentrack-sf.js');
  const env = { ...process.env, GENTRACK_SF_FROM_SOURCE: '' };
  const compiled = execFileSync(process.execPath, [cli, 'relay', '--help'], { env, encoding: 'utf8' });
  const fromSource = execFileSync(process.execPath, [cli, 'relay', '--help'], {
    env: { ...env, GENTRACK_SF_FROM_SOURCE: '1' },
    encoding: 'utf8',
  });
  assert.equal(compiled, fromSource);
  assert.match(compiled, /--config/);
  const { version } = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string };
  assert.equal(execFileSync(process.execPath, [cli, '--version'], { env, encoding: 'utf8' }).trim(), version);
  // npm test builds dist/ before the tests run, so the CLI the end-to-end tests spawn is the compiled one.
  assert.equal(
    readFileSync(path.join(PROJECT_ROOT, 'dist', 'fingerprint'), 'utf8').trim(),
    sourceFingerprint(PROJECT_ROOT),
  );
});
