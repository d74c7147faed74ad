/**
 * Check 1: the source converts to Metadata API format the way `sf project deploy` would convert it, and nothing is
 * lost on the way.
 *
 * SDR's conversion is only structural, and it is silent about what it leaves out: a .cls without its -meta.xml is
 * simply not part of any component, and an LWC bundle without .js-meta.xml converts but fails at deploy. Those gaps
 * are asserted here explicitly, together with XML well-formedness (SDR's XML parser repairs broken tags).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ComponentSet, MetadataConverter, type SourceComponent } from '@salesforce/source-deploy-retrieve';
import type { Finding } from './finding.js';
import { listSourceFiles, projectRelative, readSfdxProjectFor, type SfdxProject } from './sfdx-project.js';
import { parseXmlDocument, XmlSyntaxError } from './xml-document.js';

const CHECK = 'metadata-structure' as const;

/** Source files whose metadata lives in a sibling `<file>-meta.xml`. */
const APEX_SOURCE_SUFFIXES = ['.cls', '.trigger'] as const;

export async function checkMetadataStructure(projectDir: string): Promise<Finding[]> {
  const read = await readSfdxProjectFor(CHECK, projectDir);
  if ('unreadable' in read) return [read.unreadable];
  const { project } = read;
  const findings: Finding[] = [];
  const report = (absolute: string, rule: string, message: string, line?: number): void => {
    findings.push({ check: CHECK, file: projectRelative(project, absolute), rule, message, ...(line ? { line } : {}) });
  };

  const files = await listSourceFiles(project);
  if (files.length === 0) {
    report(
      path.join(project.root, 'sfdx-project.json'),
      'empty-source',
      `the package directories (${project.packageDirectories.map((d) => projectRelative(project, d)).join(', ')}) hold no source; generate the metadata first.`,
    );
    return findings;
  }
  const fileSet = new Set(files);

  await checkXmlWellFormed(files, report);
  checkApexMetaFiles(files, fileSet, report);
  checkLwcBundles(files, fileSet, report);
  const alreadyReported = new Set(findings.map((finding) => path.resolve(project.root, finding.file)));
  await checkConversion(project, files, alreadyReported, report);
  return findings;
}

type Report = (absolute: string, rule: string, message: string, line?: number) => void;

async function checkXmlWellFormed(files: readonly string[], report: Report): Promise<void> {
  for (const file of files.filter((candidate) => candidate.endsWith('.xml'))) {
    try {
      parseXmlDocument(await readFile(file, 'utf8'));
    } catch (error) {
      if (!(error instanceof XmlSyntaxError)) throw error;
      report(
        file,
        'malformed-xml',
        `not well-formed XML: ${error.message.replace(/\.+$/, '')}. Fix whatever wrote this file.`,
        error.line,
      );
    }
  }
}

function checkApexMetaFiles(files: readonly string[], fileSet: ReadonlySet<string>, report: Report): void {
  for (const file of files) {
    if (APEX_SOURCE_SUFFIXES.some((suffix) => file.endsWith(suffix)) && !fileSet.has(`${file}-meta.xml`)) {
      report(
        file,
        'missing-meta-xml',
        `has no ${path.basename(file)}-meta.xml beside it, so the CLI silently leaves it out of every deploy; ` +
          'write the meta file (apiVersion, status Active).',
      );
    }
    const source = file.replace(/-meta\.xml$/, '');
    if (source !== file && APEX_SOURCE_SUFFIXES.some((suffix) => source.endsWith(suffix)) && !fileSet.has(source)) {
      report(
        file,
        'orphan-meta-xml',
        `is a meta file without its source ${path.basename(source)}; delete it or restore the source.`,
      );
    }
  }
}

/** Every folder directly under an `lwc` folder is a bundle and needs `<bundle>.js-meta.xml`. */
function checkLwcBundles(files: readonly string[], fileSet: ReadonlySet<string>, report: Report): void {
  const bundles = new Set<string>();
  for (const file of files) {
    const parts = file.split(path.sep);
    const lwcIndex = parts.lastIndexOf('lwc');
    if (lwcIndex >= 0 && lwcIndex < parts.length - 2) bundles.add(parts.slice(0, lwcIndex + 2).join(path.sep));
  }
  for (const bundle of bundles) {
    const name = path.basename(bundle);
    const metaFile = path.join(bundle, `${name}.js-meta.xml`);
    if (!fileSet.has(metaFile)) {
      report(
        bundle,
        'missing-lwc-meta-xml',
        `LWC bundle '${name}' has no ${name}.js-meta.xml; the deploy rejects it. Add one with apiVersion and isExposed.`,
      );
    }
  }
}

async function checkConversion(
  project: SfdxProject,
  files: readonly string[],
  alreadyReported: ReadonlySet<string>,
  report: Report,
): Promise<void> {
  const sourceRoot = path.join(project.root, 'sfdx-project.json');
  let components: ComponentSet;
  try {
    components = ComponentSet.fromSource([...project.packageDirectories]);
  } catch (error) {
    report(sourceRoot, 'conversion', `SDR cannot resolve the source: ${describe(error)}`);
    return;
  }

  const failure = await convertToMetadataFormat(components);
  if (failure !== undefined) {
    // The converter stops at the first bad component and names it only by type and name: convert them one by one
    // so every failing file is reported where it is.
    let located = 0;
    for (const component of components.getSourceComponents()) {
      const componentFailure = await convertToMetadataFormat(new ComponentSet([component]));
      if (componentFailure === undefined) continue;
      located++;
      const file = component.xml ?? component.content ?? sourceRoot;
      // Only child files matter: a comment before the root of the parent object file is harmless.
      const children = component.getChildren().map((child) => child.xml ?? '');
      const candidates = children.length > 0 ? children : [file];
      const commented: string[] = [];
      for (const candidate of candidates)
        if (await hasCommentBeforeRoot(candidate)) commented.push(projectRelative(project, candidate));
      report(
        file,
        'conversion',
        `${component.type.name} ${component.fullName} does not convert to Metadata API format, so \`sf project deploy\` fails: ` +
          `${componentFailure}.${commented.length > 0 ? commentBeforeRootHint(commented) : ''}`,
      );
    }
    if (located === 0) report(sourceRoot, 'conversion', `converting to Metadata API format failed: ${failure}`);
    return;
  }

  const covered = new Set<string>();
  for (const component of components.getSourceComponents()) collectFiles(component, covered);
  for (const file of files) {
    if (!covered.has(file) && !alreadyReported.has(file)) {
      report(
        file,
        'not-in-any-component',
        'SDR does not place this file in any metadata component, so it would never be deployed; ' +
          'check its folder and suffix against the metadata type it should belong to, or list it in .forceignore.',
      );
    }
  }
}

/** The cause seen in practice: SDR takes the first XML node of a child file (field, list view) as its root. */
function commentBeforeRootHint(files: readonly string[]): string {
  const named = files.length > 3 ? `${files.slice(0, 3).join(', ')} and ${files.length - 3} more` : files.join(', ');
  return ` SDR merges child files into their object by taking the first XML node as the root, and in ${named} that is a comment: move the comment inside the root element or drop it.`;
}

async function hasCommentBeforeRoot(file: string): Promise<boolean> {
  if (!file.endsWith('.xml')) return false;
  const text = await readFile(file, 'utf8').catch(() => '');
  const comment = text.indexOf('<!--');
  const root = text.search(/<[A-Za-z]/);
  return comment !== -1 && root !== -1 && comment < root;
}

/** Converts like `sf project convert source`; returns the error text, or undefined on success. */
async function convertToMetadataFormat(components: ComponentSet): Promise<string | undefined> {
  const outputDirectory = await mkdtemp(path.join(os.tmpdir(), 'verify-convert-'));
  try {
    await new MetadataConverter().convert(components, 'metadata', {
      type: 'directory',
      outputDirectory,
      genUniqueDir: false,
    });
    return undefined;
  } catch (error) {
    return describe(error);
  } finally {
    await rm(outputDirectory, { recursive: true, force: true });
  }
}

function collectFiles(component: SourceComponent, into: Set<string>): void {
  if (component.xml) into.add(component.xml);
  if (component.content) {
    for (const file of component.walkContent()) into.add(file);
    into.add(component.content);
  }
  for (const child of component.getChildren()) collectFiles(child, into);
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
