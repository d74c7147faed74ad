/**
 * Validate Data Model: compares what an org has (describe, PermissionSet and ApexTrigger records) with what the
 * connector needs (org-expectations.ts), and says for each item whether it is right, missing or wrong, with the fix.
 * Reading the org (readOrgFacts) is separate from judging it (evaluateOrg, pure), so the rules are tested alone.
 */
import type { Connection } from 'jsforce';
import type { ConnectorModel } from '../../../model/connector-model.js';
import {
  apexNamesToRead,
  evaluateApexConflicts,
  sampleMigrationOf,
  type ApexComponent,
  type SampleMigration,
} from './apex-conflicts.js';
import {
  orgExpectations,
  type FieldExpectation,
  type ObjectExpectation,
  type OrgExpectations,
} from './org-expectations.js';

/** The describe facts of a field that validate-org reads (a subset of jsforce's DescribeSObjectResult fields). */
export interface DescribedField {
  readonly name: string;
  readonly type: string;
  readonly length: number;
  readonly precision: number;
  readonly scale: number;
  readonly externalId: boolean;
  readonly unique: boolean;
  readonly caseSensitive: boolean;
  readonly picklistValues?: readonly { readonly value: string; readonly active: boolean }[] | null;
}

export interface DescribedObject {
  readonly name: string;
  readonly customSetting: boolean;
  readonly fields: readonly DescribedField[];
}

export interface OrgFacts {
  /** Described objects by lower-case name; an expected object that is absent here does not exist (or is hidden). */
  readonly objects: ReadonlyMap<string, DescribedObject>;
  readonly permissionSets: ReadonlySet<string>;
  readonly triggers: ReadonlyMap<string, { readonly object: string; readonly status: string }>;
  /** Classes and triggers with our names or the sample connector's, and every trigger on a synced object. */
  readonly apex: readonly ApexComponent[];
}

export type FindingStatus = 'ok' | 'missing' | 'wrong';

export interface Finding {
  readonly status: FindingStatus;
  /** What was checked, e.g. `field Account.Gentrack_External_Id__c`. */
  readonly check: string;
  readonly detail: string;
  /** What to do; present for every problem. */
  readonly fix?: string;
}

export interface OrgValidation {
  readonly findings: readonly Finding[];
  readonly problems: readonly Finding[];
  /** Gentrack's sample connector components a deploy must remove (empty when it is not installed). */
  readonly sampleMigration: SampleMigration;
}

const DEPLOY = 'sf project deploy start';

export async function validateOrg(
  connection: Connection,
  model: ConnectorModel,
  migrationDir?: string,
): Promise<OrgValidation> {
  const expectations = orgExpectations(model);
  const facts = await readOrgFacts(connection, expectations);
  const findings = evaluateOrg(expectations, facts, migrationDir);
  return {
    findings,
    problems: findings.filter((finding) => finding.status !== 'ok'),
    sampleMigration: sampleMigrationOf(facts.apex),
  };
}

export async function readOrgFacts(connection: Connection, expectations: OrgExpectations): Promise<OrgFacts> {
  const global = await connection.describeGlobal();
  const present = new Set(global.sobjects.map((object) => object.name.toLowerCase()));
  const wanted = [
    ...expectations.objects.map((object) => object.name),
    ...expectations.features.map((feature) => feature.object),
  ];
  const objects = new Map<string, DescribedObject>();
  for (const name of new Set(wanted)) {
    if (!present.has(name.toLowerCase())) continue;
    const described = await connection.describe(name);
    objects.set(name.toLowerCase(), described as unknown as DescribedObject);
  }
  const quoted = (names: readonly string[]) => names.map((name) => `'${name.replace(/'/g, "\\'")}'`).join(', ');
  const sets = await connection.query<{ Name: string }>(
    `SELECT Name FROM PermissionSet WHERE Name IN (${quoted(expectations.permissionSets)})`,
  );
  const names = apexNamesToRead(expectations);
  const synced = expectations.objects.filter((object) => object.role === 'synced').map((object) => object.name);
  // Unmanaged code only: a managed package's components live in its namespace and cannot clash with ours.
  const triggers = await connection.query<{ Name: string; TableEnumOrId: string; Status: string; Body: string }>(
    `SELECT Name, TableEnumOrId, Status, Body FROM ApexTrigger WHERE NamespacePrefix = null AND (Name IN (${quoted(names.triggers)}) OR TableEnumOrId IN (${quoted(synced)}))`,
  );
  const classes = await connection.query<{ Name: string; Body: string }>(
    `SELECT Name, Body FROM ApexClass WHERE NamespacePrefix = null AND Name IN (${quoted(names.classes)})`,
  );
  const ours = new Set(expectations.triggers.map((trigger) => trigger.name));
  return {
    objects,
    permissionSets: new Set(sets.records.map((record) => record.Name)),
    triggers: new Map(
      triggers.records
        .filter((record) => ours.has(record.Name))
        .map((record) => [record.Name, { object: record.TableEnumOrId, status: record.Status }]),
    ),
    apex: [
      ...classes.records.map((record) => ({ kind: 'class' as const, name: record.Name, body: record.Body ?? '' })),
      ...triggers.records.map((record) => ({
        kind: 'trigger' as const,
        name: record.Name,
        object: record.TableEnumOrId,
        body: record.Body ?? '',
      })),
    ],
  };
}

export function evaluateOrg(expectations: OrgExpectations, facts: OrgFacts, migrationDir?: string): Finding[] {
  const findings: Finding[] = [];
  for (const feature of expectations.features) {
    const on = facts.objects.has(feature.object.toLowerCase());
    findings.push(
      on
        ? { status: 'ok', check: `feature ${feature.name}`, detail: `enabled (${feature.object} is describable)` }
        : {
            status: 'missing',
            check: `feature ${feature.name}`,
            detail: `not enabled (${feature.object} is not describable)`,
            fix: feature.fix,
          },
    );
  }
  for (const expected of expectations.objects) {
    const object = facts.objects.get(expected.name.toLowerCase());
    const fieldsOf = expectations.fields.filter((field) => field.object === expected.name);
    if (!object) {
      findings.push({
        status: 'missing',
        check: `${roleName(expected)} ${expected.name}`,
        detail: `not in the org (its ${fieldsOf.length} fields are not checked)`,
        fix: fixForMissingObject(expected, expectations),
      });
      continue;
    }
    if (expected.role === 'customSetting' && !object.customSetting) {
      findings.push({
        status: 'wrong',
        check: `${roleName(expected)} ${expected.name}`,
        detail: 'exists but is not a custom setting',
        fix: `delete the object and deploy force-app (${DEPLOY} --metadata CustomObject:${expected.name})`,
      });
    } else {
      findings.push({ status: 'ok', check: `${roleName(expected)} ${expected.name}`, detail: 'deployed' });
    }
    const byName = new Map(object.fields.map((field) => [field.name.toLowerCase(), field]));
    for (const field of fieldsOf) findings.push(checkField(field, byName.get(field.field.toLowerCase())));
  }
  for (const name of expectations.permissionSets) {
    findings.push(
      facts.permissionSets.has(name)
        ? { status: 'ok', check: `permission set ${name}`, detail: 'deployed' }
        : {
            status: 'missing',
            check: `permission set ${name}`,
            detail: 'not in the org',
            fix: `${DEPLOY} --metadata PermissionSet:${name}`,
          },
    );
  }
  for (const expected of expectations.triggers) {
    const trigger = facts.triggers.get(expected.name);
    const check = `trigger ${expected.name}`;
    if (!trigger) {
      findings.push({
        status: 'missing',
        check,
        detail: `not in the org: ${expected.object} changes are not published`,
        fix: `${DEPLOY} --metadata ApexTrigger:${expected.name}`,
      });
    } else if (trigger.object.toLowerCase() !== expected.object.toLowerCase()) {
      findings.push({
        status: 'wrong',
        check,
        detail: `is on ${trigger.object}, needs ${expected.object}`,
        fix: `${DEPLOY} --metadata ApexTrigger:${expected.name}`,
      });
    } else if (trigger.status !== 'Active') {
      findings.push({
        status: 'wrong',
        check,
        detail: `${trigger.status}: ${expected.object} changes are not published`,
        fix: `deploy it active: ${DEPLOY} --metadata ApexTrigger:${expected.name}`,
      });
    } else {
      findings.push({ status: 'ok', check, detail: `active on ${expected.object}` });
    }
  }
  findings.push(...evaluateApexConflicts(expectations, facts.apex, migrationDir));
  return findings;
}

function roleName(object: ObjectExpectation): string {
  switch (object.role) {
    case 'platformEvent':
      return 'platform event';
    case 'customSetting':
      return 'custom setting';
    default:
      return 'object';
  }
}

function fixForMissingObject(object: ObjectExpectation, expectations: OrgExpectations): string {
  const feature = expectations.features.find((candidate) => candidate.object === object.name);
  if (feature) return feature.fix;
  if (object.role === 'synced')
    return `the integration user cannot see ${object.name}: grant it access (permission set Gentrack_Integration_User)`;
  return `${DEPLOY} --metadata CustomObject:${object.name}`;
}

function checkField(expected: FieldExpectation, actual: DescribedField | undefined): Finding {
  const check = `field ${expected.object}.${expected.field}`;
  if (!actual) {
    return {
      status: 'missing',
      check,
      detail: 'not in the org (or not visible to the integration user)',
      fix: expected.generated
        ? `${DEPLOY} --metadata CustomField:${expected.object}.${expected.field}`
        : `grant the integration user access to ${expected.field} (field-level security), or remove it from config/connector.yaml`,
    };
  }
  const wrong: string[] = [];
  if (actual.type !== expected.type) wrong.push(`type ${actual.type}, needs ${expected.type}`);
  else {
    if (expected.length !== undefined && actual.length !== expected.length)
      wrong.push(`length ${actual.length}, needs ${expected.length}`);
    if (expected.precision !== undefined && actual.precision !== expected.precision)
      wrong.push(`precision ${actual.precision}, needs ${expected.precision}`);
    if (expected.scale !== undefined && actual.scale !== expected.scale)
      wrong.push(`scale ${actual.scale}, needs ${expected.scale}`);
  }
  if (expected.externalId && !actual.externalId) wrong.push('not an External ID');
  if (expected.unique && !actual.unique) wrong.push('not unique');
  if (expected.caseSensitive === false && actual.caseSensitive) wrong.push('case-sensitive, needs case-insensitive');
  const offered = new Set((actual.picklistValues ?? []).filter((value) => value.active).map((value) => value.value));
  const lacking = (expected.picklistValues ?? []).filter((value) => !offered.has(value));
  if (actual.type === expected.type && lacking.length > 0) wrong.push(`picklist lacks ${lacking.join(', ')}`);
  if (wrong.length === 0) return { status: 'ok', check, detail: describeExpected(expected) };
  return {
    status: 'wrong',
    check,
    detail: wrong.join('; '),
    fix: expected.generated
      ? `make it match force-app: change it in Setup > Object Manager > ${expected.object} > Fields (a type change may need the field deleted), then ${DEPLOY} --metadata CustomField:${expected.object}.${expected.field}`
      : `the model maps ${expected.field} as ${expected.type}: correct config/connector.yaml`,
  };
}

function describeExpected(field: FieldExpectation): string {
  const parts: string[] = [field.type];
  if (field.length !== undefined) parts[0] = `${field.type}(${field.length})`;
  if (field.precision !== undefined) parts[0] = `${field.type}(${field.precision},${field.scale ?? 0})`;
  if (field.externalId) parts.push('External ID, unique, case-insensitive');
  if (field.picklistValues) parts.push(`${field.picklistValues.length} values`);
  return parts.join(', ');
}

/**
 * The table validate-org prints: every check with its status, and the fix under each problem. `command` is how the
 * user ran it (`sf gentrack validate-org` from the sf plugin), named in the closing line.
 */
export function formatOrgValidation(validation: OrgValidation, command = 'gentrack-sf validate-org'): string {
  const label: Record<FindingStatus, string> = { ok: 'ok', missing: 'MISSING', wrong: 'WRONG' };
  const checkWidth = Math.max(...validation.findings.map((finding) => finding.check.length), 5);
  const lines = [`${'STATUS'.padEnd(8)} ${'CHECK'.padEnd(checkWidth)}  DETAIL`];
  for (const finding of validation.findings) {
    lines.push(`${label[finding.status].padEnd(8)} ${finding.check.padEnd(checkWidth)}  ${finding.detail}`);
    if (finding.fix) lines.push(`${''.padEnd(8)} ${''.padEnd(checkWidth)}  fix: ${finding.fix}`);
  }
  const { findings, problems } = validation;
  lines.push(
    '',
    problems.length === 0
      ? `All ${findings.length} checks passed: the org has what the connector needs.`
      : `${problems.length} of ${findings.length} checks failed: apply the fixes above, then run ${command} again.`,
  );
  return lines.join('\n');
}
