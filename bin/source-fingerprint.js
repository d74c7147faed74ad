// Which TypeScript sources the compiled copy in dist/ was built from: their paths and contents, hashed. Contents,
// not modification times: a copied tree, a `touch` or a checkout that rewrites unchanged files must not silently
// turn an operator's relay onto the heavier run-from-source path. Shared by the build (scripts/build-dist.ts writes it) and the CLI entry point (which compares it), in plain
// JavaScript because the entry point reads it before any TypeScript loader exists.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The folders compiled into dist/, relative to the project root. */
export const SOURCE_DIRS = ['bin', 'cli', 'generators', 'model', 'relay/src', 'sandbox', 'scripts/demo', 'sf-plugin'];

/** Relative paths of the compiled sources: TypeScript, not tests, not templates' own files. */
export function sourceFiles(root) {
  const files = [];
  const walk = (dir) => {
    for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const relative = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(relative);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && !entry.name.endsWith('.d.ts'))
        files.push(relative);
    }
  };
  for (const dir of SOURCE_DIRS) walk(dir);
  return files.sort();
}

export function sourceFingerprint(root) {
  const hash = createHash('sha256');
  for (const file of sourceFiles(root)) {
    const content = readFileSync(path.join(root, file));
    hash.update(`${file}\0${content.length}\0`);
    hash.update(content);
  }
  return hash.digest('hex');
}

/** Whether dist/ was built from the sources as they are now (the entry points then run it, else the sources). */
export function distIsCurrent(root) {
  if (process.env.GENTRACK_SF_FROM_SOURCE === '1') return false;
  try {
    return readFileSync(path.join(root, 'dist', 'fingerprint'), 'utf8').trim() === sourceFingerprint(root);
  } catch {
    return false;
  }
}
