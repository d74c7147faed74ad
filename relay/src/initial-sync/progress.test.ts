import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createProgress, duration } from './progress.js';
import { parseBulkError } from './bulk-pass.js';

const capture = (tty: boolean) => {
  let text = '';
  let time = 0;
  const progress = createProgress(
    { write: (chunk: string) => (text += chunk) },
    { tty, intervalMs: 5_000, now: () => time },
  );
  return { progress, text: () => text, advanceClock: (ms: number) => (time += ms) };
};

test('in a terminal one line is redrawn with a bar, records done of the total, the rate and the stage', () => {
  const { progress, text, advanceClock } = capture(true);
  progress.setTotal(1000);
  progress.stage('accounts');
  advanceClock(2_000);
  progress.advance(500);
  assert.match(
    text(),
    /== accounts\n\r\x1b\[K\[#{12}\.{12}\] accounts: 500 of 1,000 records \(50%\), 250 records\/s, about 2 s left$/,
  );
  progress.note('a warning');
  assert.match(text(), /\r\x1b\[Ka warning\n$/, 'a note clears the bar first');
});

test('elsewhere plain lines are written at each stage and every few seconds, not per record', () => {
  const { progress, text, advanceClock } = capture(false);
  progress.setTotal(300);
  progress.stage('contacts');
  progress.advance(100);
  advanceClock(1_000);
  progress.advance(100);
  assert.equal(text(), '== contacts\n', 'nothing before the interval');
  advanceClock(5_000);
  progress.advance(100);
  assert.equal(text(), '== contacts\ncontacts: 300 of 300 records (100%), 50 records/s\n');
  assert.doesNotMatch(text(), /\r|\x1b/);
});

test('the time left is estimated at the current rate, in words a person reads', () => {
  const { progress, text, advanceClock } = capture(false);
  progress.setTotal(1_000_000);
  progress.stage('accounts');
  advanceClock(10_000);
  progress.advance(50_000);
  assert.match(text(), /accounts: 50,000 of 1,000,000 records \(5%\), 5,000 records\/s, about 3 min 10 s left\n$/);
  assert.equal(duration(42), '42 s');
  assert.equal(duration(4_800), '1 h 20 min');
});

test("Bulk API's sf__Error splits into the code and the message", () => {
  assert.deepEqual(parseBulkError('REQUIRED_FIELD_MISSING:Required fields are missing: [LastName]:LastName --'), {
    errorCode: 'REQUIRED_FIELD_MISSING',
    message: 'Required fields are missing: [LastName]',
  });
  assert.deepEqual(
    parseBulkError('INVALID_FIELD:Foreign key external ID: A-9 not found for field X in entity Account: --'),
    {
      errorCode: 'INVALID_FIELD',
      message: 'Foreign key external ID: A-9 not found for field X in entity Account',
    },
  );
});
