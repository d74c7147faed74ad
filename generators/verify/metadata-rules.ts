/**
 * Check 2: the XML we emit obeys the rules Salesforce applies at deploy time, which neither SDR nor any offline tool
 * checks: required elements, allowed values and lengths, field types and their attributes, unknown elements,
 * references from permission sets, and a manifest that matches the source.
 *
 * The rules themselves are tables in metadata-rules/; this module finds the documents and dispatches them.
 */
import path from 'node:path';
import type { Finding } from './finding.js';
import { listSourceFiles, projectRelative, readSfdxProjectFor, type SfdxProject } from './sfdx-project.js';
import { findUnknownElements } from './metadata-rules/allowed-elements.js';
import { checkApexMeta, DEFAULT_MIN_API_VERSION } from './metadata-rules/apex-meta-rules.js';
import { checkCustomField } from './metadata-rules/custom-field-rules.js';
import { checkCustomObject } from './metadata-rules/custom-object-rules.js';
import { checkExternalCredential, checkNamedCredential } from './metadata-rules/credential-rules.js';
import type { Violation } from './metadata-rules/element-rules.js';
import {
  loadMetadataDocuments,
  METADATA_NAMESPACE,
  type MetadataDocument,
} from './metadata-rules/metadata-document.js';
import { checkPackageManifest, DEFAULT_MANIFEST, manifestFile } from './metadata-rules/package-manifest.js';
import { checkCustomPermission, checkPermissionSet } from './metadata-rules/permission-set-rules.js';
import { checkUiMetadata } from './metadata-rules/ui-metadata-rules.js';
import { buildInventory, type ProjectInventory } from './metadata-rules/project-inventory.js';

const CHECK = 'metadata-rules' as const;

export interface MetadataRulesOptions {
  /** Manifest to compare with the source, relative to the project. Default manifest/package.xml. */
  readonly manifest?: string;
  /** Lowest apiVersion accepted in Apex meta files. Default 62.0. */
  readonly minApiVersion?: string;
}

export async function checkMetadataRules(projectDir: string, options: MetadataRulesOptions = {}): Promise<Finding[]> {
  const read = await readSfdxProjectFor(CHECK, projectDir);
  if ('unreadable' in read) return [read.unreadable];
  const { project } = read;
  const documents = await loadMetadataDocuments(await listSourceFiles(project));
  const inventory = buildInventory(documents);
  const minApiVersion = options.minApiVersion ?? DEFAULT_MIN_API_VERSION;

  const findings: Finding[] = [];
  for (const document of documents) {
    for (const violation of checkDocument(document, inventory, minApiVersion)) {
      findings.push(toFinding(project, document.file, violation));
    }
  }
  const manifest = manifestFile(project, options.manifest ?? DEFAULT_MANIFEST);
  for (const violation of await checkPackageManifest(project, manifest))
    findings.push(toFinding(project, manifest, violation));
  return findings;
}

function checkDocument(document: MetadataDocument, inventory: ProjectInventory, minApiVersion: string): Violation[] {
  const { root, type } = document;
  if (root.name !== type || root.attributes.xmlns !== METADATA_NAMESPACE) {
    return [
      {
        rule: 'root-element',
        line: root.line,
        message: `the root element must be <${type} xmlns="${METADATA_NAMESPACE}"> for a ${path.basename(document.file)}, found <${root.name}${root.attributes.xmlns ? ` xmlns="${root.attributes.xmlns}"` : ''}>`,
      },
    ];
  }
  const violations = findUnknownElements(root, type);
  switch (type) {
    case 'CustomObject':
      violations.push(...checkCustomObject(document));
      break;
    case 'CustomField':
      violations.push(...checkCustomField(document, inventory.objectKind(document.objectName!)));
      break;
    case 'PermissionSet':
      violations.push(...checkPermissionSet(document, inventory));
      break;
    case 'CustomPermission':
      violations.push(...checkCustomPermission(document));
      break;
    case 'ApexClass':
    case 'ApexTrigger':
      violations.push(...checkApexMeta(document, minApiVersion));
      break;
    case 'ExternalCredential':
      violations.push(...checkExternalCredential(document));
      break;
    case 'NamedCredential':
      violations.push(...checkNamedCredential(document, inventory));
      break;
    case 'CustomTab':
    case 'ListView':
    case 'LightningComponentBundle':
      violations.push(...checkUiMetadata(document));
      break;
  }
  return violations;
}

function toFinding(project: SfdxProject, file: string, violation: Violation): Finding {
  return {
    check: CHECK,
    file: projectRelative(project, file),
    rule: violation.rule,
    message: violation.message,
    ...(violation.line ? { line: violation.line } : {}),
  };
}
