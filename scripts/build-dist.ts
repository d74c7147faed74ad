/**
 * `npm run build` (also run on install): compiles the TypeScript sources into plain JavaScript in dist/, file by
 * file with esbuild (the compiler tsx itself uses), so `gentrack-sf` runs without a TypeScript loader. That loader
 * keeps a second V8 isolate on its own thread for the whole life of the process: about 35 MB of a long-running
 * relay's memory. The entry point (bin/gentrack-sf.js) uses dist/ only while the fingerprint written here still
 * matches the sources; after any edit it runs the sources through tsx until the next build, so dist/ is never stale.
 */
import { build } from 'esbuild';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sourceFiles, sourceFingerprint } from '../bin/source-fingerprint.js';
import { PROJECT_ROOT } from '../model/project-root.js';

const DIST = path.join(PROJECT_ROOT, 'dist');

async function main(): Promise<void> {
  const fingerprint = sourceFingerprint(PROJECT_ROOT);
  rmSync(DIST, { recursive: true, force: true });
  mkdirSync(DIST, { recursive: true });
  const started = performance.now();
  await build({
    absWorkingDir: PROJECT_ROOT,
    entryPoints: sourceFiles(PROJECT_ROOT),
    outdir: DIST,
    outbase: '.',
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Stack traces point at the TypeScript lines (the entry point turns source maps on).
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  const missing = unresolvedImports(
    sourceFiles(PROJECT_ROOT).map((file) => path.join(DIST, file.replace(/\.ts$/, '.js'))),
  );
  if (missing.length > 0) {
    throw new Error(
      `compiled modules import files outside dist/ (add their folder to SOURCE_DIRS in bin/source-fingerprint.js):\n${missing.join('\n')}`,
    );
  }
  writeFileSync(path.join(DIST, 'fingerprint'), `${fingerprint}\n`);
  process.stdout.write(
    `dist/: ${sourceFiles(PROJECT_ROOT).length} files compiled in ${Math.round(performance.now() - started)} ms\n`,
  );
}

/** Relative imports (static or dynamic) of the compiled modules that point at no compiled file. */
function unresolvedImports(modules: readonly string[]): string[] {
  const missing: string[] = [];
  for (const module of modules) {
    for (const match of readFileSync(module, 'utf8').matchAll(/(?:from|import\()\s*["'](\.\.?\/[^"']+)["']/g)) {
      const target = path.resolve(path.dirname(module), match[1]!);
      if (!existsSync(target)) missing.push(`${path.relative(PROJECT_ROOT, module)} -> ${match[1]}`);
    }
  }
  return missing;
}

await main();
