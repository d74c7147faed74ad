/**
 * The fields the connector adds to each synced object: the External ID that reconciles a record with Gentrack, the
 * sync status fields the relay writes back, and the custom fields the model declares.
 */
import { connectorFieldsOf } from '../../model/connector-metadata.js';
import { customFields, type ConnectorModel } from '../../model/connector-model.js';
import type { GeneratedFile } from '../generated-file.js';
import type { Renderer } from '../render.js';
import { renderCustomField } from './custom-field.js';

export async function renderSyncedObjectFields(model: ConnectorModel, renderer: Renderer): Promise<GeneratedFile[]> {
  const files: Promise<GeneratedFile>[] = [];
  for (const object of model.objects) {
    for (const field of connectorFieldsOf(object)) {
      files.push(renderCustomField(renderer, object.name, field, 'object'));
    }
    for (const field of customFields(object)) {
      const master =
        field.master === 'Gentrack'
          ? 'Mastered by Gentrack: written by the Gentrack relay.'
          : 'Mastered by Salesforce: changes are sent to Gentrack.';
      files.push(
        renderCustomField(
          renderer,
          object.name,
          {
            ...field.custom,
            name: field.name,
            description: field.custom.description ?? `${field.custom.label}. ${master}`,
          },
          'object',
        ),
      );
    }
  }
  return Promise.all(files);
}
