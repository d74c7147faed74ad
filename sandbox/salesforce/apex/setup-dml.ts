/**
 * Inserting the setup records Apex tests make to run as another user: a User (stored, and known to System.runAs,
 * FeatureManagement and user mode for the rest of the transaction, with the profile its ProfileId names) and a
 * PermissionSetAssignment (grants the permission set's custom, object and field permissions to that user). Both
 * are undone with the transaction.
 */
import { formatDateTime } from '../org/datetime.js';
import type { FieldValue, SObjectRecord } from '../org/schema.js';
import type { SandboxOrg } from '../org/sandbox-org.js';
import type { Site } from './ast.js';
import type { Interpreter } from './interpreter.js';
import type { ApexDmlResult } from './org-bridge.js';
import { REQUIRED_USER_FIELDS } from './setup-objects.js';
import type { ApexSObject, Value } from './values.js';

type Failure = { statusCode: string; message: string; fields: string[] };

export function insertSetupRecords(
  interpreter: Interpreter,
  org: SandboxOrg,
  records: ApexSObject[],
  allOrNone: boolean,
  site: Site,
): ApexDmlResult[] {
  const mark = org.store.mark();
  const created: string[] = [];
  const results = records.map((record): ApexDmlResult => {
    const outcome =
      record.objectName === 'User'
        ? insertUser(interpreter, org, record)
        : insertAssignment(interpreter, org, record, site);
    if ('statusCode' in outcome) return { id: null, success: false, errors: [outcome] };
    created.push(outcome.id);
    return { id: outcome.id, success: true, errors: [] };
  });
  if (allOrNone && results.some((result) => !result.success)) {
    org.store.rollbackTo(mark);
    for (const id of created) interpreter.context.createdUsers.delete(id);
    return results.map((result) =>
      result.success
        ? {
            id: null,
            success: false,
            errors: [
              {
                statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK',
                message:
                  'Record rolled back because not all records were valid and the request was using AllOrNone header',
                fields: [],
              },
            ],
          }
        : result,
    );
  }
  return results;
}

function invalidCrossReference(): Failure {
  return { statusCode: 'INVALID_CROSS_REFERENCE_KEY', message: 'invalid cross reference id', fields: [] };
}

function value(record: ApexSObject, name: string): Value {
  return record.fields.get(name.toLowerCase())?.value ?? null;
}

function insertUser(interpreter: Interpreter, org: SandboxOrg, record: ApexSObject): { id: string } | Failure {
  const missing = REQUIRED_USER_FIELDS.filter((field) => value(record, field) === null || value(record, field) === '');
  if (missing.length > 0)
    return {
      statusCode: 'REQUIRED_FIELD_MISSING',
      message: `Required fields are missing: [${missing.join(', ')}]`,
      fields: missing,
    };
  const profile = org.users.profileWithId(String(value(record, 'ProfileId')));
  if (!profile) return { ...invalidCrossReference(), fields: ['ProfileId'] };
  const username = String(value(record, 'Username'));
  const context = interpreter.context;
  const taken =
    org.users.findByUsername(username) ||
    [...context.createdUsers.values()].some((user) => user.username.toLowerCase() === username.toLowerCase());
  if (taken) {
    return {
      statusCode: 'DUPLICATE_USERNAME',
      message:
        'Duplicate Username.<br>The username already exists in this or another Salesforce organization. Usernames must be unique across all Salesforce organizations.',
      fields: ['Username'],
    };
  }
  const object = org.schema.object('User')!;
  const id = org.ids.mint(object.keyPrefix);
  const firstName = value(record, 'FirstName');
  const lastName = String(value(record, 'LastName'));
  const name = [firstName, lastName].filter((part) => part !== null && part !== '').join(' ');
  const email = String(value(record, 'Email'));
  const stamp = formatDateTime(org.now());
  const stored: Record<string, FieldValue> = Object.fromEntries(object.fields.map((field) => [field.name, null]));
  Object.assign(stored, {
    Id: id,
    IsDeleted: false,
    Username: username,
    FirstName: firstName as FieldValue,
    LastName: lastName,
    Name: name,
    Email: email,
    IsActive: true,
    CreatedDate: stamp,
    LastModifiedDate: stamp,
    SystemModstamp: stamp,
    CreatedById: context.runningUser.id,
    LastModifiedById: context.runningUser.id,
  });
  org.store.put('User', stored as SObjectRecord);
  context.createdUsers.set(id, org.users.unlisted({ id, username, name, email, profile }));
  return { id };
}

function insertAssignment(
  interpreter: Interpreter,
  org: SandboxOrg,
  record: ApexSObject,
  site: Site,
): { id: string } | Failure {
  const assignee = value(record, 'AssigneeId');
  const permissionSetId = value(record, 'PermissionSetId');
  const missing = [
    ...(assignee === null ? ['AssigneeId'] : []),
    ...(permissionSetId === null ? ['PermissionSetId'] : []),
  ];
  if (missing.length > 0)
    return {
      statusCode: 'REQUIRED_FIELD_MISSING',
      message: `Required fields are missing: [${missing.join(', ')}]`,
      fields: missing,
    };
  const permissionSet = org.store.get('PermissionSet', String(permissionSetId));
  if (!permissionSet) return { ...invalidCrossReference(), fields: ['PermissionSetId'] };
  const user = interpreter.context.createdUsers.get(String(assignee));
  if (!user)
    return interpreter.unsupported('PermissionSetAssignment for a user not inserted in this transaction', site);
  const name = String(permissionSet['Name']);
  if (user.permissionSets.includes(name))
    return { statusCode: 'DUPLICATE_VALUE', message: 'Duplicate PermissionSetAssignment', fields: [] };
  user.permissionSets.push(name);
  return { id: org.ids.mint('0Pa') };
}
