/**
 * PermissionSet and CustomPermission definitions: required elements, references that must resolve, field-level
 * security that Salesforce refuses, and permissions that imply others.
 */
import { childrenNamed, childText, type XmlElement } from '../xml-document.js';
import { applyElementRules, required, optional, type Violation } from './element-rules.js';
import type { MetadataDocument } from './metadata-document.js';
import type { ProjectInventory } from './project-inventory.js';

const PERMISSION_SET_RULES = [
  required('permission-set-label', 'label', { maxLength: 80 }),
  optional('permission-set-description', 'description', { maxLength: 255 }),
];

const CUSTOM_PERMISSION_RULES = [
  required('custom-permission-label', 'label', { maxLength: 80 }),
  optional('custom-permission-description', 'description', { maxLength: 255 }),
];

/** Each kind of entry in a permission set and how its reference resolves. */
const REFERENCES: readonly {
  readonly entry: string;
  readonly key: string;
  readonly what: string;
  readonly resolves: (inventory: ProjectInventory, name: string) => boolean;
}[] = [
  {
    entry: 'fieldPermissions',
    key: 'field',
    what: 'field',
    resolves: (inventory, name) => inventory.field(name) !== undefined,
  },
  {
    entry: 'objectPermissions',
    key: 'object',
    what: 'object',
    resolves: (inventory, name) => inventory.objectKind(name) !== undefined,
  },
  {
    entry: 'customPermissions',
    key: 'name',
    what: 'custom permission',
    resolves: (inventory, name) => inventory.hasCustomPermission(name),
  },
  {
    entry: 'classAccesses',
    key: 'apexClass',
    what: 'Apex class',
    resolves: (inventory, name) => inventory.hasApexClass(name),
  },
  {
    entry: 'customSettingAccesses',
    key: 'name',
    what: 'custom setting',
    resolves: (inventory, name) => inventory.objectKind(name) === 'customSetting',
  },
  {
    entry: 'externalCredentialPrincipalAccesses',
    key: 'externalCredentialPrincipal',
    what: 'External Credential principal (ExternalCredential-Principal)',
    resolves: (inventory, name) => inventory.hasExternalCredentialPrincipal(name),
  },
  {
    entry: 'customMetadataTypeAccesses',
    key: 'name',
    what: 'custom metadata type',
    resolves: (inventory, name) => inventory.objectKind(name) === 'customMetadataType',
  },
];

/** Granting the first permission without the second fails the deploy ("… depends on …"). */
const IMPLIED: readonly { readonly entry: string; readonly granted: string; readonly requires: string }[] = [
  { entry: 'fieldPermissions', granted: 'editable', requires: 'readable' },
  { entry: 'objectPermissions', granted: 'allowCreate', requires: 'allowRead' },
  { entry: 'objectPermissions', granted: 'allowEdit', requires: 'allowRead' },
  { entry: 'objectPermissions', granted: 'allowDelete', requires: 'allowEdit' },
  { entry: 'objectPermissions', granted: 'viewAllRecords', requires: 'allowRead' },
  { entry: 'objectPermissions', granted: 'modifyAllRecords', requires: 'allowDelete' },
  { entry: 'objectPermissions', granted: 'modifyAllRecords', requires: 'viewAllRecords' },
];

/** Platform events can only be read (subscribed to) and created (published). */
const PLATFORM_EVENT_UNSUPPORTED = ['allowEdit', 'allowDelete', 'viewAllRecords', 'modifyAllRecords'];

export function checkCustomPermission(document: MetadataDocument): Violation[] {
  return applyElementRules(document.root, CUSTOM_PERMISSION_RULES);
}

export function checkPermissionSet(document: MetadataDocument, inventory: ProjectInventory): Violation[] {
  const { root } = document;
  const violations = applyElementRules(root, PERMISSION_SET_RULES);

  for (const reference of REFERENCES) {
    const seen = new Set<string>();
    for (const entry of childrenNamed(root, reference.entry)) {
      const name = childText(entry, reference.key);
      if (!name) {
        violations.push(
          at(
            entry,
            'permission-set-reference',
            `<${reference.entry}> has no <${reference.key}>; name the ${reference.what} or remove the entry`,
          ),
        );
        continue;
      }
      if (seen.has(name.toLowerCase())) {
        violations.push(
          at(
            entry,
            'permission-set-duplicate',
            `<${reference.entry}> for '${name}' appears twice; the deploy rejects duplicates, keep one`,
          ),
        );
      }
      seen.add(name.toLowerCase());
      if (!reference.resolves(inventory, name)) {
        violations.push(
          at(
            entry,
            'permission-set-reference',
            `<${reference.entry}> names ${reference.what} '${name}', which is not in the project nor a known standard ${reference.what}; ` +
              'generate it, fix the name, or remove the entry',
          ),
        );
      }
    }
  }

  for (const entry of childrenNamed(root, 'fieldPermissions')) {
    const name = childText(entry, 'field') ?? '';
    const reason = inventory.field(name)?.notPermissionableBecause;
    if (reason) {
      violations.push(
        at(
          entry,
          'permission-set-required-field',
          `<fieldPermissions> for '${name}': ${reason}, so it has no field-level security and the deploy rejects the entry; remove it`,
        ),
      );
    }
  }

  for (const rule of IMPLIED) {
    for (const entry of childrenNamed(root, rule.entry)) {
      if (childText(entry, rule.granted) === 'true' && childText(entry, rule.requires) !== 'true') {
        const subject = childText(entry, 'field') ?? childText(entry, 'object') ?? '?';
        violations.push(
          at(
            entry,
            'permission-set-implied',
            `'${subject}' grants <${rule.granted}> without <${rule.requires}>, which it depends on; set ${rule.requires} to true`,
          ),
        );
      }
    }
  }

  for (const entry of childrenNamed(root, 'objectPermissions')) {
    const object = childText(entry, 'object') ?? '';
    if (inventory.objectKind(object) !== 'platformEvent') continue;
    for (const permission of PLATFORM_EVENT_UNSUPPORTED.filter((name) => childText(entry, name) === 'true')) {
      violations.push(
        at(
          entry,
          'permission-set-platform-event',
          `'${object}' is a platform event: only allowRead and allowCreate apply; set ${permission} to false`,
        ),
      );
    }
  }
  return violations;
}

function at(element: XmlElement, rule: string, message: string): Violation {
  return { rule, message, line: element.line };
}
