#!/usr/bin/env -S node --max-semi-space-size=8 --no-allocation-site-pretenuring --v8-pool-size=1
// Entry point of the `gentrack-sf` CLI. It runs the JavaScript compiled into dist/ on install (`npm run build`)
// while that still matches the TypeScript sources, and otherwise the sources themselves through tsx, so an edit is
// live at once and dist/ is never run stale. dist/ spares long-running commands (the relay) tsx's loader thread.
//
// The shebang caps V8's young generation at 8 MB a semi-space (the default grows to 16): a long-running relay
// carries thousands of short-lived objects a second, and the larger space only held their garbage as RSS
// (bench:relay: peak 199 -> 181 MB at the same CPU per event). 4 MB saves about 8 MB more but costs throughput:
// twice the scavenges (about 310 a run instead of 155), and in quiet back-to-back runs of bench:relay a relay/raw
// ratio of 45 % (median of 11 runs) against 51 % (11 runs) at 8 MB.
// It also turns V8's allocation-site pretenuring off: under load a change and its delivery's objects outlive a
// scavenge or two while in flight, V8 then allocates them straight into the old generation, where they die and wait
// for a full collection. bench:relay, alternated runs, relay / raw: 58, 50, 51 % without it against 54, 36, 47 % with.
// And it gives V8 one background thread instead of node's four: the relay's collections are small and frequent, and
// on busy cores four helpers only compete with the event loop (and with each other) for CPU. The CPU per event stayed
// the same (186-227 µs, all threads); what changed is how much of it the relay gets when it needs it.
// bench:relay, six alternated pairs on 2 cores, relay / raw: 67, 62, 57, 62, 72, 54 % with one against 57, 52, 53, 50,
// 48, 65 % with four; peak RSS 148-151 against 150-156 MB.
// V8 reads these flags only at start, so they cannot be set from here; where env has no -S (BusyBox), run
// `node --max-semi-space-size=8 --no-allocation-site-pretenuring --v8-pool-size=1 bin/gentrack-sf.js`.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { distIsCurrent } from './source-fingerprint.js';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

if (distIsCurrent(root)) {
  process.setSourceMapsEnabled(true);
  await import('../dist/bin/main.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./main.ts');
}
