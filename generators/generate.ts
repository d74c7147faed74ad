/**
 * Runs every generator over the connector model and returns the files they make, in a stable order. Nothing is
 * written here: write-output.ts decides whether to write or to compare.
 */
import type { ConnectorModel } from '../model/connector-model.js';
import type { GeneratedFile } from './generated-file.js';
import { createRenderer } from './render.js';
import { renderAccountSummary } from './emit/account-summary.js';
import { renderApex } from './emit/apex.js';
import { renderConnectorObjects } from './emit/connector-objects.js';
import { renderEventEndpoint } from './emit/event-endpoint.js';
import { renderGentrackApi } from './emit/gentrack-api/render-gentrack-api.js';
import { renderLightningApp } from './emit/lightning-app.js';
import { renderManifest } from './emit/manifest.js';
import { renderNamedCredentials } from './emit/named-credentials.js';
import { renderPermissionSets } from './emit/permission-sets.js';
import { renderRelayModel } from './emit/relay-model.js';
import { renderSyncButton } from './emit/sync-button.js';
import { renderSyncedObjectFields } from './emit/synced-object-fields.js';

export async function generateFiles(model: ConnectorModel): Promise<GeneratedFile[]> {
  const renderer = createRenderer(model);
  const metadata = (
    await Promise.all([
      renderConnectorObjects(model, renderer),
      renderSyncedObjectFields(model, renderer),
      renderPermissionSets(model, renderer),
      renderApex(model, renderer),
      renderNamedCredentials(model, renderer),
      renderSyncButton(model, renderer),
      renderEventEndpoint(model, renderer),
      renderGentrackApi(model, renderer),
      renderAccountSummary(model, renderer),
      renderLightningApp(model, renderer),
    ])
  ).flat();
  const files = [...metadata, await renderManifest(model, metadata, renderer), await renderRelayModel(model)];
  const duplicate = files.find((file, index) => files.findIndex((other) => other.path === file.path) !== index);
  if (duplicate) throw new Error(`two generators produced ${duplicate.path}`);
  return files.sort((a, b) => a.path.localeCompare(b.path));
}
