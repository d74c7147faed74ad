/**
 * Which folders may be loaded as an extract: folders under the configured root, and nothing else. A name typed or
 * posted is resolved on the server, lexically (`..`, absolute paths) and then physically (symbolic links are
 * followed, and the real folder must still be under the real root), so no form field can point a load elsewhere.
 */
import { readdirSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';

export type ExtractChoice =
  { readonly ok: true; readonly dir: string; readonly name: string } | { readonly ok: false; readonly message: string };

/** `name` (relative to `root`, as the page lists them) as a real folder under the root, or why it may not be loaded. */
export function resolveExtractFolder(root: string, name: unknown): ExtractChoice {
  const requested = typeof name === 'string' ? name.trim() : '';
  const refuse = (why: string): ExtractChoice => ({ ok: false, message: why });
  if (requested === '') return refuse(`Choose an extract: a folder under ${root}.`);
  if (requested.includes('\0') || requested.length > 1024) return refuse('That folder name cannot be a folder.');
  if (path.isAbsolute(requested) || path.win32.isAbsolute(requested))
    return refuse(`"${requested}" is an absolute path: give a folder under ${root}, relative to it.`);
  const lexical = path.resolve(root, requested);
  if (!inside(path.resolve(root), lexical))
    return refuse(`"${requested}" is outside the extract folder ${root}: only folders under it can be loaded.`);
  let realRoot: string;
  try {
    realRoot = realpathSync(root);
  } catch {
    return refuse(`The extract folder ${root} does not exist on the relay host: fix portal.initialSync.extractRoot.`);
  }
  let real: string;
  try {
    real = realpathSync(lexical);
  } catch {
    return refuse(`There is no folder "${requested}" under ${root}.`);
  }
  if (!inside(realRoot, real))
    return refuse(
      `"${requested}" leads outside the extract folder ${root} (through a symbolic link, to ${real}): only folders under it can be loaded.`,
    );
  if (!statSync(real).isDirectory()) return refuse(`"${requested}" under ${root} is a file, not a folder.`);
  return { ok: true, dir: real, name: path.relative(realRoot, real).split(path.sep).join('/') };
}

/** The folders directly under the root that may be loaded (links leading outside it are left out), by name. */
export function listExtractFolders(root: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(root);
  } catch {
    return [];
  }
  return entries
    .filter((entry) => !entry.startsWith('.'))
    .filter((entry) => resolveExtractFolder(root, entry).ok)
    .sort((a, b) => a.localeCompare(b));
}

/** Strictly under `parent` (the root itself is not an extract). */
function inside(parent: string, candidate: string): boolean {
  const relative = path.relative(parent, candidate);
  return relative !== '' && relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
}
