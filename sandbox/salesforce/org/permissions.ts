/**
 * Object and field permissions: what a user may do with an sObject type and with each of its fields. A user's
 * access is the union of their profile's grants and those of their permission sets (Salesforce Help, "Permission
 * Sets"; Metadata API Developer Guide, "PermissionSet": objectPermissions, fieldPermissions). Which records a user
 * sees (sharing) is not modelled. Apex enforces these permissions in user mode only (apex/user-mode.ts); the REST
 * API of the sandbox does not enforce them.
 *
 * The org has two of the standard profiles:
 * - System Administrator, every user's unless created with another (and what `UserInfo.getProfileId()` gives an
 *   Apex test that creates users): View All Data and Modify All Data give every object in full, and standard
 *   fields are visible and editable. A custom field deployed through the Metadata API without a profile (force-app
 *   ships none) is visible to no profile, the administrator's included: its field-level security comes from
 *   permission sets alone.
 * - Minimum Access - Salesforce: no object and no field; everything comes from permission sets.
 */
import type { FieldSchema, SObjectSchema } from './schema.js';

export type ObjectAccess = 'read' | 'create' | 'edit' | 'delete';

/** `<objectPermissions>` of a permission set. */
export interface ObjectPermissionGrant {
  readonly object: string;
  readonly allowRead: boolean;
  readonly allowCreate: boolean;
  readonly allowEdit: boolean;
  readonly allowDelete: boolean;
  readonly viewAllRecords: boolean;
  readonly modifyAllRecords: boolean;
}

/** `<fieldPermissions>` of a permission set; `field` is `Object.Field`. */
export interface FieldPermissionGrant {
  readonly field: string;
  readonly readable: boolean;
  readonly editable: boolean;
}

/** What one permission set grants. */
export interface PermissionSetGrants {
  readonly customPermissions: readonly string[];
  readonly objectPermissions: readonly ObjectPermissionGrant[];
  readonly fieldPermissions: readonly FieldPermissionGrant[];
}

export const PROFILE_NAMES = ['System Administrator', 'Minimum Access - Salesforce'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];
export const DEFAULT_PROFILE: ProfileName = 'System Administrator';

export function isProfileName(name: string): name is ProfileName {
  return (PROFILE_NAMES as readonly string[]).includes(name);
}

/**
 * Whether field-level security applies to the field. It does not to fields a record cannot be without (required
 * fields, master-detail fields, the name field) nor to the ones the platform keeps (Id, audit fields): they are
 * visible to whoever can see the object. Formula fields are permissionable (read-only).
 */
export function isPermissionable(field: FieldSchema): boolean {
  return field.nillable && !field.nameField && (field.custom || field.createable || field.updateable);
}

/** A user's object and field permissions. `permissionSets` is read on each check: assignments take effect at once. */
export class AccessRights {
  constructor(
    readonly profile: ProfileName,
    private readonly permissionSets: () => readonly PermissionSetGrants[],
  ) {}

  canAccess(object: SObjectSchema, access: ObjectAccess): boolean {
    if (this.profile === 'System Administrator') return true;
    const name = object.name.toLowerCase();
    return this.permissionSets().some((set) =>
      set.objectPermissions.some((grant) => grant.object.toLowerCase() === name && allows(grant, access)),
    );
  }

  canRead(object: SObjectSchema): boolean {
    return this.canAccess(object, 'read');
  }

  /** Whether field-level security lets the user see the field (access to the object is checked apart). */
  canReadField(object: SObjectSchema, field: FieldSchema): boolean {
    return this.fieldAccess(object, field, (grant) => grant.readable || grant.editable);
  }

  /** Whether field-level security lets the user set the field (whether it is createable or updateable at all is the schema's). */
  canEditField(object: SObjectSchema, field: FieldSchema): boolean {
    return this.fieldAccess(object, field, (grant) => grant.editable);
  }

  private fieldAccess(
    object: SObjectSchema,
    field: FieldSchema,
    granted: (grant: FieldPermissionGrant) => boolean,
  ): boolean {
    if (!isPermissionable(field)) return true;
    if (this.profile === 'System Administrator' && !field.custom) return true;
    const name = `${object.name}.${field.name}`.toLowerCase();
    return this.permissionSets().some((set) =>
      set.fieldPermissions.some((grant) => grant.field.toLowerCase() === name && granted(grant)),
    );
  }
}

/** Read is implied by any other object permission, edit and delete by Modify All (Salesforce Help, "Object Permissions"). */
function allows(grant: ObjectPermissionGrant, access: ObjectAccess): boolean {
  switch (access) {
    case 'read':
      return (
        grant.allowRead ||
        grant.allowCreate ||
        grant.allowEdit ||
        grant.allowDelete ||
        grant.viewAllRecords ||
        grant.modifyAllRecords
      );
    case 'create':
      return grant.allowCreate;
    case 'edit':
      return grant.allowEdit || grant.modifyAllRecords;
    case 'delete':
      return grant.allowDelete || grant.modifyAllRecords;
  }
}
