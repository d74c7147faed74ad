// The sf plugin's command list as oclif loads it (package.json `oclif.commands`, explicit strategy): the compiled
// commands in dist/ while they match the sources, and otherwise the sources through tsx, as bin/gentrack-sf.js
// does, so `sf gentrack ...` never runs a stale build after an edit. oclif itself cannot transpile a linked ESM
// plugin (it says so unless OCLIF_DISABLE_LINKED_ESM_WARNING=true), hence this.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { distIsCurrent } from './source-fingerprint.js';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

async function load() {
  if (distIsCurrent(root)) return import('../dist/sf-plugin/commands.js');
  const { register } = await import('tsx/esm/api');
  register();
  return import('../sf-plugin/commands.ts');
}

export const { COMMANDS } = await load();
