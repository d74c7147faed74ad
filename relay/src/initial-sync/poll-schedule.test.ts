import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nextPollWait } from './poll-schedule.js';

const settings = { pollIntervalMs: 250, pollMaxIntervalMs: 5_000 };

test('a job waiting its turn is polled with a growing wait, up to the maximum', () => {
  assert.equal(nextPollWait(settings, 250, 50_000, undefined, { processed: 0, at: 1_000 }), 375);
  assert.equal(nextPollWait(settings, 4_000, 50_000, { processed: 0, at: 1_000 }, { processed: 0, at: 5_000 }), 5_000);
  // No progress since the last look: still waiting, whatever was processed before.
  assert.equal(
    nextPollWait(settings, 1_000, 50_000, { processed: 10_000, at: 1_000 }, { processed: 10_000, at: 2_000 }),
    1_500,
  );
});

test('a processing job is looked at again when its rate says it will be done, with a margin', () => {
  // 10,000 records in 500 ms: 20 a ms; 30,000 left: 1,500 ms, plus 10 %.
  assert.equal(
    nextPollWait(settings, 4_000, 50_000, { processed: 10_000, at: 1_000 }, { processed: 20_000, at: 1_500 }),
    1_650,
  );
});

test('a job sharing the org with other jobs of its pass is looked at when it would be done alone', () => {
  // 20 a ms while 4 jobs processed: up to 80 a ms once the others end; 30,000 left: 375 ms, plus 10 %.
  assert.equal(
    nextPollWait(settings, 4_000, 50_000, { processed: 10_000, at: 1_000 }, { processed: 20_000, at: 1_500 }, 4),
    413,
  );
});

test('the estimate is kept between the first wait and the maximum', () => {
  assert.equal(nextPollWait(settings, 250, 50_000, { processed: 0, at: 0 }, { processed: 49_990, at: 1_000 }), 250);
  assert.equal(nextPollWait(settings, 250, 1_000_000, { processed: 0, at: 0 }, { processed: 10, at: 1_000 }), 5_000);
});
