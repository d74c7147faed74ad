/**
 * The org's users: User records in the store plus what the sandbox needs to authenticate them and to answer
 * "does this user hold that custom permission" (the publishing triggers' bypass check).
 */
import { formatDateTime } from './datetime.js';
import type { IdSequence } from './ids.js';
import type { RecordStore } from './record-store.js';
import type { FieldValue, OrgSchema, SObjectRecord } from './schema.js';

export interface SandboxUser {
  readonly id: string;
  readonly username: string;
  readonly name: string;
  readonly email: string;
  readonly permissionSets: readonly string[];
  hasPermissionSet(name: string): boolean;
  /** True when one of the user's permission sets grants the custom permission (as `FeatureManagement.checkPermission`). */
  hasCustomPermission(name: string): boolean;
}

export interface UserInit {
  readonly username: string;
  readonly password?: string;
  /** Appended to the password in the OAuth username-password flow and SOAP login, as Salesforce requires. */
  readonly securityToken?: string;
  readonly firstName?: string;
  readonly lastName: string;
  readonly email?: string;
  readonly permissionSets?: readonly string[];
}

export class UnknownPermissionSetError extends Error {
  override readonly name = 'UnknownPermissionSetError';
  readonly code = 'UNKNOWN_PERMISSION_SET';
}

class User implements SandboxUser {
  constructor(
    readonly id: string,
    readonly username: string,
    readonly name: string,
    readonly email: string,
    readonly permissionSets: readonly string[],
    private readonly grants: ReadonlySet<string>,
  ) {}

  hasPermissionSet(name: string): boolean {
    return this.permissionSets.includes(name);
  }

  hasCustomPermission(name: string): boolean {
    return this.grants.has(name);
  }
}

export class UserDirectory {
  private readonly byId = new Map<string, SandboxUser>();
  private readonly byUsername = new Map<string, { user: SandboxUser; secret: string | undefined }>();

  /** `permissionSets`: permission set name -> the custom permissions it grants. */
  constructor(
    private readonly schema: OrgSchema,
    private readonly store: RecordStore,
    private readonly ids: IdSequence,
    private readonly permissionSets: ReadonlyMap<string, readonly string[]>,
    private readonly now: () => number,
  ) {}

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
    const user = new User(
      id,
      init.username,
      name,
      email,
      assigned,
      new Set(assigned.flatMap((set) => this.permissionSets.get(set) ?? [])),
    );
    const stamp = formatDateTime(this.now());
    const record: Record<string, FieldValue> = Object.fromEntries(
      this.schema.object('User')!.fields.map((field) => [field.name, null]),
    );
    Object.assign(record, {
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
    });
    this.store.put('User', record as SObjectRecord);
    this.byId.set(id, user);
    this.byUsername.set(init.username.toLowerCase(), {
      user,
      secret: init.password === undefined ? undefined : init.password + (init.securityToken ?? ''),
    });
    return user;
  }

  /** The custom permissions a permission set grants, or undefined for a permission set the org does not have. */
  customPermissionsOf(permissionSet: string): readonly string[] | undefined {
    return this.permissionSets.get(permissionSet);
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
}
