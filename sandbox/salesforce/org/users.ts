/**
 * The org's users: User records in the store plus what the sandbox needs to authenticate them and to answer what
 * they may do: "does this user hold that custom permission" (the publishing triggers' bypass check) and their
 * object and field permissions (permissions.ts), from their profile and permission sets. The two profiles the org
 * has are Profile records, so Apex tests can pick one by name.
 */
import { formatDateTime } from './datetime.js';
import type { IdSequence } from './ids.js';
import {
  AccessRights,
  DEFAULT_PROFILE,
  PROFILE_NAMES,
  type PermissionSetGrants,
  type ProfileName,
} from './permissions.js';
import type { RecordStore } from './record-store.js';
import type { FieldValue, OrgSchema, SObjectRecord } from './schema.js';

export interface SandboxUser {
  readonly id: string;
  readonly username: string;
  readonly name: string;
  readonly email: string;
  readonly profile: ProfileName;
  readonly permissionSets: readonly string[];
  /** Object and field permissions of the profile and the permission sets (enforced by Apex in user mode). */
  readonly access: AccessRights;
  hasPermissionSet(name: string): boolean;
  /** True when one of the user's permission sets grants the custom permission (as `FeatureManagement.checkPermission`). */
  hasCustomPermission(name: string): boolean;
}

/** A user whose permission sets can still grow (a user an Apex test inserts, then assigns permission sets to). */
export interface AssignableUser extends SandboxUser {
  readonly permissionSets: string[];
}

export interface UserInit {
  readonly username: string;
  readonly password?: string;
  /** Appended to the password in the OAuth username-password flow and SOAP login, as Salesforce requires. */
  readonly securityToken?: string;
  readonly firstName?: string;
  readonly lastName: string;
  readonly email?: string;
  /** Default System Administrator. */
  readonly profile?: ProfileName;
  readonly permissionSets?: readonly string[];
}

export class UnknownPermissionSetError extends Error {
  override readonly name = 'UnknownPermissionSetError';
  readonly code = 'UNKNOWN_PERMISSION_SET';
}

class User implements AssignableUser {
  readonly access: AccessRights;

  constructor(
    readonly id: string,
    readonly username: string,
    readonly name: string,
    readonly email: string,
    readonly profile: ProfileName,
    readonly permissionSets: string[],
    private readonly grants: ReadonlyMap<string, PermissionSetGrants>,
  ) {
    this.access = new AccessRights(profile, () => this.heldGrants());
  }

  hasPermissionSet(name: string): boolean {
    return this.permissionSets.includes(name);
  }

  hasCustomPermission(name: string): boolean {
    return this.heldGrants().some((set) => set.customPermissions.includes(name));
  }

  private heldGrants(): PermissionSetGrants[] {
    return this.permissionSets.flatMap((set) => this.grants.get(set) ?? []);
  }
}

export class UserDirectory {
  private readonly byId = new Map<string, AssignableUser>();
  private readonly byUsername = new Map<string, { user: SandboxUser; secret: string | undefined }>();
  private readonly profileIds = new Map<ProfileName, string>();

  /** `permissionSets`: permission set name -> what it grants. Writes the Profile records. */
  constructor(
    private readonly schema: OrgSchema,
    private readonly store: RecordStore,
    private readonly ids: IdSequence,
    private readonly permissionSets: ReadonlyMap<string, PermissionSetGrants>,
    private readonly now: () => number,
  ) {
    const profile = schema.object('Profile');
    for (const name of PROFILE_NAMES) {
      const id = ids.mint(profile?.keyPrefix ?? '00e');
      this.profileIds.set(name, id);
      if (profile) this.store.put('Profile', this.blankRecord('Profile', { Id: id, Name: name, IsDeleted: false }));
    }
  }

  /** Creates a user directly (setup, not DML: no trigger sees it). */
  create(init: UserInit): SandboxUser {
    const assigned = init.permissionSets ?? [];
    for (const name of assigned) {
      if (!this.permissionSets.has(name)) {
        throw new UnknownPermissionSetError(
          `permission set ${name} does not exist in the org (known: ${[...this.permissionSets.keys()].join(', ')})`,
        );
      }
    }
    const id = this.ids.mint(this.schema.object('User')!.keyPrefix);
    const name = [init.firstName, init.lastName].filter(Boolean).join(' ');
    const email = init.email ?? init.username;
    const user = this.unlisted({
      id,
      username: init.username,
      name,
      email,
      profile: init.profile ?? DEFAULT_PROFILE,
      permissionSets: assigned,
    });
    const stamp = formatDateTime(this.now());
    this.store.put(
      'User',
      this.blankRecord('User', {
        Id: id,
        IsDeleted: false,
        Username: init.username,
        FirstName: init.firstName ?? null,
        LastName: init.lastName,
        Name: name,
        Email: email,
        IsActive: true,
        CreatedDate: stamp,
        LastModifiedDate: stamp,
        SystemModstamp: stamp,
        CreatedById: id,
        LastModifiedById: id,
      }),
    );
    this.byId.set(id, user);
    this.byUsername.set(init.username.toLowerCase(), {
      user,
      secret: init.password === undefined ? undefined : init.password + (init.securityToken ?? ''),
    });
    return user;
  }

  /**
   * A user the directory does not keep: one an Apex transaction inserts (its User record is the transaction's, and
   * goes with it). Its permission sets are those named when it is made, and those pushed onto it afterwards.
   */
  unlisted(init: {
    readonly id: string;
    readonly username: string;
    readonly name: string;
    readonly email: string;
    readonly profile: ProfileName;
    readonly permissionSets?: readonly string[];
  }): AssignableUser {
    return new User(
      init.id,
      init.username,
      init.name,
      init.email,
      init.profile,
      [...(init.permissionSets ?? [])],
      this.permissionSets,
    );
  }

  /** A committed PermissionSetAssignment (REST or Setup): the user holds the permission set from now on. */
  assign(userId: string, permissionSet: string): void {
    const user = this.byId.get(userId);
    if (user && !user.permissionSets.includes(permissionSet)) user.permissionSets.push(permissionSet);
  }

  /** A deleted PermissionSetAssignment. */
  unassign(userId: string, permissionSet: string): void {
    const user = this.byId.get(userId);
    const index = user ? user.permissionSets.indexOf(permissionSet) : -1;
    if (index >= 0) user!.permissionSets.splice(index, 1);
  }

  /** The id of the profile's Profile record. */
  profileId(profile: ProfileName): string {
    return this.profileIds.get(profile)!;
  }

  /** The profile whose Profile record has this id, or undefined. */
  profileWithId(id: string): ProfileName | undefined {
    const id15 = id.slice(0, 15);
    return PROFILE_NAMES.find((name) => this.profileIds.get(name)!.slice(0, 15) === id15);
  }

  get(id: string): SandboxUser | undefined {
    return this.byId.get(id);
  }

  findByUsername(username: string): SandboxUser | undefined {
    return this.byUsername.get(username.toLowerCase())?.user;
  }

  /** `passwordAndToken` is the password with the security token appended. */
  authenticate(username: string, passwordAndToken: string): SandboxUser | undefined {
    const entry = this.byUsername.get(username.toLowerCase());
    return entry?.secret !== undefined && entry.secret === passwordAndToken ? entry.user : undefined;
  }

  all(): readonly SandboxUser[] {
    return [...this.byId.values()];
  }

  private blankRecord(objectType: string, values: Record<string, FieldValue>): SObjectRecord {
    const record: Record<string, FieldValue> = Object.fromEntries(
      this.schema.object(objectType)!.fields.map((field) => [field.name, null]),
    );
    return Object.assign(record, values) as SObjectRecord;
  }
}
