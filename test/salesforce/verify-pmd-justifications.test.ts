/** The justifications file format: globs, reasons, and a file that cannot be silently wrong. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { globToRegExp, justificationMatches, loadJustifications } from '../../generators/verify/pmd-justifications.js';

let directory: string;
before(async () => {
  directory = await mkdtemp(path.join(os.tmpdir(), 'verify-justifications-'));
});
after(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function load(text: string): ReturnType<typeof loadJustifications> {
  const file = path.join(directory, `${Math.random().toString(36).slice(2)}.yaml`);
  await writeFile(file, text);
  return loadJustifications(file);
}

test('globs: * stays in a folder, ** spans folders, the rest is literal', () => {
  assert.ok(globToRegExp('force-app/**/*Test.cls').test('force-app/main/default/classes/AccountTest.cls'));
  assert.ok(globToRegExp('force-app/**/*Test.cls').test('force-app/AccountTest.cls'));
  assert.ok(!globToRegExp('force-app/*/*Test.cls').test('force-app/main/default/classes/AccountTest.cls'));
  assert.ok(!globToRegExp('classes/A.cls').test('classes/AxCls'), 'a dot is a dot');
  assert.ok(globToRegExp('classes/?.cls').test('classes/A.cls'));
  const justification = { rule: 'ApexCRUDViolation', file: 'force-app/**', reason: 'r', line: 1 };
  assert.ok(justificationMatches(justification, 'ApexCRUDViolation', 'force-app/main/default/classes/A.cls'));
  assert.ok(!justificationMatches(justification, 'ApexSharingViolations', 'force-app/main/default/classes/A.cls'));
});

test('the committed format: a commented empty list, and a missing file, mean no justifications', async () => {
  assert.deepEqual(await load('# nothing justified yet\n[]\n'), { justifications: [], problems: [] });
  assert.deepEqual(await load('# only a comment\n'), { justifications: [], problems: [] });
  assert.deepEqual(await loadJustifications(path.join(directory, 'absent.yaml')), { justifications: [], problems: [] });
});

test('entries keep their line; an entry without a reason justifies nothing and is reported', async () => {
  const { justifications, problems } = await load(
    '- rule: ApexCRUDViolation\n  file: force-app/**\n  reason: System context on purpose.\n- rule: AvoidDebugStatements\n  file: force-app/**\n  reason: "   "\n',
  );
  assert.deepEqual(justifications, [
    { rule: 'ApexCRUDViolation', file: 'force-app/**', reason: 'System context on purpose.', line: 1 },
  ]);
  assert.equal(problems.length, 1);
  assert.equal(problems[0]!.rule, 'justification-without-reason');
  assert.equal(problems[0]!.line, 4);
});

test('a wrong shape or invalid YAML is reported, not ignored', async () => {
  const typo = await load('- rule: ApexCRUDViolation\n  files: force-app/**\n  reason: typo in a key\n');
  assert.equal(typo.problems[0]?.rule, 'invalid-justifications-file');
  assert.match(typo.problems[0]!.message, /files/);
  const notAList = await load('rule: ApexCRUDViolation\n');
  assert.equal(notAList.problems[0]?.rule, 'invalid-justifications-file');
  const broken = await load('- rule: [unclosed\n');
  assert.equal(broken.problems[0]?.rule, 'invalid-justifications-file');
});
