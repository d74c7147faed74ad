/**
 * The "Sync with Gentrack" button: the Apex controller that calls the relay through the Named Credential (with its
 * test), the LWC for the model's on-demand objects (record pages and quick actions) with its Jest tests, and a quick
 * action per object that admins can add to page layouts. Nothing is generated when the model has no `relay` key.
 */
import {
  CONNECTOR_USER_PERMISSION_SET,
  EXTERNAL_ID_FIELD,
  LAST_SYNCED_FIELD,
  RELAY_NAMED_CREDENTIAL,
  SYNC_BUTTON_COMPONENT,
  SYNC_CONTROLLER_CLASS,
  SYNC_STATUS_FIELD,
  RELAY_API_PATH,
  relayInstancePath,
} from '../../model/connector-fields.js';
import { triggerHandlerNameOf } from '../../model/apex-names.js';
import type { ConnectorModel } from '../../model/connector-model.js';
import { FORCE_APP_DIR, type GeneratedFile } from '../generated-file.js';
import type { Renderer } from '../render.js';
import { apexClass } from './apex.js';
import { renderLwcBundle } from './lwc-bundle.js';

/** A well-formed record id of the first on-demand object, for the Jest tests (no record has it). */
export const SYNC_QUICK_ACTION = 'Sync_with_Gentrack';

const TEST_RECORD_IDS: Record<string, string> = { Account: '001000000000001AAA', Contact: '003000000000001AAA' };

export async function renderSyncButton(model: ConnectorModel, renderer: Renderer): Promise<GeneratedFile[]> {
  if (!model.relay) return [];
  const objects = model.relay.onDemandSync.map((entry) => entry.object);
  const view = {
    objects,
    objectList: objects.join(' and '),
    object: objects[0]!,
    recordId: TEST_RECORD_IDS[objects[0]!] ?? '001000000000001AAA',
    controller: SYNC_CONTROLLER_CLASS,
    namedCredential: RELAY_NAMED_CREDENTIAL,
    // The Named Credential's URL ends in /v1 (the gateway is beside the instances): the rest of the jobs' path.
    jobsPath: `${relayInstancePath(model.relay.tenantId).slice(RELAY_API_PATH.length)}/sync-jobs`,
    externalIdField: EXTERNAL_ID_FIELD,
    syncStatusField: SYNC_STATUS_FIELD,
    lastSyncedField: LAST_SYNCED_FIELD,
    connectorUserPermissionSet: CONNECTOR_USER_PERMISSION_SET,
    apiVersion: model.apiVersion,
    triggerHandler: triggerHandlerNameOf(model),
  };

  const quickAction = async (object: string): Promise<GeneratedFile> => {
    const outputPath = `${FORCE_APP_DIR}/quickActions/${object}.${SYNC_QUICK_ACTION}.quickAction-meta.xml`;
    return {
      path: outputPath,
      content: await renderer.render('metadata/QuickAction.quickAction-meta.xml.hbs', outputPath, {
        label: 'Sync with Gentrack',
        description: `Sends this ${object} to Gentrack, or fetches its Gentrack-owned fields, now.`,
        component: SYNC_BUTTON_COMPONENT,
      }),
      component: { type: 'QuickAction', name: `${object}.${SYNC_QUICK_ACTION}` },
    };
  };

  return (
    await Promise.all([
      Promise.all(objects.map(quickAction)),
      apexClass(renderer, model, SYNC_CONTROLLER_CLASS, view),
      apexClass(renderer, model, `${SYNC_CONTROLLER_CLASS}Test`, view),
      renderLwcBundle(renderer, SYNC_BUTTON_COMPONENT, view),
    ])
  ).flat();
}
