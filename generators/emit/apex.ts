/**
 * The Apex classes, triggers and their tests. The publishing logic is model-independent (templates); the model
 * reaches Apex through one generated class, GentrackConnectorModel, and through the per-object triggers and tests.
 */
import {
  CONNECTOR_USER_PERMISSION_SET,
  EXTERNAL_ID_FIELD,
  INTEGRATION_PERMISSION_SET,
  REFERENCES_KEY,
  SYNC_STATUS_FIELD,
} from '../../model/connector-fields.js';
import { triggerHandlerNameOf, triggerNameOf } from '../../model/apex-names.js';
import {
  trackedFields,
  type ConnectorModel,
  type MappedField,
  type SyncedObject,
} from '../../model/connector-model.js';
import { DML_OPERATIONS, type DmlOperation } from '../../model/schema.js';
import { STANDARD_OBJECTS } from '../../model/standard-objects.js';
import { FORCE_APP_DIR, type GeneratedFile } from '../generated-file.js';
import type { Renderer } from '../render.js';

const OPERATION_TYPE: Record<DmlOperation, string> = {
  insert: 'INSERT',
  update: 'UPDATE',
  delete: 'DELETE',
  undelete: 'UNDELETE',
};

/** Apex expressions (using the loop index `i`) that give a tracked field a new, valid value in the update tests. */
const CHANGED_VALUE: Partial<Record<MappedField['describeType'], string>> = {
  string: "'Changed ' + i",
  textarea: "'Changed ' + i",
  email: "'changed' + i + '@example.com'",
  phone: "'+61 400 000 ' + i",
  url: "'https://example.com/changed/' + i",
  date: 'Date.today().addDays(-1 - i)',
};
/** Room for the longest changed value above ('Changed 200', a phone number, ...). */
const MIN_CHANGEABLE_LENGTH = 20;

export class ApexGenerationError extends Error {
  readonly code = 'APEX_GENERATION';
}

export async function renderApex(model: ConnectorModel, renderer: Renderer): Promise<GeneratedFile[]> {
  const primary = primaryObjectOf(model);
  const primaryProbe = changeProbeOf(primary);
  const triggerHandler = triggerHandlerNameOf(model);
  const shared = {
    triggerHandler,
    object: primary.name,
    objectList: model.objects.map((object) => object.name).join(', '),
    objectPublishesDelete: primary.operations.delete !== undefined,
    sourcePath: model.sourcePath,
    externalIdField: EXTERNAL_ID_FIELD,
    integrationPermissionSet: INTEGRATION_PERMISSION_SET,
    connectorUserPermissionSet: CONNECTOR_USER_PERMISSION_SET,
    payloadFieldLength: model.event.payloadFieldLength,
    publishImmediately: model.event.publishBehavior === 'PublishImmediately',
    ...primaryProbe,
  };
  const objects = model.objects.map((object) => modelObjectView(model, object));
  const referenced = [...new Set(model.objects.flatMap((object) => referencesOf(object).map((ref) => ref.object)))];
  const modelView = {
    ...shared,
    objects,
    referencedObjects: referenced.map((name) => ({ name, variable: `${lowerFirst(name)}Ids` })),
    referenceExample: referenceExampleOf(model),
  };

  const classes: [string, object][] = [
    ['GentrackCallout', shared],
    ['GentrackCalloutTest', shared],
    ['GentrackSyncErrorLog', shared],
    ['GentrackSyncErrorLogTest', shared],
    ['GentrackPublishFailureCallback', shared],
    ['GentrackPublishFailureCallbackTest', shared],
    ['GentrackConnectorModel', modelView],
    ['GentrackConnectorModelTest', modelView],
    [
      'GentrackTestData',
      {
        objects: model.objects.map((object) => ({
          name: object.name,
          testRecords: STANDARD_OBJECTS[object.name]!.testRecords,
        })),
      },
    ],
  ];

  const files: Promise<GeneratedFile[]>[] = classes.map(([name, view]) => apexClass(renderer, model, name, view));
  // The trigger handler's name carries the model's prefix, so its templates are named after what they make.
  files.push(apexFile(renderer, model, 'ApexClass', triggerHandler, 'apex/ObjectTriggerHandler.cls.hbs', shared));
  files.push(
    apexFile(renderer, model, 'ApexClass', `${triggerHandler}Test`, 'apex/ObjectTriggerHandlerTest.cls.hbs', shared),
  );
  for (const object of model.objects) {
    const view = { ...shared, ...triggerView(model, object) };
    files.push(apexFile(renderer, model, 'ApexTrigger', view.triggerName, 'apex/ObjectTrigger.trigger.hbs', view));
    files.push(
      apexFile(renderer, model, 'ApexClass', `${view.triggerName}Test`, 'apex/ObjectTriggerTest.cls.hbs', view),
    );
  }
  return (await Promise.all(files)).flat();
}

/** The Apex class rendered from apex/<name>.cls.hbs, with its meta file. */
export function apexClass(
  renderer: Renderer,
  model: ConnectorModel,
  name: string,
  view: object,
): Promise<GeneratedFile[]> {
  return apexFile(renderer, model, 'ApexClass', name, `apex/${name}.cls.hbs`, view);
}

async function apexFile(
  renderer: Renderer,
  model: ConnectorModel,
  type: 'ApexClass' | 'ApexTrigger',
  name: string,
  template: string,
  view: object,
): Promise<GeneratedFile[]> {
  const [folder, extension] = type === 'ApexClass' ? ['classes', 'cls'] : ['triggers', 'trigger'];
  const sourcePath = `${FORCE_APP_DIR}/${folder}/${name}.${extension}`;
  const metaPath = `${sourcePath}-meta.xml`;
  const [source, meta] = await Promise.all([
    renderer.render(template, sourcePath, view),
    renderer.render('metadata/ApexClass.cls-meta.xml.hbs', metaPath, { type, apiVersion: model.apiVersion }),
  ]);
  return [
    { path: sourcePath, content: source, component: { type, name } },
    { path: metaPath, content: meta },
  ];
}

/** The object the generic tests exercise: the first that publishes both inserts and updates. */
function primaryObjectOf(model: ConnectorModel): SyncedObject {
  const primary = model.objects.find((object) => object.operations.insert && object.operations.update);
  if (!primary) {
    throw new ApexGenerationError(
      `${model.sourcePath}: the Apex tests need at least one object that maps both insert and update`,
    );
  }
  return primary;
}

function triggerView(model: ConnectorModel, object: SyncedObject) {
  const references = referencesOf(object);
  return {
    name: object.name,
    triggerName: triggerNameOf(model, object),
    triggerEvents: object.triggerEvents.map((dml) => `after ${dml}`).join(', '),
    payloadKeys: [
      'Id',
      EXTERNAL_ID_FIELD,
      ...trackedFields(object).map((field) => field.name),
      ...(references.length > 0 ? [REFERENCES_KEY] : []),
    ],
    publishesInsert: object.operations.insert !== undefined,
    directRelationsFollowContact: directRelationsFollowContact(model, object),
    publishesUpdate: object.operations.update !== undefined,
    publishesDelete: object.operations.delete !== undefined,
    publishesUndelete: object.operations.undelete !== undefined,
    ...(object.operations.update ? changeProbeOf(object) : {}),
  };
}

/** A tracked field the update tests change, and an untracked one whose change must publish nothing. */
function changeProbeOf(object: SyncedObject) {
  const changed = trackedFields(object).find(
    (field) =>
      !field.references &&
      CHANGED_VALUE[field.describeType] !== undefined &&
      (field.custom?.length === undefined || field.custom.length >= MIN_CHANGEABLE_LENGTH),
  );
  if (!changed) {
    throw new ApexGenerationError(
      `${object.name} maps updates but tracks no text, email, phone, url or date field the generated tests can change`,
    );
  }
  return {
    changedField: changed.name,
    changedValue: CHANGED_VALUE[changed.describeType]!,
    untrackedField: SYNC_STATUS_FIELD,
    untrackedValue: 'Synced',
  };
}

function modelObjectView(model: ConnectorModel, object: SyncedObject) {
  const published = DML_OPERATIONS.filter((dml) => object.operations[dml] !== undefined);
  return {
    name: object.name,
    variable: lowerFirst(object.name),
    trackedFields: trackedFields(object).map((field) => field.name),
    references: referencesOf(object),
    operationTypes: published.map((dml) => OPERATION_TYPE[dml]),
    directRelationsFollowContact: directRelationsFollowContact(model, object),
    silentOperationTypes: DML_OPERATIONS.filter((dml) => !published.includes(dml)).map((dml) => OPERATION_TYPE[dml]),
  };
}

/**
 * Salesforce creates (or re-points) a contact's direct AccountContactRelation itself when the contact is saved with
 * an AccountId. When the contact's own change already tells Gentrack its account (Contact.AccountId mapped to the
 * account's reference, published on insert and update), the direct relation's insert would be a second call about
 * the same relationship, one that must wait for the contact's customer number: the triggers leave it out.
 */
function directRelationsFollowContact(model: ConnectorModel, object: SyncedObject): boolean {
  if (object.name !== 'AccountContactRelation') return false;
  const contact = model.objects.find((candidate) => candidate.name === 'Contact');
  const accountId = contact?.fields.find((field) => field.name === 'AccountId');
  return (
    accountId?.references?.object === 'Account' &&
    contact!.operations.insert !== undefined &&
    contact!.operations.update !== undefined
  );
}

function referencesOf(object: SyncedObject): { field: string; object: string }[] {
  return object.fields.flatMap((field) =>
    field.references ? [{ field: field.name, object: field.references.object }] : [],
  );
}

/** A lookup between two different synced objects, for the reference-resolution test. */
function referenceExampleOf(model: ConnectorModel) {
  for (const object of model.objects) {
    for (const reference of referencesOf(object)) {
      if (reference.object !== object.name) {
        return { childObject: object.name, lookupField: reference.field, parentObject: reference.object };
      }
    }
  }
  return undefined;
}

function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}
