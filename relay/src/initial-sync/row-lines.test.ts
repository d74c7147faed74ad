import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RowLines } from './row-lines.js';

test('lines are found by key, beyond the expected size too; unknown keys give 0', () => {
  const lines = new RowLines(10);
  for (let index = 0; index < 50_000; index++) lines.set(`a${index}`, index + 2);
  for (let index = 0; index < 50_000; index += 997) assert.equal(lines.get(`a${index}`), index + 2);
  assert.equal(lines.get('a50000'), 0);
  assert.equal(lines.get(''), 0);
  lines.set('a7', 99);
  assert.equal(lines.get('a7'), 99, 'a key sent again takes its latest line');
});
