/**
 * The connector model after validation: every default filled in, every name resolved. Generators, the relay and
 * the sandbox read this shape, never the raw YAML.
 */
import type { DescribeFieldType } from './standard-objects.js';
import type { CustomFieldType, DmlOperation, Master } from './schema.js';
import type { GentrackOperationName } from './gentrack-operations.js';

export interface ConnectorModel {
  /** Path of the model file relative to the project root, quoted in generated headers. */
  readonly sourcePath: string;
  readonly apiVersion: string;
  readonly event: {
    readonly publishBehavior: 'PublishImmediately' | 'PublishAfterCommit';
    readonly payloadFieldLength: number;
  };
  readonly objects: readonly SyncedObject[];
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
