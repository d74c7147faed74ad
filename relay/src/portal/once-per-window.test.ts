import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OncePerWindow } from './once-per-window.js';

test('the first occurrence of a key opens its window, the rest in it do not count, and after it the next does', () => {
  const once = new OncePerWindow();
  assert.equal(once.first('10.0.0.1', 0, 60_000), true);
  assert.equal(once.first('10.0.0.1', 59_999, 119_999), false);
  assert.equal(once.first('10.0.0.2', 30_000, 90_000), true, 'each key has its own window');
  assert.equal(once.first('10.0.0.1', 60_000, 120_000), true);
  assert.equal(once.first('10.0.0.1', 60_001, 120_001), false);
});

test('past its size the oldest keys are forgotten, so they count again', () => {
  const once = new OncePerWindow(2);
  assert.equal(once.first('a', 0, 60_000), true);
  assert.equal(once.first('b', 1, 60_001), true);
  assert.equal(once.first('c', 2, 60_002), true);
  assert.equal(once.first('b', 3, 60_003), false);
  assert.equal(once.first('c', 4, 60_004), false);
  assert.equal(once.first('a', 5, 60_005), true, 'a was dropped to keep two keys');
});
