/**
 * CustomObject definitions (objects/<Name>/<Name>.object-meta.xml): what each kind of object must declare.
 */
import { applyElementRules, optional, required, type ElementRule, type Violation } from './element-rules.js';
import type { MetadataDocument } from './metadata-document.js';
import { objectKindOf, type ObjectKind } from './project-inventory.js';

const LABELS: readonly ElementRule[] = [
  required('object-label', 'label', { maxLength: 40 }),
  required('object-plural-label', 'pluralLabel', { maxLength: 40 }),
  optional('object-description', 'description', { maxLength: 1000 }),
];
const DEPLOYMENT_STATUS = required('object-deployment-status', 'deploymentStatus', {
  oneOf: ['Deployed', 'InDevelopment'],
});

const RULES_BY_KIND: Readonly<Record<ObjectKind, readonly ElementRule[]>> = {
  customObject: [
    ...LABELS,
    DEPLOYMENT_STATUS,
    required('object-name-field', 'nameField', { hint: 'every custom object needs a name field (Text or AutoNumber)' }),
    required('object-name-field', 'nameField/label', { maxLength: 40 }),
    required('object-name-field', 'nameField/type', { oneOf: ['Text', 'AutoNumber'] }),
    required('object-sharing-model', 'sharingModel', {
      oneOf: ['Private', 'Read', 'ReadWrite', 'ReadWriteTransfer', 'FullAccess', 'ControlledByParent'],
    }),
    optional('object-event-only-element', 'publishBehavior', { forbidden: 'only platform events (__e) publish' }),
    optional('object-event-only-element', 'eventType', { forbidden: 'only platform events (__e) have an event type' }),
  ],
  platformEvent: [
    ...LABELS,
    DEPLOYMENT_STATUS,
    required('event-type', 'eventType', {
      oneOf: ['HighVolume', 'StandardVolume'],
      hint: 'new platform events are HighVolume',
    }),
    required('event-publish-behavior', 'publishBehavior', { oneOf: ['PublishImmediately', 'PublishAfterCommit'] }),
    optional('event-name-field', 'nameField', { forbidden: 'platform events have no name field' }),
  ],
  customSetting: [
    required('object-label', 'label', { maxLength: 40 }),
    optional('object-description', 'description', { maxLength: 1000 }),
    required('custom-setting-type', 'customSettingsType', { oneOf: ['Hierarchy', 'List'] }),
    required('custom-setting-visibility', 'visibility', { oneOf: ['Public', 'Protected'] }),
  ],
  customMetadataType: [
    required('object-label', 'label', { maxLength: 40 }),
    required('object-plural-label', 'pluralLabel', { maxLength: 40 }),
    optional('custom-metadata-visibility', 'visibility', { oneOf: ['Public', 'Protected', 'PackageProtected'] }),
  ],
  externalObject: [...LABELS, DEPLOYMENT_STATUS],
  // A standard object's definition file only carries settings (list views, sharing); nothing is mandatory.
  standardObject: [],
};

export function checkCustomObject(document: MetadataDocument): Violation[] {
  return applyElementRules(document.root, RULES_BY_KIND[objectKindOf(document.name, document)]);
}
