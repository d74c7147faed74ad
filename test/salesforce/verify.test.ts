/**
 * The offline verification pipeline: each check fails on a fixture broken in the way it exists to catch, passes on
 * a clean fixture (so no check is always-failing), and the real project passes them all.
 *
 * apex-ls and PMD start a JVM each: every (check, project) pair runs once, all of them start at load time and run
 * side by side, and the tests await the shared results.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkApexPmd,
  checkApexSemantics,
  checkApexSyntax,
  checkMetadataRules,
  checkMetadataStructure,
  countFindings,
  formatFindingsTable,
  runAllChecks,
  type CheckName,
  type Finding,
  type FindingsByCheck,
} from '../../generators/verify/index.js';

const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures', 'salesforce');
const PROJECT_ROOT = path.join(import.meta.dirname, '..', '..');
const fixture = (name: string): string => path.join(FIXTURES, name);

const CHECKS: Record<CheckName, (projectDir: string) => Promise<Finding[]>> = {
  'metadata-structure': checkMetadataStructure,
  'metadata-rules': checkMetadataRules,
  'apex-syntax': checkApexSyntax,
  'apex-semantics': checkApexSemantics,
  'apex-pmd': checkApexPmd,
};

const runs = new Map<string, Promise<Finding[]>>();
/** Each check runs once per project, however many tests look at its findings. */
function findingsOf(check: CheckName, projectDir: string): Promise<Finding[]> {
  const key = `${check}\0${projectDir}`;
  if (!runs.has(key)) runs.set(key, CHECKS[check](projectDir));
  return runs.get(key)!;
}

const realProjectHasSource = existsSync(path.join(PROJECT_ROOT, 'force-app'));
// Start the JVM-based runs now so they overlap with everything else.
for (const [check, project] of [
  ['apex-semantics', fixture('apex-semantic-errors')],
  ['apex-semantics', fixture('clean')],
  ['apex-pmd', fixture('pmd-violations')],
  ['apex-pmd', fixture('clean')],
] as const) {
  void findingsOf(check, project).catch(() => undefined);
}
const realProjectRun: Promise<FindingsByCheck> | undefined = realProjectHasSource
  ? runAllChecks(PROJECT_ROOT)
  : undefined;
void realProjectRun?.catch(() => undefined);

/** The one finding matching all given properties; fails listing every finding otherwise. */
function findOne(findings: readonly Finding[], expected: Partial<Finding> & { messageIncludes?: string }): Finding {
  const { messageIncludes, ...properties } = expected;
  const matches = findings.filter(
    (finding) =>
      Object.entries(properties).every(([key, value]) => finding[key as keyof Finding] === value) &&
      (messageIncludes === undefined || finding.message.includes(messageIncludes)),
  );
  assert.equal(
    matches.length,
    1,
    `expected exactly one finding like ${JSON.stringify(expected)}, got ${matches.length} among:\n${findings.map((f) => `  ${JSON.stringify(f)}`).join('\n')}`,
  );
  return matches[0]!;
}

function assertNone(findings: readonly Finding[], label: string): void {
  assert.deepEqual(
    findings,
    [],
    `${label} should have no findings:\n${findings.map((f) => `  ${JSON.stringify(f)}`).join('\n')}`,
  );
}

const CLASSES = 'force-app/main/default/classes';
const OBJECTS = 'force-app/main/default/objects';

test('the clean fixture passes every check', async () => {
  for (const check of Object.keys(CHECKS) as CheckName[]) {
    assertNone(await findingsOf(check, fixture('clean')), `${check} on the clean fixture`);
  }
});

test('metadata-structure: a class without its meta file, and an LWC bundle without .js-meta.xml', async () => {
  const findings = await findingsOf('metadata-structure', fixture('missing-meta'));
  const missing = findOne(findings, { rule: 'missing-meta-xml', file: `${CLASSES}/NoMeta.cls` });
  assert.match(missing.message, /NoMeta\.cls-meta\.xml/);
  assert.match(missing.message, /silently/);
  findOne(findings, {
    rule: 'missing-lwc-meta-xml',
    file: 'force-app/main/default/lwc/readingBadge',
    messageIncludes: 'readingBadge.js-meta.xml',
  });
  assert.equal(findings.length, 2, 'the class that has its meta file is not reported');
});

test('metadata-structure: a missing sfdx-project.json is a finding, not a crash', async () => {
  const findings = await checkMetadataStructure(FIXTURES);
  findOne(findings, { rule: 'sfdx-project', file: 'sfdx-project.json' });
});

test('metadata-rules: over-long label, Text length 300, Picklist on a platform event, dangling permission, incomplete manifest', async () => {
  const findings = await findingsOf('metadata-rules', fixture('invalid-metadata'));
  const label = findOne(findings, {
    rule: 'field-label',
    file: `${OBJECTS}/Reading__c/fields/Meter_Serial__c.field-meta.xml`,
    line: 4,
  });
  assert.match(label.message, /52 characters; the limit is 40/);
  const length = findOne(findings, {
    rule: 'field-text-length',
    file: `${OBJECTS}/Reading__c/fields/Site_Notes__c.field-meta.xml`,
    line: 5,
  });
  assert.match(length.message, /'300'.*1 to 255.*LongTextArea/);
  const picklist = findOne(findings, {
    rule: 'field-type-not-allowed-on-object',
    file: `${OBJECTS}/Reading_Event__e/fields/Source__c.field-meta.xml`,
  });
  assert.match(picklist.message, /platform event cannot have a Picklist field/);
  const reference = findOne(findings, {
    rule: 'permission-set-reference',
    file: 'force-app/main/default/permissionsets/Reading_Access.permissionset-meta.xml',
    line: 8,
  });
  assert.match(reference.message, /Reading__c\.Meter_Reading_Value__c/);
  const manifest = findOne(findings, { rule: 'manifest-missing-component', file: 'manifest/package.xml' });
  assert.match(manifest.message, /PermissionSet Reading_Access/);
  findOne(findings, {
    rule: 'unknown-element',
    file: `${OBJECTS}/Reading__c/Reading__c.object-meta.xml`,
    messageIncludes: '<enableTeleportation>',
  });
  findOne(findings, {
    rule: 'apex-api-version',
    file: `${CLASSES}/OldApiVersion.cls-meta.xml`,
    messageIncludes: '58.0',
  });
  assert.equal(findings.length, 7, 'nothing else in the fixture is wrong');
});

test('apex-syntax: syntax errors with their line, in classes and triggers, and unformatted code', async () => {
  const findings = await findingsOf('apex-syntax', fixture('apex-syntax-error'));
  const classError = findOne(findings, { rule: 'apex-syntax-error', file: `${CLASSES}/BrokenSyntax.cls` });
  assert.equal(classError.line, 3);
  assert.match(classError.message, /Unexpected token ';'/);
  const triggerError = findOne(findings, {
    rule: 'apex-syntax-error',
    file: 'force-app/main/default/triggers/BrokenTrigger.trigger',
  });
  assert.equal(triggerError.line, 1);
  const unformatted = findOne(findings, { rule: 'apex-unformatted', file: `${CLASSES}/Unformatted.cls` });
  assert.equal(unformatted.line, 2);
  assert.match(unformatted.message, /prettier --write/);
  assert.equal(findings.length, 3);
});

test('apex-semantics: a call to a method that does not exist and a wrong-type assignment', async () => {
  const findings = await findingsOf('apex-semantics', fixture('apex-semantic-errors'));
  const file = `${CLASSES}/SemanticErrors.cls`;
  const assignment = findOne(findings, { file, line: 3 });
  assert.match(assignment.message, /Incompatible types in assignment, from 'System\.String' to 'System\.Integer'/);
  const call = findOne(findings, { file, line: 8, rule: 'Missing' });
  assert.match(call.message, /No matching method found for 'doesNotExist'/);
  assert.equal(findings.length, 2);
});

test('apex-pmd: SOQL in a loop, a test without asserts, and justifications (applied, without reason, stale)', async () => {
  const findings = await findingsOf('apex-pmd', fixture('pmd-violations'));
  findOne(findings, { rule: 'OperationWithLimitsInLoop', file: `${CLASSES}/ReadingsInLoop.cls`, line: 5 });
  const noAsserts = findOne(findings, {
    rule: 'ApexUnitTestClassShouldHaveAsserts',
    file: `${CLASSES}/ReadingsInLoopTest.cls`,
  });
  assert.equal(noAsserts.line, 4);
  // Justified with a reason: not reported.
  assert.equal(findings.filter((finding) => finding.rule === 'ApexUnitTestClassShouldHaveRunAs').length, 0);
  const withoutReason = findOne(findings, {
    rule: 'justification-without-reason',
    file: 'config/pmd-justifications.yaml',
  });
  assert.equal(withoutReason.line, 5);
  const stale = findOne(findings, { rule: 'stale-justification', file: 'config/pmd-justifications.yaml' });
  assert.equal(stale.line, 8);
  assert.match(stale.message, /ApexSOQLInjection/);
});

test('runAllChecks groups findings by check and the table names file:line, rule and message', async () => {
  const findings = await runAllChecks(fixture('missing-meta'), { only: ['metadata-structure', 'apex-syntax'] });
  assert.deepEqual(Object.keys(findings).sort(), ['apex-syntax', 'metadata-structure']);
  assert.equal(countFindings(findings), 2);
  const table = formatFindingsTable(findings);
  assert.match(table, /FAIL metadata-structure: 2 findings/);
  assert.match(table, /ok {3}apex-syntax: no findings/);
  assert.match(
    table,
    /force-app\/main\/default\/classes\/NoMeta\.cls {2,}missing-meta-xml {2,}has no NoMeta\.cls-meta\.xml/,
  );
});

test(
  'the real project passes every check',
  { skip: realProjectHasSource ? false : 'force-app/ does not exist yet: run `npm run generate` first' },
  async () => {
    const findings = await realProjectRun!;
    assert.equal(
      countFindings(findings),
      0,
      `gentrack-sf verify found problems in the project:\n${formatFindingsTable(findings)}`,
    );
  },
);
