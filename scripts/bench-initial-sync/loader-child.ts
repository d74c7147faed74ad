/**
 * The benchmark's loader: `runInitialSync` exactly as `gentrack-sf initial-sync` runs it (its own process, relay
 * configuration and secrets, the integration user's session), printing the result, its peak RSS and CPU time as JSON.
 * Arguments: <relay config file> <extract dir> <report dir> <store file>. BENCH_MEMORY_TRACE=1 prints its memory
 * (RSS, heap, external) every half second to stderr.
 */
import { readFileSync } from 'node:fs';
import { initialSyncCommand } from '../../relay/src/initial-sync/initial-sync-command.js';
import { SyncHistory } from '../../relay/src/platform/db/sync-history.js';

const [configFile, extract, reportDir, store] = process.argv.slice(2) as [string, string, string, string];
const peaks = { rss: 0, heapUsed: 0, heapTotal: 0, external: 0, arrayBuffers: 0 };
const sampler = setInterval(
  () => {
    const usage = process.memoryUsage() as unknown as Record<string, number>;
    for (const key of Object.keys(peaks) as (keyof typeof peaks)[]) peaks[key] = Math.max(peaks[key], usage[key]!);
    if (process.env.BENCH_MEMORY_TRACE)
      process.stderr.write(
        `[mem] ${Object.entries(usage)
          .map(([k, v]) => `${k}=${Math.round(v / 1048576)}`)
          .join(' ')} ${residentKinds()}\n`,
      );
  },
  process.env.BENCH_MEMORY_TRACE ? 500 : 100,
);
sampler.unref();
/** Anonymous memory (heap, buffers) and file-backed pages (the node binary's code and ICU data) of the RSS. */
function residentKinds(): string {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    return ['RssAnon', 'RssFile']
      .map((name) => `${name}=${Math.round(Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024)}`)
      .join(' ');
  } catch {
    return '';
  }
}
const startedAt = Date.now();
const code = await initialSyncCommand({ extract, reportDir, configFile, store, output: process.stderr });
const seconds = (Date.now() - startedAt) / 1000;
const history = SyncHistory.open(store);
const [run] = history.list({ limit: 1 });
history.close();
const usage = process.resourceUsage();
process.stdout.write(
  `${JSON.stringify({ code, seconds, outcome: run?.outcome, stages: run?.stages, counts: run?.counts, peakRssBytes: usage.maxRSS * 1024, cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6, peaks })}\n`,
);
process.exit(0);
