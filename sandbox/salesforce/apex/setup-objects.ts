/**
 * Setup objects: User and PermissionSetAssignment, which Apex tests create to run as another user. The sandbox
 * schema knows only part of User and nothing of PermissionSetAssignment, so their extra fields are declared here,
 * and the MIXED_DML_OPERATION rule (Apex Developer Guide, "sObjects That Cannot Be Used Together in DML
 * Operations") is decided here: DML on a setup object and on a non-setup object may not share a transaction, except
 * inside System.runAs in a test; inserting a User whose UserRoleId is null is allowed with other objects.
 */
import type { MixedDmlScope } from './transaction-context.js';

export const SETUP_OBJECTS = new Set([
  'user',
  'permissionsetassignment',
  'permissionset',
  'group',
  'groupmember',
  'userrole',
  'queuesobject',
  'setupentityaccess',
  'objectpermissions',
  'fieldpermissions',
]);

/** Fields of setup objects the runtime accepts beyond the sandbox schema (name -> type). */
export const EXTRA_SETUP_FIELDS: Readonly<Record<string, Readonly<Record<string, 'id' | 'string'>>>> = {
  user: {
    ProfileId: 'id',
    UserRoleId: 'id',
    Alias: 'string',
    TimeZoneSidKey: 'string',
    LocaleSidKey: 'string',
    EmailEncodingKey: 'string',
    LanguageLocaleKey: 'string',
    CommunityNickname: 'string',
  },
  permissionsetassignment: { Id: 'id', AssigneeId: 'id', PermissionSetId: 'id' },
};

export const REQUIRED_USER_FIELDS = [
  'Username',
  'LastName',
  'Email',
  'Alias',
  'TimeZoneSidKey',
  'LocaleSidKey',
  'EmailEncodingKey',
  'LanguageLocaleKey',
  'ProfileId',
];

export type DmlKind = 'setup' | 'nonSetup' | 'neutral';

export function dmlKindOf(
  objectName: string,
  objectKind: string | undefined,
  operation: string,
  userRoleIdSet: boolean,
): DmlKind {
  const lower = objectName.toLowerCase();
  if (lower === 'user' && operation === 'insert' && !userRoleIdSet) return 'neutral';
  if (SETUP_OBJECTS.has(lower)) return 'setup';
  // Custom settings and platform events are not part of the rule.
  if (objectKind === 'customSetting' || objectKind === 'platformEvent') return 'neutral';
  return 'nonSetup';
}

/** The MIXED_DML_OPERATION message for DML on `objectName`, or null when the scope allows it (and records it). */
export function checkMixedDml(scope: MixedDmlScope, objectName: string, kind: DmlKind): string | null {
  if (kind === 'neutral') return null;
  const other = kind === 'setup' ? scope.nonSetupObject : scope.setupObject;
  if (other !== null) {
    return `DML operation on setup object is not permitted after you have updated a non-setup object (or vice versa): ${objectName}, original object: ${other}`;
  }
  if (kind === 'setup') scope.setupObject ??= objectName;
  else scope.nonSetupObject ??= objectName;
  return null;
}
