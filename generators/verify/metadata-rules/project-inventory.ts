/**
 * What exists, so references can be resolved: the project's own objects, fields, classes and custom permissions,
 * plus the standard objects the verifier knows. Names compare case-insensitively, as Salesforce compares them.
 */
import { childrenNamed, childText } from '../xml-document.js';
import type { MetadataDocument } from './metadata-document.js';
import { OTHER_STANDARD_OBJECTS, STANDARD_OBJECT_FIELDS } from './standard-objects.js';

export type ObjectKind =
  'customObject' | 'platformEvent' | 'customSetting' | 'customMetadataType' | 'externalObject' | 'standardObject';

export interface FieldInfo {
  readonly type?: string;
  /** Why a permission set may not grant field-level security on it; undefined when it may. */
  readonly notPermissionableBecause?: string;
}

export interface ProjectInventory {
  objectKind(objectName: string): ObjectKind | undefined;
  /** `qualifiedName` is Object.Field. */
  field(qualifiedName: string): FieldInfo | undefined;
  hasApexClass(name: string): boolean;
  hasCustomPermission(name: string): boolean;
  hasExternalCredential(name: string): boolean;
  /** `qualifiedName` is ExternalCredential-Principal, as permission sets name it. */
  hasExternalCredentialPrincipal(qualifiedName: string): boolean;
  /** Whether an External Credential authenticates as one named principal for every user (not per user). */
  usesNamedPrincipal(externalCredential: string): boolean;
}

/** The kind an object's API name and definition make it. */
export function objectKindOf(objectName: string, definition?: MetadataDocument): ObjectKind {
  if (objectName.endsWith('__e')) return 'platformEvent';
  if (objectName.endsWith('__mdt')) return 'customMetadataType';
  if (objectName.endsWith('__x')) return 'externalObject';
  if (objectName.endsWith('__c')) {
    return definition && childText(definition.root, 'customSettingsType') !== undefined
      ? 'customSetting'
      : 'customObject';
  }
  return 'standardObject';
}

export function buildInventory(documents: readonly MetadataDocument[]): ProjectInventory {
  const key = (name: string): string => name.toLowerCase();
  const objects = new Map<string, ObjectKind>();
  const fields = new Map<string, FieldInfo>();
  const classes = new Set<string>();
  const customPermissions = new Set<string>();
  const externalCredentials = new Set<string>();
  const externalCredentialPrincipals = new Set<string>();
  const namedPrincipalCredentials = new Set<string>();

  const objectsWithFieldTables = new Set(Object.keys(STANDARD_OBJECT_FIELDS).map(key));
  for (const name of [...Object.keys(STANDARD_OBJECT_FIELDS), ...OTHER_STANDARD_OBJECTS])
    objects.set(key(name), 'standardObject');
  for (const [objectName, standard] of Object.entries(STANDARD_OBJECT_FIELDS)) {
    const notPermissionable = new Set(standard.notPermissionable.map(key));
    for (const field of standard.fields) {
      fields.set(
        key(`${objectName}.${field}`),
        notPermissionable.has(key(field)) ? { notPermissionableBecause: 'it is a required or system field' } : {},
      );
    }
  }

  const definitions = new Map(documents.filter((d) => d.type === 'CustomObject').map((d) => [key(d.name), d]));
  for (const document of documents) {
    switch (document.type) {
      case 'CustomObject':
        objects.set(key(document.name), objectKindOf(document.name, document));
        break;
      case 'CustomField': {
        const objectName = document.objectName!;
        if (!objects.has(key(objectName)))
          objects.set(key(objectName), objectKindOf(objectName, definitions.get(key(objectName))));
        const type = childText(document.root, 'type');
        fields.set(key(document.name), {
          ...(type ? { type } : {}),
          ...(childText(document.root, 'required') === 'true'
            ? { notPermissionableBecause: 'it is a required field' }
            : {}),
          ...(type === 'MasterDetail' ? { notPermissionableBecause: 'master-detail fields are always required' } : {}),
        });
        break;
      }
      case 'ApexClass':
        classes.add(key(document.name));
        break;
      case 'CustomPermission':
        customPermissions.add(key(document.name));
        break;
      case 'ExternalCredential':
        externalCredentials.add(key(document.name));
        for (const parameter of childrenNamed(document.root, 'externalCredentialParameters')) {
          const type = childText(parameter, 'parameterType') ?? '';
          if (/^(Named|PerUser|AwsSts)Principal$/.test(type)) {
            externalCredentialPrincipals.add(key(`${document.name}-${childText(parameter, 'parameterName') ?? ''}`));
          }
          if (type === 'NamedPrincipal') namedPrincipalCredentials.add(key(document.name));
        }
        break;
      default:
        break;
    }
  }

  return {
    objectKind: (objectName) => objects.get(key(objectName)),
    field: (qualifiedName) => {
      const known = fields.get(key(qualifiedName));
      if (known) return known;
      // Standard fields of standard objects without a field table pass: the verifier cannot know them.
      const [objectName = '', fieldName = ''] = qualifiedName.split('.');
      const unlisted =
        objects.get(key(objectName)) === 'standardObject' && !objectsWithFieldTables.has(key(objectName));
      return unlisted && fieldName !== '' && !fieldName.includes('__') ? {} : undefined;
    },
    hasApexClass: (name) => classes.has(key(name)),
    hasCustomPermission: (name) => customPermissions.has(key(name)),
    hasExternalCredential: (name) => externalCredentials.has(key(name)),
    hasExternalCredentialPrincipal: (name) => externalCredentialPrincipals.has(key(name)),
    usesNamedPrincipal: (name) => namedPrincipalCredentials.has(key(name)),
  };
}
