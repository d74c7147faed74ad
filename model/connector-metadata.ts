/**
 * The fields the connector deploys besides the model's own: the External ID and sync status fields on each synced
 * object, the platform event's fields and the sync error object's. The generators emit them and validate-org expects
 * them, from this one definition, so the org check can never expect what the metadata does not deploy.
 */
import {
  EVENT_FIELDS,
  EXTERNAL_ID_FIELD,
  LAST_ERROR_FIELD,
  LAST_SYNCED_FIELD,
  SYNC_STATUS_FIELD,
  SYNC_STATUS_VALUES,
} from './connector-fields.js';
import type { ConnectorModel, CustomFieldSpec, SyncedObject } from './connector-model.js';

export interface FieldDefinition extends CustomFieldSpec {
  readonly name: string;
  readonly description: string;
  readonly helpText?: string;
  readonly externalId?: boolean;
}

export function connectorFieldsOf(object: SyncedObject): FieldDefinition[] {
  return [
    {
      name: EXTERNAL_ID_FIELD,
      type: 'Text',
      label: object.externalId.label,
      length: object.externalId.length,
      externalId: true,
      description: object.externalId.description,
      helpText: `The reference of this ${object.label.toLowerCase()} in Gentrack. Set by the Gentrack relay.`,
    },
    {
      name: SYNC_STATUS_FIELD,
      type: 'Picklist',
      label: 'Gentrack Sync Status',
      values: SYNC_STATUS_VALUES,
      description: 'Outcome of the last synchronisation with Gentrack, written by the Gentrack relay.',
    },
    {
      name: LAST_SYNCED_FIELD,
      type: 'DateTime',
      label: 'Gentrack Last Synced',
      description: 'When the Gentrack relay last synchronised this record successfully.',
    },
    {
      name: LAST_ERROR_FIELD,
      type: 'LongTextArea',
      label: 'Gentrack Last Error',
      length: 4000,
      description: 'The error of the last failed synchronisation with Gentrack; empty after a success.',
    },
  ];
}

/** The event fields: the four the Gentrack setup guide names, then what reassembly, ordering and audit need. */
export function platformEventFields(model: ConnectorModel): FieldDefinition[] {
  const payload = (name: string, label: string, description: string): FieldDefinition => ({
    name,
    label,
    type: 'LongTextArea',
    length: model.event.payloadFieldLength,
    description,
  });
  const text = (name: string, label: string, length: number, description: string): FieldDefinition => ({
    name,
    label,
    type: 'Text',
    length,
    description,
  });
  const partNumber = (name: string, label: string, description: string): FieldDefinition => ({
    name,
    label,
    type: 'Number',
    precision: 4,
    scale: 0,
    description,
  });
  return [
    text(EVENT_FIELDS.operationType, 'Operation Type', 64, 'INSERT, UPDATE, DELETE or UNDELETE.'),
    text(EVENT_FIELDS.objectType, 'Object Type', 64, 'API name of the changed object, e.g. Account.'),
    payload(EVENT_FIELDS.oldPayload, 'Old Payload', 'JSON of the tracked fields before the change (this part).'),
    payload(EVENT_FIELDS.newPayload, 'New Payload', 'JSON of the tracked fields after the change (this part).'),
    text(EVENT_FIELDS.recordId, 'Record Id', 18, 'Id of the changed record.'),
    text(
      EVENT_FIELDS.transactionId,
      'Transaction Id',
      64,
      'Shared by all parts of one change; de-duplicates it in Gentrack.',
    ),
    partNumber(EVENT_FIELDS.partNumber, 'Part Number', 'Which part of a split payload this message carries, from 1.'),
    partNumber(EVENT_FIELDS.partTotal, 'Part Total', 'How many parts the payload of this change was split into.'),
    payload(EVENT_FIELDS.changedFields, 'Changed Fields', 'Comma-separated tracked fields an update changed.'),
    text(EVENT_FIELDS.changedBy, 'Changed By', 80, 'Username of the user who made the change (X-On-Behalf-Of).'),
    {
      name: EVENT_FIELDS.changedAt,
      label: 'Changed At',
      type: 'DateTime',
      description: 'When the change was made (X-Transaction-Date-Time).',
    },
  ];
}

export const SYNC_ERROR_FIELDS: readonly FieldDefinition[] = [
  {
    name: 'Stage__c',
    label: 'Stage',
    type: 'Picklist',
    values: ['Publish', 'Delivery'],
    description: 'Where the change failed: publishing in Salesforce, or delivery to Gentrack.',
  },
  { name: 'Object_Type__c', label: 'Object Type', type: 'Text', length: 64, description: 'Object of the record.' },
  { name: 'Operation_Type__c', label: 'Operation Type', type: 'Text', length: 64, description: 'The change.' },
  { name: 'Record_Id__c', label: 'Record Id', type: 'Text', length: 18, description: 'The record to sync again.' },
  {
    name: 'Transaction_Id__c',
    label: 'Transaction Id',
    type: 'Text',
    length: 64,
    description: 'Transaction id of the change, as sent to Gentrack.',
  },
  { name: 'Event_Uuid__c', label: 'Event UUID', type: 'Text', length: 64, description: 'EventUuid of the message.' },
  {
    name: 'Message__c',
    label: 'Message',
    type: 'LongTextArea',
    length: 32768,
    description: 'What went wrong and what to do about it.',
  },
];
