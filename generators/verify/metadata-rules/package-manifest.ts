/**
 * manifest/package.xml must list exactly the components in the package directories: a component missing from it is
 * not deployed by `sf project deploy start --manifest`, and one listed but absent fails the deploy.
 * The source side comes from SDR (the same resolution the CLI uses), so child types such as CustomField count too.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ComponentSet } from '@salesforce/source-deploy-retrieve';
import { childrenNamed, childText, parseXmlDocument, XmlSyntaxError, type XmlElement } from '../xml-document.js';
import type { SfdxProject } from '../sfdx-project.js';
import type { Violation } from './element-rules.js';

export const DEFAULT_MANIFEST = 'manifest/package.xml';

interface ManifestType {
  readonly element: XmlElement;
  readonly members: ReadonlyMap<string, XmlElement>;
}

export async function checkPackageManifest(project: SfdxProject, manifestPath: string): Promise<Violation[]> {
  let root: XmlElement;
  try {
    root = parseXmlDocument(await readFile(manifestPath, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return [
        {
          rule: 'manifest-missing',
          message: 'the manifest does not exist; generate it from the components in the package directories',
        },
      ];
    }
    if (error instanceof XmlSyntaxError) {
      return [{ rule: 'manifest-malformed', line: error.line, message: `not well-formed XML: ${error.message}` }];
    }
    throw error;
  }

  const violations: Violation[] = [];
  const listed = new Map<string, ManifestType>();
  for (const typeElement of childrenNamed(root, 'types')) {
    const name = childText(typeElement, 'name') ?? '';
    const members = new Map(childrenNamed(typeElement, 'members').map((member) => [member.text, member]));
    listed.set(name, { element: typeElement, members: new Map([...(listed.get(name)?.members ?? []), ...members]) });
  }

  const source = await ComponentSet.fromSource([...project.packageDirectories]).getObject();
  const inSource = new Map(source.Package.types.map((type) => [type.name, new Set(type.members)]));

  for (const [typeName, members] of inSource) {
    const manifestType = listed.get(typeName);
    if (manifestType?.members.has('*')) continue;
    const missing = [...members].filter((member) => !manifestType?.members.has(member)).sort();
    if (missing.length > 0) {
      violations.push({
        rule: 'manifest-missing-component',
        ...(manifestType ? { line: manifestType.element.line } : {}),
        message: `${typeName} ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} in the source but not in the manifest, so a manifest deploy leaves ${missing.length === 1 ? 'it' : 'them'} out; add <members>`,
      });
    }
  }
  for (const [typeName, manifestType] of listed) {
    const members = inSource.get(typeName) ?? new Set<string>();
    for (const [member, element] of manifestType.members) {
      if (member === '*' || members.has(member)) continue;
      violations.push({
        rule: 'manifest-unknown-component',
        line: element.line,
        message: `${typeName} ${member} is listed but not in the source; the deploy fails on it. Remove it or generate the component`,
      });
    }
  }

  const version = root.children.find((element) => element.name === 'version');
  if (project.sourceApiVersion && version && version.text !== project.sourceApiVersion) {
    violations.push({
      rule: 'manifest-version',
      line: version.line,
      message: `<version> is ${version.text} but sfdx-project.json's sourceApiVersion is ${project.sourceApiVersion}; make them equal`,
    });
  }
  return violations;
}

export function manifestFile(project: SfdxProject, manifest = DEFAULT_MANIFEST): string {
  return path.resolve(project.root, manifest);
}
