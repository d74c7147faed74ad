/**
 * What an org must have for the connector, computed from the connector model and the generators' own field
 * definitions (so validate-org can never expect something the generated metadata does not deploy): the synced
 * objects with their mapped and connector fields, the platform event, the kill-switch setting, the sync error
 * object, the permission sets, the triggers, and the features the model relies on.
 */
import { triggerNameOf } from '../../../model/apex-names.js';
import {
  connectorFieldsOf,
  platformEventFields,
  SYNC_ERROR_FIELDS,
  type FieldDefinition,
} from '../../../model/connector-metadata.js';
import {
  CONNECTOR_USER_PERMISSION_SET,
  INTEGRATION_PERMISSION_SET,
  KILL_SWITCH_FIELD,
  PLATFORM_EVENT,
  SETTINGS_OBJECT,
  SYNC_ERROR_OBJECT,
} from '../../../model/connector-fields.js';
import type { ConnectorModel } from '../../../model/connector-model.js';
import { DESCRIBE_TYPE_OF_CUSTOM } from '../../../model/resolve-model.js';
import type { DescribeFieldType } from '../../../model/standard-objects.js';

export type ObjectRole = 'synced' | 'platformEvent' | 'customSetting' | 'connector';

export interface ObjectExpectation {
  readonly name: string;
  readonly role: ObjectRole;
}

export interface FieldExpectation {
  readonly object: string;
  readonly field: string;
  readonly type: DescribeFieldType;
  /** True for fields the generator creates (they come with the deployment), false for standard fields. */
  readonly generated: boolean;
  readonly length?: number;
  readonly precision?: number;
  readonly scale?: number;
  readonly externalId?: boolean;
  readonly unique?: boolean;
  readonly caseSensitive?: boolean;
  /** Values the connector writes; the org's picklist must offer each. */
  readonly picklistValues?: readonly string[];
}

export interface FeatureExpectation {
  /** As Setup names it. */
  readonly name: string;
  /** The object that exists (is describable) only when the feature is on. */
  readonly object: string;
  readonly fix: string;
}

export interface OrgExpectations {
  readonly objects: readonly ObjectExpectation[];
  readonly fields: readonly FieldExpectation[];
  readonly permissionSets: readonly string[];
  readonly triggers: readonly { readonly name: string; readonly object: string }[];
  readonly features: readonly FeatureExpectation[];
}

export const FEATURES: readonly FeatureExpectation[] = [
  {
    name: 'Contacts to Multiple Accounts',
    object: 'AccountContactRelation',
    fix: 'Setup > Account Settings > Allow users to relate a contact to multiple accounts (scratch orgs: feature ContactsToMultipleAccounts and accountSettings.enableRelateContactToMultipleAccounts)',
  },
  {
    name: 'Quotes',
    object: 'Quote',
    fix: 'Setup > Quote Settings > Enable Quotes (scratch orgs: quoteSettings.enableQuote)',
  },
];

export function orgExpectations(model: ConnectorModel): OrgExpectations {
  const objects: ObjectExpectation[] = [];
  const fields: FieldExpectation[] = [];
  for (const object of model.objects) {
    objects.push({ name: object.name, role: 'synced' });
    for (const field of object.fields) {
      if (field.custom)
        fields.push(generatedField(object.name, { ...field.custom, name: field.name, description: '' }));
      else fields.push({ object: object.name, field: field.name, type: field.describeType, generated: false });
    }
    for (const field of connectorFieldsOf(object)) fields.push(generatedField(object.name, field));
  }
  objects.push({ name: PLATFORM_EVENT, role: 'platformEvent' });
  for (const field of platformEventFields(model)) fields.push(generatedField(PLATFORM_EVENT, field));
  objects.push({ name: SETTINGS_OBJECT, role: 'customSetting' });
  fields.push({ object: SETTINGS_OBJECT, field: KILL_SWITCH_FIELD, type: 'boolean', generated: true });
  objects.push({ name: SYNC_ERROR_OBJECT, role: 'connector' });
  for (const field of SYNC_ERROR_FIELDS) fields.push(generatedField(SYNC_ERROR_OBJECT, field));
  return {
    objects,
    fields,
    permissionSets: [INTEGRATION_PERMISSION_SET, CONNECTOR_USER_PERMISSION_SET],
    triggers: model.objects.map((object) => ({ name: triggerNameOf(model, object), object: object.name })),
    features: FEATURES,
  };
}

/** The describe facts a generated field definition turns into once deployed. */
function generatedField(object: string, field: FieldDefinition): FieldExpectation {
  const type = DESCRIBE_TYPE_OF_CUSTOM[field.type];
  const expectation: { -readonly [K in keyof FieldExpectation]: FieldExpectation[K] } = {
    object,
    field: field.name,
    type,
    generated: true,
  };
  if (field.type === 'Text' || field.type === 'LongTextArea') expectation.length = field.length!;
  if (field.type === 'TextArea') expectation.length = 255;
  if (field.type === 'Number' || field.type === 'Currency' || field.type === 'Percent') {
    if (field.precision !== undefined) expectation.precision = field.precision;
    expectation.scale = field.scale ?? 0;
  }
  if (field.type === 'Picklist' && field.values) expectation.picklistValues = field.values;
  if (field.externalId) Object.assign(expectation, { externalId: true, unique: true, caseSensitive: false });
  return expectation;
}
