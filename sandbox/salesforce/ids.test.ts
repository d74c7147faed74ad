import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IdSequence, caseSafeSuffix, customKeyPrefix, mintedSequence, toId18 } from './org/ids.js';

test('the case-safe suffix encodes the upper-case letters of each 5-character block', () => {
  assert.equal(caseSafeSuffix('0015000000Gv7qJ'), 'AAR');
  assert.equal(toId18('0015000000Gv7qJ'), '0015000000Gv7qJAAR');
});

test('an 18-character id survives a change of case; anything else is not an id', () => {
  assert.equal(toId18('0015000000gv7qjaar'), '0015000000Gv7qJAAR');
  assert.equal(toId18('0015000000Gv7qJAAR'), '0015000000Gv7qJAAR');
  for (const notAnId of ['', 'abc', '0015000000Gv7qJ-AR', '0015000000Gv7qJ9AR', '0015000000Gv7qJAA'])
    assert.equal(toId18(notAnId), undefined, notAnId);
});

test('minted ids carry the key prefix, are unique, and are their own 18-character form', () => {
  const ids = new IdSequence();
  const minted = Array.from({ length: 1000 }, () => ids.mint('003'));
  assert.equal(new Set(minted.map((id) => id.toLowerCase())).size, 1000);
  for (const id of minted) {
    assert.match(id, /^003[0-9a-zA-Z]{12}[A-Z0-5]{3}$/);
    assert.equal(toId18(id), id);
  }
  // Prefix, pod, then the counter in base 62: the 1st, 10th and 62nd ids minted.
  assert.deepEqual(
    [minted[0]!.slice(0, 15), minted[9]!.slice(0, 15), minted[61]!.slice(0, 15)],
    ['0038d0000000001', '0038d000000000A', '0038d0000000010'],
  );
  assert.deepEqual([minted[0]!, minted[61]!].map(mintedSequence), [1, 62]);
  for (const notMinted of ['0038d0000000001', '0038d00000000-1AAA', ''])
    assert.equal(mintedSequence(notMinted), undefined, notMinted);
  assert.deepEqual(
    [customKeyPrefix('object', 0), customKeyPrefix('object', 63), customKeyPrefix('event', 1)],
    ['a00', 'a11', 'e01'],
  );
});
