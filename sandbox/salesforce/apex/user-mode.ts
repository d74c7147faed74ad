/**
 * Apex user mode (Apex Developer Guide, "Enforce User Mode for Database Operations"): a query `WITH USER_MODE`, a
 * DML statement `as user` and a Database DML method given `AccessLevel.USER_MODE` respect the running user's object
 * permissions and field-level security (org/permissions.ts: profile and permission sets). System mode, the default
 * of the API 62.0 classes this project generates ("Apex Versioned Behavior Changes": user mode becomes the default at
 * 67.0), ignores both. `with sharing` changes neither: it is about which records, and sharing is not modelled.
 *
 * - A query: an object or field the user cannot read, in any clause (SELECT, WHERE, ORDER BY), does not exist for
 *   it, and Salesforce says so in the words it uses for unknown names (`System.QueryException: No such column ...`,
 *   `sObject type '...' is not supported. ...`): the SOQL compiler does that, given the user's access.
 * - DML: an object the user may not create, edit or delete throws System.SecurityException naming the object (the
 *   guide's example catches SecurityException and checks the message names the object; the words `Access to entity
 *   '<object>' denied` are those orgs are reported to give). A record that sets a field the user may not create or
 *   edit (or that no one may: a formula, a master-detail field on update) fails the guide's way: all or none,
 *   `System.DmlException: Operation failed due to fields being inaccessible on Sobject <object>, check errors on
 *   Exception or Result!` and nothing is written; with allOrNone false, that record's result names the fields (the
 *   guide: "SaveResult.getErrors().getFields()") and the other records are saved. The code and message of that
 *   result are the API's for a field the user may not write (INVALID_FIELD_FOR_INSERT_UPDATE): the guide names
 *   neither.
 */
import type { ObjectAccess } from '../org/permissions.js';
import type { OrgSchema, SObjectSchema } from '../org/schema.js';
import type { SandboxUser } from '../org/users.js';

/** System mode (the default) or user mode. */
export type AccessMode = 'system' | 'user';

const ACCESS_OF: Record<'insert' | 'update' | 'delete', ObjectAccess> = {
  insert: 'create',
  update: 'edit',
  delete: 'delete',
};

/** The SecurityException message when `user` may not do `operation` on the object, or null when they may. */
export function objectAccessDenied(
  user: SandboxUser,
  object: SObjectSchema,
  operation: 'insert' | 'update' | 'delete',
): string | null {
  return user.access.canAccess(object, ACCESS_OF[operation]) ? null : `Access to entity '${object.name}' denied`;
}

/**
 * The fields among `fieldNames` (which a record sets) that the user may not set in `operation`, by their schema
 * names; names the schema does not know are left to the DML engine.
 */
export function inaccessibleFields(
  user: SandboxUser,
  schema: OrgSchema,
  objectName: string,
  fieldNames: readonly string[],
  operation: 'insert' | 'update',
): string[] {
  const object = schema.object(objectName);
  if (!object) return [];
  const refused: string[] = [];
  for (const name of fieldNames) {
    const field = object.field(name);
    if (!field) continue;
    const writable = operation === 'insert' ? field.createable : field.updateable;
    if (!writable || !user.access.canEditField(object, field)) refused.push(field.name);
  }
  return refused;
}

/** The DmlException an all-or-none user-mode DML throws when a record sets a field the user may not set. */
export function inaccessibleFieldsMessage(objectName: string): string {
  return `Operation failed due to fields being inaccessible on Sobject ${objectName}, check errors on Exception or Result!`;
}
