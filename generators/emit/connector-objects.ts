/**
 * The connector's own objects: the platform event the triggers publish, the hierarchy custom setting holding the
 * kill switch, the custom permission that bypasses publishing, and the sync error object with its tab and list view.
 */
import {
  BYPASS_PERMISSION,
  KILL_SWITCH_FIELD,
  PLATFORM_EVENT,
  SETTINGS_OBJECT,
  SYNC_ERROR_OBJECT,
} from '../../model/connector-fields.js';
import { platformEventFields, SYNC_ERROR_FIELDS } from '../../model/connector-metadata.js';
import type { ConnectorModel } from '../../model/connector-model.js';
import { FORCE_APP_DIR, type GeneratedFile } from '../generated-file.js';
import type { Renderer } from '../render.js';
import { renderCustomField } from './custom-field.js';

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
        description:
          "Changes made by holders are not published to Gentrack: grant it to the relay's integration user only.",
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
