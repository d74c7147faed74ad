/**
 * How Salesforce reaches the relay for on-demand syncs: the External Credential Gentrack_Relay (OAuth 2.0 client
 * credentials against the relay's /oauth/token, one named principal holding the relay's API client id and secret)
 * and the Named Credential Gentrack_Relay (the relay's instance URL and that credential). Nothing is generated when the
 * model has no `relay` key. X-On-Behalf-Of is set by GentrackSyncController, not here: a Named Principal credential
 * does not evaluate $User in a custom header's formula.
 *
 * The client id and secret are not metadata: `gentrack-sf credentials create | rotate` pushes them into the
 * principal through the Connect REST API.
 */
import {
  RELAY_CREDENTIAL_PRINCIPAL,
  RELAY_EXTERNAL_CREDENTIAL,
  RELAY_NAMED_CREDENTIAL,
  RELAY_TOKEN_PATH,
  RELAY_API_PATH,
} from '../../model/connector-fields.js';
import type { ConnectorModel } from '../../model/connector-model.js';
import { FORCE_APP_DIR, type GeneratedFile } from '../generated-file.js';
import type { Renderer } from '../render.js';

export async function renderNamedCredentials(model: ConnectorModel, renderer: Renderer): Promise<GeneratedFile[]> {
  if (!model.relay) return [];
  const { baseUrl, tenantId } = model.relay;
  const externalPath = `${FORCE_APP_DIR}/externalCredentials/${RELAY_EXTERNAL_CREDENTIAL}.externalCredential-meta.xml`;
  const namedPath = `${FORCE_APP_DIR}/namedCredentials/${RELAY_NAMED_CREDENTIAL}.namedCredential-meta.xml`;
  const [external, named] = await Promise.all([
    renderer.render('metadata/ExternalCredential.externalCredential-meta.xml.hbs', externalPath, {
      label: 'Gentrack Relay',
      description:
        `OAuth 2.0 client credentials for the Gentrack relay's API. The principal ${RELAY_CREDENTIAL_PRINCIPAL} holds the relay's ` +
        'API client id and secret; gentrack-sf credentials create or rotate sets them.',
      tokenUrl: `${baseUrl}${RELAY_TOKEN_PATH}`,
      principal: RELAY_CREDENTIAL_PRINCIPAL,
    }),
    renderer.render('metadata/NamedCredential.namedCredential-meta.xml.hbs', namedPath, {
      label: 'Gentrack Relay',
      description: `The Gentrack relay's API for tenant ${tenantId}: on-demand sync jobs and the Gentrack API gateway. The Apex callers name the user who asked (X-On-Behalf-Of).`,
      url: `${baseUrl}${RELAY_API_PATH}`,
      externalCredential: RELAY_EXTERNAL_CREDENTIAL,
      headers: [],
    }),
  ]);
  return [
    {
      path: externalPath,
      content: external,
      component: { type: 'ExternalCredential', name: RELAY_EXTERNAL_CREDENTIAL },
    },
    { path: namedPath, content: named, component: { type: 'NamedCredential', name: RELAY_NAMED_CREDENTIAL } },
  ];
}
