import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { SyncHistory } from '../../relay/src/platform/db/sync-history.js';
import { formatHistory } from './history.js';

const CLI = fileURLToPath(new URL('../../bin/gentrack-sf.js', import.meta.url));
const run = promisify(execFile);

test('gentrack-sf history lists runs latest first, as a table or JSON', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'history-cli-'));
  try {
    const file = path.join(dir, 'relay.db');
    const history = SyncHistory.open(file);
    const initial = history.recordSyncStart({
      kind: 'initial',
      subject: 'extract /data/x',
      initiatedBy: 'ops',
      startedAt: Date.UTC(2026, 0, 2),
    });
    history.recordSyncEnd(initial, {
      outcome: 'completed with errors',
      counts: { created: 10, failed: 2 },
      reportLocation: '/data/report.csv',
      endedAt: Date.UTC(2026, 0, 2, 0, 1, 5),
    });
    history.recordSyncStart({
      kind: 'on-demand',
      subject: 'Account 001xx',
      initiatedBy: 'jo@example.com',
      startedAt: Date.UTC(2026, 0, 3),
    });
    history.close();

    const table = (await run(process.execPath, [CLI, 'history', '--store', file])).stdout;
    const lines = table.split('\n');
    assert.match(lines[0]!, /^STARTED \(UTC\)\s+KIND\s+TOOK\s+WHO\s+OUTCOME\s+COUNTS\s+WHAT/);
    assert.match(lines[1]!, /2026-01-03 00:00:00\s+on-demand\s+jo@example.com\s+unfinished\s+Account 001xx/);
    assert.match(
      lines[2]!,
      /2026-01-02 00:00:00\s+initial\s+65 s\s+ops\s+completed with errors\s+created 10, failed 2\s+extract \/data\/x/,
    );
    assert.match(table, /report: \/data\/report.csv/);

    const json = JSON.parse(
      (await run(process.execPath, [CLI, 'history', '--store', file, '--json', '--limit', '1'])).stdout,
    );
    assert.equal(json.length, 1);
    assert.deepEqual([json[0].kind, json[0].outcome, json[0].endedAt], ['on-demand', 'unfinished', null]);

    await assert.rejects(
      run(process.execPath, [CLI, 'history', '--store', file, '--limit', 'x']),
      (error: { stderr: string; code: number }) => {
        assert.equal(error.code, 1);
        assert.match(error.stderr, /--limit must be a positive whole number/);
        return true;
      },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a failed run shows the stage it failed at and its error', () => {
  const text = formatHistory([
    {
      id: 'r1',
      kind: 'initial',
      subject: 'x',
      initiatedBy: 'ops',
      startedAt: 0,
      endedAt: 500,
      stages: [],
      counts: {},
      outcome: 'failed',
      failedStage: 'contacts',
      error: 'the job failed',
    },
  ]);
  assert.match(text, /failed at contacts/);
  assert.match(text, /error: the job failed/);
});
