import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OncePerWindow } from './once-per-window.js';

test('the first occurrence of a key in its window counts, the rest do not, and the next window counts again', () => {
  const once = new OncePerWindow(60_000);
  assert.equal(once.first('10.0.0.1', 0), true);
  assert.equal(once.first('10.0.0.1', 59_999), false);
  assert.equal(once.first('10.0.0.2', 30_000), true, 'each key has its own window');
  assert.equal(once.first('10.0.0.1', 60_000), true);
  assert.equal(once.first('10.0.0.1', 60_001), false);
});

test('past its size the oldest keys are forgotten, so they count again', () => {
  const once = new OncePerWindow(60_000, 2);
  assert.equal(once.first('a', 0), true);
  assert.equal(once.first('b', 1), true);
  assert.equal(once.first('c', 2), true);
  assert.equal(once.first('b', 3), false);
  assert.equal(once.first('c', 4), false);
  assert.equal(once.first('a', 5), true, 'a was dropped to keep two keys');
});
