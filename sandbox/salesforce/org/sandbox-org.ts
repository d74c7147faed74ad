/**
 * A Salesforce org in memory: schema, records, users, the DML engine and its trigger hook, SOQL, custom settings
 * and the change feed. The REST server (rest/) is a thin shell over this; tests and the demo may also drive it
 * directly through the code API below, which takes the same path as REST.
 */
import {
  BYPASS_PERMISSION,
  CONNECTOR_USER_PERMISSION_SET,
  EXTERNAL_ID_FIELD,
  INTEGRATION_PERMISSION_SET,
} from '../../../model/connector-fields.js';
import { DmlError } from '../errors.js';
import { IngestJobs } from '../bulk/ingest-jobs.js';
import { DailyApiRequests } from '../auth/api-usage.js';
import { Sessions } from '../auth/sessions.js';
import { compileQuery } from '../soql/compile.js';
import { parseSoql } from '../soql/parser.js';
import { runQuery, type QueryRows } from '../soql/run-query.js';
import { buildOrgSchema, loadForceApp, type SchemaOptions } from './build-schema.js';
import { ChangeFeed } from './change-feed.js';
import { CustomSettings } from './custom-settings.js';
import { formatDateTime } from './datetime.js';
import {
  DmlEngine,
  type AfterDmlListener,
  type AppliedChange,
  type DmlResult,
  type PublishedEvent,
  type RecordValues,
} from './dml-engine.js';
import { dmlRules, ruleIndexes } from './dml-rules.js';
import { IdSequence } from './ids.js';
import { NamedCredentialCallouts } from './named-credential-callouts.js';
import { NamedCredentials, readExternalCredentials, readNamedCredentials } from './named-credentials.js';
import { OrgSettings, type OrgFeatures } from './org-settings.js';
import type { PermissionSetGrants } from './permissions.js';
import { RecordStore } from './record-store.js';
import { writeSetupRecords, type ExistingApex } from './setup-records.js';
import type { OrgSchema, SObjectRecord } from './schema.js';
import { Transactions, type TransactionLog } from './transactions.js';
import { UserDirectory, type SandboxUser, type UserInit } from './users.js';

export interface ConnectedApp {
  readonly clientId: string;
  readonly clientSecret: string;
}

export interface SandboxOrgOptions extends SchemaOptions {
  readonly orgName?: string;
  /** The administrator (defaults: admin@gentrack-sandbox.example, no permission sets). */
  readonly admin?: Partial<UserInit>;
  /** The user the relay runs as (default permission set: Gentrack_Integration_User). */
  readonly integration?: Partial<UserInit>;
  readonly connectedApp?: Partial<ConnectedApp>;
  /**
   * Permission set -> custom permissions it grants. Added over those in force-app, which are added over the
   * connector's defaults (Gentrack_Integration_User grants Gentrack_Bypass_Publishing). The object and field
   * permissions of a permission set come from force-app only.
   */
  readonly permissionSets?: Readonly<Record<string, readonly string[]>>;
  /** Daily API request allocation (default 1,000,000). */
  readonly dailyApiRequestLimit?: number;
  /** Epoch milliseconds "now" (default Date.now), for audit fields and date literals. */
  readonly clock?: () => number;
  /** Change feed capacity (default 100,000 changes). */
  readonly changeFeedLimit?: number;
  /** Largest Bulk API 2.0 upload accepted, in bytes (default 150 MB, as in an org); lower it to test splitting. */
  readonly bulkUploadLimitBytes?: number;
  /**
   * Apex the org had before force-app was deployed (an org's own TriggerHandler, Gentrack's sample connector):
   * listed as ApexClass and ApexTrigger records, never run. force-app's components of the same name replace them.
   */
  readonly existingApex?: ExistingApex;
  /** Org features turned on in Setup (Contacts to Multiple Accounts, Quotes); both on by default. */
  readonly features?: OrgFeatures;
}

export interface Credentials {
  readonly username: string;
  readonly password: string;
  readonly securityToken: string;
}

/** Options of the code API's DML methods. */
export interface CodeDmlOptions {
  /** The user making the change (default: the admin). */
  readonly as?: SandboxUser;
  /** Default true, like an Apex DML statement: any failure rolls the call back and throws DmlError. */
  readonly allOrNone?: boolean;
}

export interface PublishedEventsBatch {
  readonly eventType: string;
  readonly events: readonly SObjectRecord[];
  readonly user: SandboxUser;
}

export type EventPublishedListener = (batch: PublishedEventsBatch) => void;

const DEFAULT_PERMISSION_SETS: Readonly<Record<string, readonly string[]>> = {
  [INTEGRATION_PERMISSION_SET]: [BYPASS_PERMISSION],
  [CONNECTOR_USER_PERMISSION_SET]: [],
};

export class SandboxOrg {
  readonly id: string;
  readonly name: string;
  readonly schema: OrgSchema;
  readonly users: UserDirectory & { readonly admin: SandboxUser; readonly integration: SandboxUser };
  readonly credentials: { readonly admin: Credentials; readonly integration: Credentials };
  readonly connectedApp: ConnectedApp;
  readonly customSettings: CustomSettings;
  /** The Settings the Metadata API reads and updates; a feature that is off hides its object. */
  readonly settings: OrgSettings;
  readonly changes: ChangeFeed;
  readonly apiRequests: DailyApiRequests;
  readonly sessions: Sessions;
  /** External Credentials from force-app and the credentials stored under their principals (Connect REST API). */
  readonly namedCredentials: NamedCredentials;
  /** Apex callouts through Named Credentials (outside tests: tests answer with their HttpCalloutMock). */
  readonly callouts: NamedCredentialCallouts;
  /** The engine behind both APIs; REST uses it directly for partial-success calls and mixed-type inserts. */
  readonly dml: DmlEngine;
  /** Bulk API 2.0 ingest jobs (REST serves them; tests inject job failures here). */
  readonly bulkIngest: IngestJobs;
  /** Records and their undo journal; the Apex runtime reads and writes setup records here. */
  readonly store: RecordStore;
  /** One DML call or Apex transaction at a time; the Apex runtime runs a test method inside one and rolls it back. */
  readonly transactions: Transactions<AppliedChange, PublishedEvent>;
  /** Mints record ids (the Apex runtime mints ids of the setup records it creates). */
  readonly ids: IdSequence;
  private readonly clock: () => number;
  private readonly eventListeners: EventPublishedListener[] = [];

  constructor(options: SandboxOrgOptions = {}) {
    const metadata = loadForceApp(options);
    this.schema = buildOrgSchema(metadata, options);
    this.clock = options.clock ?? Date.now;
    this.name = options.orgName ?? 'Gentrack Sandbox Org';
    this.store = new RecordStore(this.schema, ruleIndexes(this.schema));
    const ids = new IdSequence();
    this.ids = ids;
    this.id = ids.mint('00D');
    const stamp = formatDateTime(this.clock());
    this.store.put('Organization', {
      ...Object.fromEntries(this.schema.object('Organization')!.fields.map((field) => [field.name, null])),
      Id: this.id,
      Name: this.name,
      IsDeleted: false,
      CreatedDate: stamp,
      LastModifiedDate: stamp,
      SystemModstamp: stamp,
    });

    const permissionSets = new Map<string, PermissionSetGrants>();
    const grantCustomPermissions = (name: string, customPermissions: readonly string[]) =>
      permissionSets.set(name, {
        objectPermissions: [],
        fieldPermissions: [],
        ...permissionSets.get(name),
        customPermissions,
      });
    for (const [name, granted] of Object.entries(DEFAULT_PERMISSION_SETS)) grantCustomPermissions(name, granted);
    for (const set of metadata.permissionSets) permissionSets.set(set.name, set);
    for (const [name, granted] of Object.entries(options.permissionSets ?? {})) grantCustomPermissions(name, granted);
    const directory = new UserDirectory(this.schema, this.store, ids, permissionSets, this.clock);
    const adminCredentials = {
      username: 'admin@gentrack-sandbox.example',
      password: 'Sandbox-Admin-1',
      securityToken: 'AdminToken0001',
      ...pickCredentials(options.admin),
    };
    const integrationCredentials = {
      username: 'integration@gentrack-sandbox.example',
      password: 'Sandbox-Integration-1',
      securityToken: 'IntegrationToken0001',
      ...pickCredentials(options.integration),
    };
    const admin = directory.create({ firstName: 'Sandbox', lastName: 'Admin', ...options.admin, ...adminCredentials });
    const integration = directory.create({
      firstName: 'Gentrack',
      lastName: 'Integration',
      permissionSets: [INTEGRATION_PERMISSION_SET],
      ...options.integration,
      ...integrationCredentials,
    });
    this.users = Object.assign(directory, { admin, integration });
    writeSetupRecords(metadata, options.existingApex ?? {}, {
      schema: this.schema,
      store: this.store,
      ids,
      now: this.clock(),
      createdById: admin.id,
    });
    this.credentials = { admin: adminCredentials, integration: integrationCredentials };
    this.connectedApp = {
      clientId: '3MVG9GentrackSandboxConnectedAppConsumerKey',
      clientSecret: 'GentrackSandboxConnectedAppConsumerSecret',
      ...options.connectedApp,
    };

    this.changes = new ChangeFeed(options.changeFeedLimit);
    this.apiRequests = new DailyApiRequests(options.dailyApiRequestLimit ?? 1_000_000);
    this.sessions = new Sessions(this.id);
    this.namedCredentials = new NamedCredentials(
      readExternalCredentials(options.forceAppDir),
      this.clock,
      readNamedCredentials(options.forceAppDir),
    );
    this.callouts = new NamedCredentialCallouts(this.namedCredentials, this.clock);
    this.customSettings = new CustomSettings(this.schema, this.store, this.id);
    this.transactions = new Transactions<AppliedChange, PublishedEvent>(this.store, (log) => this.committed(log));
    this.dml = new DmlEngine(
      this.schema,
      this.store,
      ids,
      this.transactions,
      dmlRules(this.schema),
      this.id,
      this.clock,
      (events) => this.deliver(events),
    );
    this.bulkIngest = new IngestJobs(
      this,
      options.bulkUploadLimitBytes === undefined ? {} : { maxUploadBytes: options.bulkUploadLimitBytes },
    );
    this.settings = new OrgSettings(options.features);
    // After the store and the rules are built over every object: a feature turned on later finds its table.
    this.schema.restrictTo((objectName) => this.settings.objectAvailable(objectName));
    this.writePermissionSetAssignments(admin.id);
  }

  /** The assignments the users were created with, as the PermissionSetAssignment records an org lists. */
  private writePermissionSetAssignments(createdById: string): void {
    const object = this.schema.object('PermissionSetAssignment');
    if (!object) return;
    const setIds = new Map(
      this.query('SELECT Id, Name FROM PermissionSet').records.map((record) => [record['Name'], record['Id']]),
    );
    const stamp = formatDateTime(this.clock());
    for (const user of this.users.all()) {
      for (const name of user.permissionSets) {
        const permissionSetId = setIds.get(name);
        if (typeof permissionSetId !== 'string') continue;
        this.store.put('PermissionSetAssignment', {
          ...Object.fromEntries(object.fields.map((field) => [field.name, null])),
          Id: this.ids.mint(object.keyPrefix),
          IsDeleted: false,
          AssigneeId: user.id,
          PermissionSetId: permissionSetId,
          CreatedDate: stamp,
          CreatedById: createdById,
          LastModifiedDate: stamp,
          LastModifiedById: createdById,
          SystemModstamp: stamp,
        } as SObjectRecord);
      }
    }
  }

  /** Registers a trigger-like listener; returns a function that removes it. */
  onAfterDml(listener: AfterDmlListener): () => void {
    return this.dml.onAfterDml(listener);
  }

  /** Platform event messages, delivered when the transaction that published them commits. */
  onEventPublished(listener: EventPublishedListener): () => void {
    this.eventListeners.push(listener);
    return () => {
      const index = this.eventListeners.indexOf(listener);
      if (index >= 0) this.eventListeners.splice(index, 1);
    };
  }

  insert(
    objectType: string,
    records: RecordValues | readonly RecordValues[],
    options: CodeDmlOptions = {},
  ): Promise<DmlResult[]> {
    return this.settle(
      this.dml.insert(
        list(records).map((values) => ({ objectType, values })),
        this.dmlOptions(options),
      ),
      options,
    );
  }

  /** Each record carries its Id. */
  update(
    objectType: string,
    records: RecordValues | readonly RecordValues[],
    options: CodeDmlOptions = {},
  ): Promise<DmlResult[]> {
    const items = list(records).map((values) => {
      const { Id, ...rest } = values as { Id?: unknown };
      return { objectType, id: String(Id ?? ''), values: rest };
    });
    return this.settle(this.dml.update(items, this.dmlOptions(options)), options);
  }

  /** Matches on `externalIdField` (default Gentrack_External_Id__c), which each record carries. */
  upsert(
    objectType: string,
    records: RecordValues | readonly RecordValues[],
    options: CodeDmlOptions & { readonly externalIdField?: string } = {},
  ): Promise<DmlResult[]> {
    return this.settle(
      this.dml.upsert(
        objectType,
        options.externalIdField ?? EXTERNAL_ID_FIELD,
        list(records),
        this.dmlOptions(options),
      ),
      options,
    );
  }

  /** Takes ids or records with an Id. */
  delete(
    objectType: string,
    records: string | RecordValues | readonly (string | RecordValues)[],
    options: CodeDmlOptions = {},
  ): Promise<DmlResult[]> {
    return this.settle(this.dml.delete(idsOf(records), { ...this.dmlOptions(options), objectType }), options);
  }

  /** Restores records from the Recycle Bin (REST has no undelete, so this is the way in for tests and the demo). */
  undelete(
    objectType: string,
    records: string | RecordValues | readonly (string | RecordValues)[],
    options?: CodeDmlOptions,
  ): Promise<DmlResult[]>;
  undelete(ids: readonly string[], user?: SandboxUser): Promise<DmlResult[]>;
  undelete(
    first: string | readonly string[],
    second?: string | RecordValues | readonly (string | RecordValues)[] | SandboxUser,
    third: CodeDmlOptions = {},
  ): Promise<DmlResult[]> {
    const [ids, options] = Array.isArray(first)
      ? [first as readonly string[], { as: second as SandboxUser | undefined }]
      : [idsOf(second as string | RecordValues | readonly (string | RecordValues)[]), third];
    const resolved: CodeDmlOptions = options.as ? options : { ...options, as: this.users.admin };
    return this.settle(this.dml.undelete(ids, this.dmlOptions(resolved)), resolved);
  }

  /** Runs SOQL; `includeDeleted` is queryAll. All rows at once (REST pages them in batches). */
  query(soql: string, options: { includeDeleted?: boolean; apiVersion?: string } = {}): QueryRows & { done: true } {
    const compiled = compileQuery(parseSoql(soql), this.schema, this.store, this.clock());
    return { ...runQuery(compiled, this.store, options), done: true };
  }

  /** The stored record (Recycle Bin included: check IsDeleted), or undefined. */
  get(objectType: string, id: string): SObjectRecord | undefined {
    const object = this.schema.object(objectType);
    return object && this.store.get(object.name, id);
  }

  /** Every issued access token stops working (jsforce then sees INVALID_SESSION_ID and logs in again). */
  expireSessions(): void {
    this.sessions.expireAll();
  }

  now(): number {
    return this.clock();
  }

  private dmlOptions(options: CodeDmlOptions): { user: SandboxUser; allOrNone: boolean } {
    return { user: options.as ?? this.users.admin, allOrNone: options.allOrNone ?? true };
  }

  private async settle(pending: Promise<DmlResult[]>, options: CodeDmlOptions): Promise<DmlResult[]> {
    const results = await pending;
    if ((options.allOrNone ?? true) && results.some((result) => !result.success)) throw new DmlError(results);
    return results;
  }

  private committed(log: TransactionLog<AppliedChange, PublishedEvent>): void {
    this.changes.append(log.changes);
    for (const change of log.changes) {
      if (change.objectType !== 'PermissionSetAssignment') continue;
      const record = change.new ?? change.old;
      const permissionSet = record && this.store.get('PermissionSet', String(record['PermissionSetId']));
      if (!record || !permissionSet) continue;
      const name = String(permissionSet['Name']);
      if (change.operation === 'insert') this.users.assign(String(record['AssigneeId']), name);
      if (change.operation === 'delete') this.users.unassign(String(record['AssigneeId']), name);
    }
    this.deliver(log.events);
  }

  /** Hands published messages to the listeners, one batch per event type and publishing user. */
  private deliver(events: readonly PublishedEvent[]): void {
    if (events.length === 0) return;
    const batches = new Map<string, PublishedEvent[]>();
    for (const event of events) {
      const key = `${event.eventType}\u0000${event.user.id}`;
      let batch = batches.get(key);
      if (!batch) batches.set(key, (batch = []));
      batch.push(event);
    }
    for (const batch of batches.values()) {
      const { eventType, user } = batch[0]!;
      for (const listener of [...this.eventListeners])
        listener({ eventType, events: batch.map((entry) => entry.event), user });
    }
  }
}

export function createSandboxOrg(options: SandboxOrgOptions = {}): SandboxOrg {
  return new SandboxOrg(options);
}

function list(records: RecordValues | readonly RecordValues[]): readonly RecordValues[] {
  return Array.isArray(records) ? (records as readonly RecordValues[]) : [records as RecordValues];
}

function idsOf(records: string | RecordValues | readonly (string | RecordValues)[]): string[] {
  const items = Array.isArray(records)
    ? (records as readonly (string | RecordValues)[])
    : [records as string | RecordValues];
  return items.map((item) => (typeof item === 'string' ? item : String((item as { Id?: unknown }).Id ?? '')));
}

function pickCredentials(init: Partial<UserInit> | undefined): Partial<Credentials> {
  return {
    ...(init?.username ? { username: init.username } : {}),
    ...(init?.password ? { password: init.password } : {}),
    ...(init?.securityToken ? { securityToken: init.securityToken } : {}),
  };
}
