/** The heap estimate: what it counts, and that shared values count once. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { estimateHeap } from './heap-estimate.js';
import { ApexList, ApexMap, typeRef } from './values.js';

test('a String counts 2 bytes a character, a number 8, a collection a reference plus its elements', () => {
  assert.equal(estimateHeap(['abc']), 6);
  assert.equal(estimateHeap([42]), 8);
  assert.equal(estimateHeap([new ApexList(typeRef('String'), ['ab', 'cd'])]), 8 + 4 + 4);
  const map = new ApexMap(typeRef('String'), typeRef('Integer'));
  map.entries.set('s:k', ['k', 1]);
  assert.equal(estimateHeap([map]), 8 + 2 + 8);
});

test('an object reached twice, and a long String met twice, are counted once plus a reference', () => {
  const list = new ApexList(typeRef('Integer'), [1]);
  assert.equal(estimateHeap([list, list]), 8 + 8 + 8);
  const payload = 'x'.repeat(1000);
  assert.equal(estimateHeap([payload, payload]), 2000 + 8);
  assert.equal(estimateHeap(['short', 'short']), 20, 'short strings are counted where they are held');
});
