/**
 * The node options `gentrack-sf` starts with: those on its shebang line (bin/gentrack-sf.js). Benchmarks start the
 * relay and the loader with them, as an operator's `gentrack-sf relay` or `gentrack-sf initial-sync` runs.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../model/project-root.js';

export const CLI_BIN = path.join(PROJECT_ROOT, 'bin/gentrack-sf.js');

/** The node options in gentrack-sf's `#!/usr/bin/env -S node <options>` line. */
export function cliNodeOptions(): string[] {
  const shebang = readFileSync(CLI_BIN, 'utf8').split('\n', 1)[0]!;
  const match = /^#!.*?\bnode\b(.*)$/.exec(shebang);
  return (match?.[1] ?? '').trim().split(/\s+/).filter(Boolean);
}
