#!/usr/bin/env -S node --max-semi-space-size=4
// Entry point of the `gentrack-sf` CLI. It runs the JavaScript compiled into dist/ on install (`npm run build`)
// while that still matches the TypeScript sources, and otherwise the sources themselves through tsx, so an edit is
// live at once and dist/ is never run stale. dist/ spares long-running commands (the relay) tsx's loader thread.
//
// The shebang caps V8's young generation at 4 MB a semi-space (the default grows to 16): a long-running relay
// carries thousands of short-lived objects a second, and a larger space only holds their garbage as RSS. It also
// sets how much the old generation may grow past its live size (V8 adds the young generation's capacity to that
// limit). bench:relay, 6 runs each: peak RSS 153-162 MB with 8 MB semi-spaces (and 30 % heap growth), 147-150 MB
// with 4 MB (and run-relay.ts's 20 %), the same CPU per event and relay/raw ratio (twice the scavenges, each about
// half as long).
// V8 reads the flag only at start, so it cannot be set from here; where env has no -S (BusyBox), run
// `node --max-semi-space-size=4 bin/gentrack-sf.js`.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sourceFingerprint } from './source-fingerprint.js';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

function builtFingerprint() {
  try {
    return readFileSync(path.join(root, 'dist', 'fingerprint'), 'utf8').trim();
  } catch {
    return undefined;
  }
}

if (process.env.GENTRACK_SF_FROM_SOURCE !== '1' && builtFingerprint() === sourceFingerprint(root)) {
  process.setSourceMapsEnabled(true);
  await import('../dist/bin/main.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./main.ts');
}
