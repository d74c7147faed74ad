/**
 * Two permission sets: one for the relay's integration user (API access, the publishing bypass, write access to
 * every connector field) and one for people using the connector (they read what Gentrack masters and edit only what
 * Salesforce masters, so field-level security enforces the model's data masters).
 */
import {
  BYPASS_PERMISSION,
  CONNECTOR_USER_PERMISSION_SET,
  EXTERNAL_ID_FIELD,
  EVENT_ENDPOINT_CLASS,
  INBOUND_EVENT_CLASS,
  INBOUND_RULES_CLASS,
  INTEGRATION_PERMISSION_SET,
  RELAY_CREDENTIAL_PRINCIPAL,
  RELAY_EXTERNAL_CREDENTIAL,
  SETTINGS_OBJECT,
  SYNC_CONTROLLER_CLASS,
  ACCOUNT_SUMMARY_CONTROLLER_CLASS,
  SYNC_ERROR_OBJECT,
  GENTRACK_APP,
} from '../../model/connector-fields.js';
import { customFields, type ConnectorModel } from '../../model/connector-model.js';
import { FORCE_APP_DIR, type GeneratedFile } from '../generated-file.js';
import type { Renderer } from '../render.js';
import { connectorFieldsOf, SYNC_ERROR_FIELDS } from '../../model/connector-metadata.js';

/** Access to AccountContactRelation follows Account and Contact access; it takes no object permissions. */
const OBJECTS_WITHOUT_OBJECT_PERMISSIONS = new Set(['AccountContactRelation']);

interface FieldPermission {
  readonly field: string;
  readonly editable: boolean;
}

export async function renderPermissionSets(model: ConnectorModel, renderer: Renderer): Promise<GeneratedFile[]> {
  const integrationFields: FieldPermission[] = [];
  const userFields: FieldPermission[] = [];
  for (const object of model.objects) {
    for (const field of connectorFieldsOf(object)) {
      integrationFields.push({ field: `${object.name}.${field.name}`, editable: true });
      userFields.push({ field: `${object.name}.${field.name}`, editable: false });
    }
    for (const field of customFields(object)) {
      integrationFields.push({ field: `${object.name}.${field.name}`, editable: true });
      userFields.push({ field: `${object.name}.${field.name}`, editable: field.master === 'Salesforce' });
    }
  }
  for (const field of SYNC_ERROR_FIELDS) {
    integrationFields.push({ field: `${SYNC_ERROR_OBJECT}.${field.name}`, editable: true });
    userFields.push({ field: `${SYNC_ERROR_OBJECT}.${field.name}`, editable: false });
  }
  // On-demand sync: people may run the sync controller and call the relay through the External Credential's principal.
  const onDemand = model.relay !== undefined;
  const syncedObjectPermissions = model.objects
    .filter((object) => !OBJECTS_WITHOUT_OBJECT_PERMISSIONS.has(object.name))
    .map((object) => ({ object: object.name, create: true, edit: true, delete: false, viewAll: true }));

  const render = async (name: string, view: object): Promise<GeneratedFile> => {
    const outputPath = `${FORCE_APP_DIR}/permissionsets/${name}.permissionset-meta.xml`;
    return {
      path: outputPath,
      content: await renderer.render('metadata/PermissionSet.permissionset-meta.xml.hbs', outputPath, view),
      component: { type: 'PermissionSet', name },
    };
  };

  return Promise.all([
    render(INTEGRATION_PERMISSION_SET, {
      label: 'Gentrack Integration User',
      description: `For the Gentrack relay's integration user only: API access, every connector field, and the ${BYPASS_PERMISSION} custom permission so its writes are not published back to Gentrack.`,
      // The Event Endpoint is the relay's to call (inbound.deliverTo: apex).
      applications: [],
      classes: model.inbound ? [EVENT_ENDPOINT_CLASS, INBOUND_EVENT_CLASS, INBOUND_RULES_CLASS] : [],
      externalCredentialPrincipals: [],
      customPermissions: [BYPASS_PERMISSION],
      customSettings: [SETTINGS_OBJECT],
      fields: sortByField(integrationFields),
      objects: [
        ...syncedObjectPermissions,
        { object: SYNC_ERROR_OBJECT, create: true, edit: true, delete: true, viewAll: true },
      ].sort((a, b) => a.object.localeCompare(b.object)),
      tabs: [SYNC_ERROR_OBJECT],
      // Gentrack events may create Tasks for record owners (inbound follow-ups).
      userPermissions: [
        'ApiEnabled',
        ...(model.inbound?.events.some((rule) => rule.tasks.length > 0) ? ['EditTask'] : []),
      ],
    }),
    render(CONNECTOR_USER_PERMISSION_SET, {
      label: 'Gentrack Connector User',
      description: `For people working with Gentrack-synced records: reads ${EXTERNAL_ID_FIELD} and the sync status, edits the Salesforce-mastered connector fields only, sees sync errors${onDemand ? ' and may sync a record on demand' : ''}${model.relay && model.gentrackApi?.accountSummary ? "; sees an account's Gentrack billing summary" : ''}.`,
      applications: [GENTRACK_APP],
      classes: [
        ...(onDemand ? [SYNC_CONTROLLER_CLASS] : []),
        ...(model.relay && model.gentrackApi?.accountSummary ? [ACCOUNT_SUMMARY_CONTROLLER_CLASS] : []),
      ],
      externalCredentialPrincipals: onDemand ? [`${RELAY_EXTERNAL_CREDENTIAL}-${RELAY_CREDENTIAL_PRINCIPAL}`] : [],
      customPermissions: [],
      customSettings: [],
      fields: sortByField(userFields),
      objects: [{ object: SYNC_ERROR_OBJECT, create: false, edit: false, delete: false, viewAll: false }],
      tabs: [SYNC_ERROR_OBJECT],
      userPermissions: [],
    }),
  ]);
}

function sortByField(permissions: FieldPermission[]): FieldPermission[] {
  return [...permissions].sort((a, b) => a.field.localeCompare(b.field));
}
