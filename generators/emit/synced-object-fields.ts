/**
 * The fields the connector adds to each synced object: the External ID that reconciles a record with Gentrack, the
 * sync status fields the relay writes back, and the custom fields the model declares.
 */
import {
  EXTERNAL_ID_FIELD,
  LAST_ERROR_FIELD,
  LAST_SYNCED_FIELD,
  SYNC_STATUS_FIELD,
  SYNC_STATUS_VALUES,
} from '../model/connector-fields.js';
import { customFields, type ConnectorModel, type SyncedObject } from '../model/connector-model.js';
import type { GeneratedFile } from '../generated-file.js';
import type { Renderer } from '../render.js';
import { renderCustomField, type FieldDefinition } from './custom-field.js';

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

export async function renderSyncedObjectFields(model: ConnectorModel, renderer: Renderer): Promise<GeneratedFile[]> {
  const files: Promise<GeneratedFile>[] = [];
  for (const object of model.objects) {
    for (const field of connectorFieldsOf(object)) {
      files.push(renderCustomField(renderer, object.name, field, 'object'));
    }
    for (const field of customFields(object)) {
      const master = field.master === 'Gentrack' ? 'Mastered by Gentrack: written by the Gentrack relay.' : 'Mastered by Salesforce: changes are sent to Gentrack.';
      files.push(
        renderCustomField(
          renderer,
          object.name,
          { ...field.custom, name: field.name, description: field.custom.description ?? `${field.custom.label}. ${master}` },
          'object',
        ),
      );
    }
  }
  return Promise.all(files);
}
