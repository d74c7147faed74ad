/**
 * The connector's own objects: the platform event the triggers publish, the hierarchy custom setting holding the
 * kill switch, the custom permission that bypasses publishing, and the sync error object with its tab and list view.
 */
import {
  BYPASS_PERMISSION,
  EVENT_FIELDS,
  KILL_SWITCH_FIELD,
  PLATFORM_EVENT,
  SETTINGS_OBJECT,
  SYNC_ERROR_OBJECT,
} from '../model/connector-fields.js';
import type { ConnectorModel } from '../model/connector-model.js';
import { FORCE_APP_DIR, type GeneratedFile } from '../generated-file.js';
import type { Renderer } from '../render.js';
import { renderCustomField, type FieldDefinition } from './custom-field.js';

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
    text(EVENT_FIELDS.transactionId, 'Transaction Id', 64, 'Shared by all parts of one change; de-duplicates it in Gentrack.'),
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

export async function renderConnectorObjects(model: ConnectorModel, renderer: Renderer): Promise<GeneratedFile[]> {
  const objectFile = async (name: string, template: string, view: object): Promise<GeneratedFile> => {
    const outputPath = `${FORCE_APP_DIR}/objects/${name}/${name}.object-meta.xml`;
    return {
      path: outputPath,
      content: await renderer.render(`metadata/${template}`, outputPath, view),
      component: { type: 'CustomObject', name },
    };
  };
  const simpleFile = async (
    outputPath: string,
    template: string,
    view: object,
    component: GeneratedFile['component'],
  ): Promise<GeneratedFile> => ({
    path: `${FORCE_APP_DIR}/${outputPath}`,
    content: await renderer.render(`metadata/${template}`, `${FORCE_APP_DIR}/${outputPath}`, view),
    component,
  });

  return Promise.all([
    objectFile(PLATFORM_EVENT, 'PlatformEvent.object-meta.xml.hbs', {
      label: 'Gentrack Object Event',
      pluralLabel: 'Gentrack Object Events',
      publishBehavior: model.event.publishBehavior,
      description: 'A change of a synced record, published by the connector triggers for the Gentrack relay.',
    }),
    ...platformEventFields(model).map((field) => renderCustomField(renderer, PLATFORM_EVENT, field, 'platformEvent')),

    objectFile(SETTINGS_OBJECT, 'CustomSetting.object-meta.xml.hbs', {
      label: 'Gentrack Connector Settings',
      description: 'Connector switches that take effect without a deployment, per org, profile or user.',
    }),
    renderCustomField(
      renderer,
      SETTINGS_OBJECT,
      {
        name: KILL_SWITCH_FIELD,
        label: 'Disable Publishing',
        type: 'Checkbox',
        defaultValue: false,
        description: 'Stops the connector triggers from publishing changes, e.g. during the initial synchronisation.',
        helpText: 'When checked, changes are not sent to Gentrack.',
      },
      'customSetting',
    ),

    simpleFile(
      `customPermissions/${BYPASS_PERMISSION}.customPermission-meta.xml`,
      'CustomPermission.customPermission-meta.xml.hbs',
      {
        label: 'Bypass Gentrack Publishing',
        description: "Changes made by holders are not published to Gentrack: grant it to the relay's integration user only.",
      },
      { type: 'CustomPermission', name: BYPASS_PERMISSION },
    ),

    objectFile(SYNC_ERROR_OBJECT, 'CustomObject.object-meta.xml.hbs', {
      label: 'Gentrack Sync Error',
      pluralLabel: 'Gentrack Sync Errors',
      nameFormat: 'GSE-{0000000}',
      nameLabel: 'Sync Error Number',
      description: 'A change that could not be published or delivered to Gentrack, for an admin to act on.',
    }),
    ...SYNC_ERROR_FIELDS.map((field) => renderCustomField(renderer, SYNC_ERROR_OBJECT, field, 'object')),
    simpleFile(
      `objects/${SYNC_ERROR_OBJECT}/listViews/All.listView-meta.xml`,
      'ListView.listView-meta.xml.hbs',
      {
        name: 'All',
        label: 'All',
        columns: ['NAME', 'Stage__c', 'Object_Type__c', 'Operation_Type__c', 'Record_Id__c', 'CREATED_DATE'],
      },
      { type: 'ListView', name: `${SYNC_ERROR_OBJECT}.All` },
    ),
    simpleFile(
      `tabs/${SYNC_ERROR_OBJECT}.tab-meta.xml`,
      'CustomTab.tab-meta.xml.hbs',
      { motif: 'Custom53: Bell', description: 'Changes that did not reach Gentrack.' },
      { type: 'CustomTab', name: SYNC_ERROR_OBJECT },
    ),
  ]);
}
