import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PollWaits, nextPollWait } from './poll-schedule.js';

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

test('the waits of a pass end when one of its jobs ends, and otherwise run their time', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const waits = new PollWaits();
  const ended: string[] = [];
  const longer = waits.wait(5_000).then((how) => ended.push(`longer ${how}`));
  const long = waits.wait(4_000).then((how) => ended.push(`long ${how}`));
  t.mock.timers.tick(1_000);
  await Promise.resolve();
  assert.deepEqual([...ended], []);
  waits.wakeAll();
  await Promise.all([longer, long]);
  assert.deepEqual([...ended], ['longer woken', 'long woken']);

  // A wait begun after the wake is not cut short by it, and ends on its own at its time.
  const later = waits.wait(250).then((how) => ended.push(`later ${how}`));
  t.mock.timers.tick(249);
  await Promise.resolve();
  assert.equal(ended.length, 2);
  t.mock.timers.tick(1);
  await later;
  assert.deepEqual([...ended], ['longer woken', 'long woken', 'later elapsed']);
});

test('a job that ends while another is being looked at cuts the wait that follows the look', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const waits = new PollWaits();
  const mark = waits.mark;
  // Another job ends during this job's status request...
  waits.wakeAll();
  // ...so the wait planned from that request's answer ends at once.
  assert.equal(await waits.wait(5_000, mark), 'woken');
  // Without a wake since the mark, the wait runs.
  const unwoken = waits.wait(5_000, waits.mark);
  t.mock.timers.tick(5_000);
  assert.equal(await unwoken, 'elapsed');
});
