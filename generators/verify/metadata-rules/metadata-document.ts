/**
 * Finds the metadata files the rules validate, works out their type and component name from the path (the way SDR
 * does for source format), and parses them.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseXmlDocument, XmlSyntaxError, type XmlElement } from '../xml-document.js';

export type ValidatedType =
  | 'CustomObject'
  | 'CustomField'
  | 'PermissionSet'
  | 'CustomPermission'
  | 'ApexClass'
  | 'ApexTrigger'
  | 'CustomTab'
  | 'ListView'
  | 'LightningComponentBundle'
  | 'ExternalCredential'
  | 'NamedCredential';

export interface MetadataDocument {
  readonly type: ValidatedType;
  /** Absolute path. */
  readonly file: string;
  /** Component name as the manifest spells it: 'Account', 'Account.Trading_Name__c', 'GentrackPublisher'. */
  readonly name: string;
  /** The file name without its suffix: 'Trading_Name__c' for a field. */
  readonly fileName: string;
  /** For a CustomField or ListView, the object it belongs to (the folder above fields/ or listViews/). */
  readonly objectName?: string;
  readonly root: XmlElement;
}

const SUFFIXES: readonly { readonly suffix: string; readonly type: ValidatedType }[] = [
  { suffix: '.object-meta.xml', type: 'CustomObject' },
  { suffix: '.field-meta.xml', type: 'CustomField' },
  { suffix: '.permissionset-meta.xml', type: 'PermissionSet' },
  { suffix: '.customPermission-meta.xml', type: 'CustomPermission' },
  { suffix: '.cls-meta.xml', type: 'ApexClass' },
  { suffix: '.trigger-meta.xml', type: 'ApexTrigger' },
  { suffix: '.tab-meta.xml', type: 'CustomTab' },
  { suffix: '.listView-meta.xml', type: 'ListView' },
  { suffix: '.js-meta.xml', type: 'LightningComponentBundle' },
  { suffix: '.externalCredential-meta.xml', type: 'ExternalCredential' },
  { suffix: '.namedCredential-meta.xml', type: 'NamedCredential' },
];

export const METADATA_NAMESPACE = 'http://soap.sforce.com/2006/04/metadata';

/**
 * Parses every file of a validated type. Files that are not well-formed XML are skipped: metadata-structure reports
 * them with their line, and no rule can say anything useful about them.
 */
export async function loadMetadataDocuments(files: readonly string[]): Promise<MetadataDocument[]> {
  const documents: MetadataDocument[] = [];
  for (const file of files) {
    const match = SUFFIXES.find((entry) => file.endsWith(entry.suffix));
    if (!match) continue;
    let root: XmlElement;
    try {
      root = parseXmlDocument(await readFile(file, 'utf8'));
    } catch (error) {
      if (error instanceof XmlSyntaxError) continue;
      throw error;
    }
    const fileName = path.basename(file).slice(0, -match.suffix.length);
    if (match.type === 'CustomField' || match.type === 'ListView') {
      const objectName = path.basename(path.dirname(path.dirname(file)));
      documents.push({ type: match.type, file, name: `${objectName}.${fileName}`, fileName, objectName, root });
    } else {
      documents.push({ type: match.type, file, name: fileName, fileName, root });
    }
  }
  return documents;
}
