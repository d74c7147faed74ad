/**
 * What the checks need to know about an SFDX project: where its source is (sfdx-project.json's package
 * directories) and which files in there are deployable (those .forceignore does not exclude, as the CLI sees them).
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { ForceIgnore } from '@salesforce/source-deploy-retrieve';
import { VerifyError, type CheckName, type Finding } from './finding.js';

export interface SfdxProject {
  /** Absolute path of the folder holding sfdx-project.json. */
  readonly root: string;
  /** Absolute paths of the package directories, in sfdx-project.json order. */
  readonly packageDirectories: readonly string[];
  readonly sourceApiVersion?: string;
}

interface SfdxProjectJson {
  packageDirectories?: { path?: unknown }[];
  sourceApiVersion?: unknown;
}

export async function readSfdxProject(projectDir: string): Promise<SfdxProject> {
  const root = path.resolve(projectDir);
  const file = path.join(root, 'sfdx-project.json');
  let json: SfdxProjectJson;
  try {
    json = JSON.parse(await readFile(file, 'utf8')) as SfdxProjectJson;
  } catch (error) {
    throw new VerifyError(
      'SFDX_PROJECT_UNREADABLE',
      `${file}: cannot read it as JSON (${(error as Error).message}); every SFDX project needs one at its root.`,
      { cause: error },
    );
  }
  const directories = (json.packageDirectories ?? [])
    .map((entry) => entry.path)
    .filter((entry): entry is string => typeof entry === 'string' && entry.length > 0);
  if (directories.length === 0) {
    throw new VerifyError(
      'SFDX_PROJECT_UNREADABLE',
      `${file}: "packageDirectories" lists no path; add { "path": "force-app", "default": true }.`,
    );
  }
  return {
    root,
    packageDirectories: directories.map((directory) => path.resolve(root, directory)),
    ...(typeof json.sourceApiVersion === 'string' ? { sourceApiVersion: json.sourceApiVersion } : {}),
  };
}

/**
 * readSfdxProject for one check: an unreadable sfdx-project.json is that check's finding (so the report names it under
 * the check that could not run) rather than an error; anything else is thrown.
 */
export async function readSfdxProjectFor(
  check: CheckName,
  projectDir: string,
): Promise<{ readonly project: SfdxProject } | { readonly unreadable: Finding }> {
  try {
    return { project: await readSfdxProject(projectDir) };
  } catch (error) {
    if (error instanceof VerifyError) {
      return { unreadable: { check, file: 'sfdx-project.json', rule: 'sfdx-project', message: error.message } };
    }
    throw error;
  }
}

/** Every deployable file under the package directories (absolute paths, sorted). Missing directories yield none. */
export async function listSourceFiles(project: SfdxProject): Promise<string[]> {
  const files: string[] = [];
  for (const directory of project.packageDirectories) {
    const forceIgnore = ForceIgnore.findAndCreate(directory);
    let entries: string[];
    try {
      entries = await readdir(directory, { recursive: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      const absolute = path.join(directory, entry);
      if (forceIgnore.denies(absolute)) continue;
      files.push(absolute);
    }
  }
  const stats = await Promise.all(files.map(async (file) => ({ file, isFile: await isFile(file) })));
  return stats
    .filter((entry) => entry.isFile)
    .map((entry) => entry.file)
    .sort();
}

async function isFile(file: string): Promise<boolean> {
  return (await stat(file)).isFile();
}

/** The path a finding shows: relative to the project root, with forward slashes. */
export function projectRelative(project: { root: string }, absolute: string): string {
  return path.relative(project.root, absolute).split(path.sep).join('/');
}
