import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SequenceTable } from './sequence-table.js';

test('values are found by number across pages, and iterate in number order whatever order they were set in', () => {
  const table = new SequenceTable<string>();
  const numbers = [5, 4095, 4096, 1, 9_000_000, 70_000, 2 ** 40 + 3, 0];
  for (const number of numbers) table.set(number, `v${number}`);
  for (const number of numbers) assert.equal(table.get(number), `v${number}`);
  assert.equal(table.get(2), undefined);
  assert.equal(table.get(2 ** 40 + 4), undefined);
  assert.equal(table.get(123_456_789), undefined, 'a page that was never created');
  assert.deepEqual(
    [...table.values()],
    [...numbers].sort((a, b) => a - b).map((number) => `v${number}`),
  );
});

test('a value set again replaces the old one in place; a deleted one is gone', () => {
  const table = new SequenceTable<string>();
  for (let number = 1; number <= 10_000; number++) table.set(number, `v${number}`);
  table.set(3, 'three');
  table.delete(4);
  table.delete(50_000);
  assert.equal(table.get(3), 'three');
  assert.equal(table.get(4), undefined);
  const values = [...table.values()];
  assert.equal(values.length, 9_999);
  assert.deepEqual(values.slice(0, 4), ['v1', 'v2', 'three', 'v5']);
});
