/**
 * Writes generated files, or compares them with what is on disk (`--check`).
 *
 * The generators own force-app/ entirely (it holds nothing written by hand) plus a few single files. Writing builds
 * the whole tree in a temporary directory first and swaps it in, so a failure half-way leaves the old output whole.
 */
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { GeneratedFile } from './generated-file.js';

export const OWNED_DIRECTORY = 'force-app';

export interface OutputDifference {
  readonly path: string;
  readonly kind: 'missing' | 'changed' | 'not generated';
}

export async function compareWithDisk(
  files: readonly GeneratedFile[],
  projectRoot: string,
): Promise<OutputDifference[]> {
  const differences: OutputDifference[] = [];
  for (const file of files) {
    const onDisk = await readFile(path.join(projectRoot, file.path), 'utf8').catch(() => undefined);
    if (onDisk === undefined) differences.push({ path: file.path, kind: 'missing' });
    else if (onDisk !== file.content) differences.push({ path: file.path, kind: 'changed' });
  }
  const generated = new Set(files.map((file) => file.path));
  for (const existing of await listFiles(projectRoot, OWNED_DIRECTORY)) {
    if (!generated.has(existing)) differences.push({ path: existing, kind: 'not generated' });
  }
  return differences.sort((a, b) => a.path.localeCompare(b.path));
}

export async function writeGeneratedFiles(files: readonly GeneratedFile[], projectRoot: string): Promise<void> {
  const staging = path.join(projectRoot, `.${OWNED_DIRECTORY}.generating-${process.pid}`);
  const retired = path.join(projectRoot, `.${OWNED_DIRECTORY}.previous-${process.pid}`);
  await rm(staging, { recursive: true, force: true });
  try {
    const singles: GeneratedFile[] = [];
    for (const file of files) {
      if (!file.path.startsWith(`${OWNED_DIRECTORY}/`)) {
        singles.push(file);
        continue;
      }
      const target = path.join(staging, file.path.slice(OWNED_DIRECTORY.length + 1));
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, file.content);
    }
    const owned = path.join(projectRoot, OWNED_DIRECTORY);
    const hadOwned = await rename(owned, retired).then(
      () => true,
      () => false,
    );
    await rename(staging, owned);
    if (hadOwned) await rm(retired, { recursive: true, force: true });
    for (const file of singles) await writeAtomically(path.join(projectRoot, file.path), file.content);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

async function writeAtomically(target: string, content: string): Promise<void> {
  await mkdir(path.dirname(target), { recursive: true });
  const temporary = `${target}.generating-${process.pid}`;
  await writeFile(temporary, content);
  await rename(temporary, target);
}

async function listFiles(projectRoot: string, directory: string): Promise<string[]> {
  const entries = await readdir(path.join(projectRoot, directory), { withFileTypes: true, recursive: true }).catch(
    () => [],
  );
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(projectRoot, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'));
}
