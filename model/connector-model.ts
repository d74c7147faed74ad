/**
 * The connector model after validation: every default filled in, every name resolved. Generators, the relay and
 * the sandbox read this shape, never the raw YAML.
 */
import type { DescribeFieldType } from './standard-objects.js';
import type { CustomFieldType, DmlOperation, Master } from './schema.js';
import type { GentrackOperationName, GentrackReadOperationName } from './gentrack-operations.js';
import type { InboundModel } from './inbound-model.js';
import type { GentrackApiAccess } from './gentrack-api-access.js';

export interface ConnectorModel {
  /** Path of the model file relative to the project root, quoted in generated headers. */
  readonly sourcePath: string;
  readonly apiVersion: string;
  readonly event: {
    readonly publishBehavior: 'PublishImmediately' | 'PublishAfterCommit';
    readonly payloadFieldLength: number;
  };
  readonly objects: readonly SyncedObject[];
  /** Names of the generated Apex (see apex-names.ts). */
  readonly apex: { readonly namePrefix: string };
  /** How Salesforce reaches the relay for on-demand syncs; absent when the model asks for none. */
  readonly relay?: RelayEndpoint;
  /** How Gentrack's webhook events change Salesforce records; absent when the model maps none. */
  readonly inbound?: InboundModel;
  /** Which Gentrack operations Salesforce may call through the relay's gateway; absent: none. */
  readonly gentrackApi?: GentrackApiAccess;
}

export interface RelayEndpoint {
  /** The relay's public https address, without a trailing slash. */
  readonly baseUrl: string;
  /** The relay's tenantId: the `:id` in /v1/salesforce/instances/:id. */
  readonly tenantId: string;
  /** Objects that can be synced on demand, in model order. */
  readonly onDemandSync: readonly OnDemandSyncObject[];
}

export interface OnDemandSyncObject {
  readonly object: string;
  /** The Gentrack call that reads one entity of this object by its reference. */
  readonly read: {
    readonly operation: GentrackReadOperationName;
    readonly method: 'GET';
    /** Path below the tenant's base URI, with `{ref}` where the Gentrack reference goes. */
    readonly path: string;
  };
}

export interface SyncedObject {
  readonly name: string;
  readonly label: string;
  readonly pluralLabel: string;
  readonly externalId: {
    readonly field: string;
    readonly label: string;
    readonly length: number;
    readonly description: string;
    /** Property path of the reference in Gentrack records (extracts, responses); absent when the model gives none. */
    readonly gentrackPath?: string;
  };
  /** Every mapped field, in model order. */
  readonly fields: readonly MappedField[];
  readonly operations: Readonly<Partial<Record<DmlOperation, readonly OperationRule[]>>>;
  /** DML operations the trigger listens to: the ones the model maps onto Gentrack. */
  readonly triggerEvents: readonly DmlOperation[];
}

export interface MappedField {
  readonly name: string;
  readonly master: Master;
  /** Salesforce-mastered fields are published on change; Gentrack-mastered ones are only written by the relay. */
  readonly tracked: boolean;
  readonly gentrackPath: string;
  readonly describeType: DescribeFieldType;
  /** Set when the field is a lookup whose Gentrack reference (the parent's External ID) goes into the payload. */
  readonly references?: { readonly object: string; readonly field: string };
  /** Set for fields the generator creates. */
  readonly custom?: CustomFieldSpec;
}

export interface CustomFieldSpec {
  readonly type: CustomFieldType;
  readonly label: string;
  readonly description?: string;
  readonly length?: number;
  readonly precision?: number;
  readonly scale?: number;
  readonly visibleLines?: number;
  readonly values?: readonly string[];
  readonly defaultValue?: boolean;
}

export interface OperationRule {
  readonly operation: GentrackOperationName;
  readonly method: 'POST' | 'PUT' | 'DELETE';
  /** Path below the tenant's base URI, with `{ref}` where the reference goes. */
  readonly path: string;
  /** Update rules fire when one of these changed; undefined means any tracked field. */
  readonly whenChanged?: readonly string[];
  /** The field whose Gentrack reference fills `{ref}`: the External ID or a reference field. */
  readonly ref?: string;
  /** Salesforce field -> property path in Gentrack's response. */
  readonly writeBack: Readonly<Record<string, string>>;
}

export function findObject(model: ConnectorModel, name: string): SyncedObject | undefined {
  return model.objects.find((object) => object.name === name);
}

export function trackedFields(object: SyncedObject): readonly MappedField[] {
  return object.fields.filter((field) => field.tracked);
}

export function gentrackMasteredFields(object: SyncedObject): readonly MappedField[] {
  return object.fields.filter((field) => !field.tracked);
}

export function customFields(object: SyncedObject): readonly (MappedField & { custom: CustomFieldSpec })[] {
  return object.fields.filter((field): field is MappedField & { custom: CustomFieldSpec } => !!field.custom);
}

export function onDemandSyncObject(model: ConnectorModel, name: string): OnDemandSyncObject | undefined {
  return model.relay?.onDemandSync.find((entry) => entry.object === name);
}
