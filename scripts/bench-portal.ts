/**
 * `npm run bench:portal`: the portal's page times with a full store (issue 17's targets). The store gets 10,000
 * synchronisation runs and 10,000 dead letters (filed through the outbox's own path); the portal runs in this
 * process on it, as `gentrack-sf relay` starts it, and every page is fetched over HTTP by a signed-in admin, one
 * request at a time, to take the server's response time (request sent -> whole body read, on loopback). Then real
 * headless Chromium signs in and loads each page to read its first contentful paint. A benchmark, not a test: it
 * prints the table and exits 0.
 *
 * No relay runs in this process, so Validate Data Model and On-Demand Synchronisation render the page that says they
 * cannot run here (what the portal shows before anything is started); their forms are the same size.
 *
 * Options: --requests N (per page, default 200), --paints N (page loads per page in Chromium, default 5),
 * --history N and --letters N (default 10,000 each).
 */
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { SyncHistory } from '../relay/src/platform/db/sync-history.js';
import { PortalTestClient } from '../relay/src/portal/portal-test-client.js';
import {
  PASSWORDS,
  USERNAMES,
  signedInClient,
  startPortalHarness,
  type PortalHarness,
} from '../relay/src/portal/portal-test-harness.js';
import { reassemble } from '../relay/src/to-gentrack/reassemble.js';
import { RelayStore } from '../relay/src/to-gentrack/relay-store.js';
import { launchChromium } from '../test/e2e/chromium.js';
import { formatNumber, renderReport, type ReportRow } from './bench-relay/report.js';
import { percentile } from './bench-statistics.js';

const TARGETS = { responseP95Ms: 100, firstPaintMs: 1000 };

const { values: args } = parseArgs({
  options: {
    requests: { type: 'string', default: '200' },
    paints: { type: 'string', default: '5' },
    history: { type: 'string', default: '10000' },
    letters: { type: 'string', default: '10000' },
  },
});
const REQUESTS = Number(args.requests);
const PAINTS = Number(args.paints);
const HISTORY_RUNS = Number(args.history);
const DEAD_LETTERS = Number(args.letters);
const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

/** Runs as the CLI and the portal record them: mostly on-demand, one in a hundred an initial run with stages. */
function seedHistory(harness: PortalHarness): void {
  const history = new SyncHistory(harness.db);
  const base = Date.now() - HISTORY_RUNS * 60_000;
  harness.db.transaction(() => {
    for (let index = 0; index < HISTORY_RUNS; index++) {
      const initial = index % 100 === 0;
      const startedAt = base + index * 60_000;
      const id = history.recordSyncStart({
        id: `run-${index}`,
        kind: initial ? 'initial' : 'on-demand',
        subject: initial ? `extract /srv/extracts/extract-${index}` : `Account 001 Salesforce -> Gentrack #${index}`,
        initiatedBy: index % 2 ? 'jane@example.com (API client grc_1)' : 'otto (portal)',
        startedAt,
      });
      history.recordSyncEnd(id, {
        outcome: initial ? 'completed with errors' : index % 9 === 0 ? 'failed' : 'completed',
        counts: { records: initial ? 3_000 : 1, failed: initial ? 12 : 0 },
        endedAt: startedAt + 1_500,
        ...(initial
          ? {
              stages: ['preflight', 'accounts', 'contacts', 'relations'].map((name, stage) => ({
                name,
                startedAt: startedAt + stage * 300,
                endedAt: startedAt + stage * 300 + 290,
                outcome: 'completed' as const,
                counts: { created: 1_000, failed: 4 },
              })),
              reportLocation: 'https://acme.my.salesforce.com/069000000000001',
            }
          : {}),
      });
    }
  })();
}

/** Dead letters filed as the dispatcher files a change Gentrack refused, in batches of one outbox transaction. */
function seedDeadLetters(storePath: string): void {
  const outbox = RelayStore.open({ path: storePath, synchronous: 'NORMAL' });
  try {
    const reasons = ['BAD_REQUEST', 'NOT_FOUND', 'CONFLICT', 'VALIDATION'];
    for (let index = 0; index < DEAD_LETTERS; index++) {
      const recordId = `001${String(index).padStart(12, '0')}AAA`;
      const { stored } = outbox.ingest(
        '/event/Gentrack_Object_Event__e',
        [
          {
            replayId: String(index),
            part: {
              objectType: 'Account',
              operationType: 'UPDATE' as const,
              recordId,
              transactionId: `bench-${index}`,
              partNumber: 1,
              partTotal: 1,
              oldPayload: JSON.stringify({ Id: recordId, Name: `Customer ${index}` }),
              newPayload: JSON.stringify({ Id: recordId, Name: `Customer ${index} Ltd`, Phone: '+64 21 555 0100' }),
              changedFields: ['Name', 'Phone'],
              changedBy: 'jane.admin@example.com',
              changedAt: new Date().toISOString(),
            },
          },
        ],
        String(index),
        reassemble,
      );
      const reason = reasons[index % reasons.length]!;
      outbox.deadLetterChange(stored[0]!.seq, reason, `400 ${reason}: account ${index} was refused`, undefined);
    }
  } finally {
    outbox.close();
  }
}

interface PageTiming {
  readonly path: string;
  readonly p50: number;
  readonly p95: number;
  readonly max: number;
  readonly bytes: number;
}

async function timePage(client: PortalTestClient, path: string): Promise<PageTiming> {
  const times: number[] = [];
  let bytes = 0;
  for (let request = 0; request < REQUESTS; request++) {
    const started = performance.now();
    const response = await client.get(path);
    times.push(performance.now() - started);
    if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}`);
    bytes = Buffer.byteLength(response.body);
  }
  times.sort((a, b) => a - b);
  return { path, p50: percentile(times, 50), p95: percentile(times, 95), max: times.at(-1)!, bytes };
}

/** The pages, with the query strings an operator would use on a full store (filters, a later page, one item). */
async function pagesToTime(admin: PortalTestClient, harness: PortalHarness): Promise<string[]> {
  const firstHistory = await admin.get('/history');
  const next = /href="(\/history\?[^"]*before=[^"]*)"/.exec(firstHistory.body)?.[1]?.replaceAll('&amp;', '&');
  if (!next) throw new Error('the history page has no link to its next page');
  const letter = harness.db.prepare('SELECT MAX(id) AS id FROM dead_letters').get() as { id: number };
  const lastLetterPage = Math.ceil(DEAD_LETTERS / 50);
  return [
    '/',
    '/overview/figures',
    '/dead-letters',
    `/dead-letters?page=${lastLetterPage}`,
    '/dead-letters?reason=NOT_FOUND',
    `/dead-letters?q=${String(DEAD_LETTERS - 7).padStart(12, '0')}`,
    `/dead-letters/${letter.id}`,
    '/dead-letters/retry-all?reason=CONFLICT',
    '/history',
    next,
    '/history?kind=initial',
    '/history?outcome=failed&who=otto',
    `/history/run-${HISTORY_RUNS - 100}`,
    '/audit',
    '/validate-data-model',
    '/credentials',
    '/on-demand',
    '/initial-sync',
  ];
}

async function firstContentfulPaints(harness: PortalHarness, paths: readonly string[]): Promise<Map<string, number>> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(new URL('/login', harness.url).href);
    await page.getByLabel('User name').fill(USERNAMES.admin);
    await page.getByLabel('Password').fill(PASSWORDS.admin);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(new URL('/', harness.url).href);
    const worst = new Map<string, number>();
    for (const path of paths.filter((path) => path !== '/overview/figures')) {
      for (let load = 0; load < PAINTS; load++) {
        await page.goto(new URL(path, harness.url).href, { waitUntil: 'load' });
        const paint = await page.evaluate(
          () =>
            new Promise<number>((resolve) => {
              const [entry] = performance.getEntriesByName('first-contentful-paint');
              if (entry) return resolve(entry.startTime);
              new PerformanceObserver((list) => resolve(list.getEntries()[0]!.startTime)).observe({
                type: 'paint',
                buffered: true,
              });
            }),
        );
        worst.set(path, Math.max(worst.get(path) ?? 0, paint));
      }
    }
    return worst;
  } finally {
    await browser.close();
  }
}

async function main(): Promise<void> {
  const harness = await startPortalHarness();
  try {
    log(`seeding ${formatNumber(HISTORY_RUNS)} history runs and ${formatNumber(DEAD_LETTERS)} dead letters`);
    seedHistory(harness);
    seedDeadLetters(harness.storePath);
    const admin = await signedInClient(harness, 'admin');
    const paths = await pagesToTime(admin, harness);
    // Warm-up: the first request of each route compiles its code and fills SQLite's page cache.
    for (const path of paths) await admin.get(path);
    const timings: PageTiming[] = [];
    const signIn = new PortalTestClient(harness.url);
    timings.push(await timePage(signIn, '/login'));
    for (const path of paths) {
      timings.push(await timePage(admin, path));
      log(`${path}: p95 ${timings.at(-1)!.p95.toFixed(1)} ms`);
    }
    log(`first contentful paint in Chromium, ${PAINTS} loads per page`);
    const paints = await firstContentfulPaints(harness, paths);

    const rows: ReportRow[] = timings.map((timing) => ({
      metric: `GET ${timing.path}`,
      measured: `p50 ${timing.p50.toFixed(1)} / p95 ${timing.p95.toFixed(1)} / max ${timing.max.toFixed(1)} ms, ${formatNumber(timing.bytes / 1024, 1)} KB`,
      target: `p95 < ${TARGETS.responseP95Ms} ms`,
      met: timing.p95 < TARGETS.responseP95Ms,
    }));
    for (const [path, paint] of paints) {
      rows.push({
        metric: `first contentful paint ${path}`,
        measured: `${paint.toFixed(0)} ms (worst of ${PAINTS})`,
        target: `< ${TARGETS.firstPaintMs} ms`,
        met: paint < TARGETS.firstPaintMs,
      });
    }
    const slowest = timings.reduce((worst, timing) => (timing.p95 > worst.p95 ? timing : worst));
    process.stdout.write(
      renderReport('Portal benchmark (portal in this process, signed-in admin over loopback HTTP)', rows, [
        `${formatNumber(HISTORY_RUNS)} history runs and ${formatNumber(DEAD_LETTERS)} dead letters in the store; ${REQUESTS} sequential requests per page after one warm-up each.`,
        `Response time = request sent -> whole body read. Slowest p95: ${slowest.path} ${slowest.p95.toFixed(1)} ms.`,
        'First contentful paint: headless Chromium (Debian), the performance timeline of each load, the worst load counted.',
        'The bench:relay ratio with the portal on and off: npm run bench:relay -- --portal (see the README).',
      ]),
    );
  } finally {
    await harness.close();
  }
}

await main();
