import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { listExtractFolders, resolveExtractFolder } from './extract-folders.js';

/** A root with extracts, a file, a link inside and links leading out, next to a folder that is not under it. */
function layout(): { root: string; outside: string; cleanup(): void } {
  const base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'extract-folders-')));
  const root = path.join(base, 'extracts');
  const outside = path.join(base, 'secrets');
  for (const dir of [
    root,
    outside,
    path.join(root, 'march'),
    path.join(root, 'april', 'fixed'),
    path.join(root, '..dots'),
  ])
    mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(root, 'notes.txt'), 'not a folder');
  symlinkSync(outside, path.join(root, 'escape'));
  symlinkSync(path.join(root, 'march'), path.join(root, 'latest'));
  symlinkSync('../../secrets', path.join(root, 'april', 'up'));
  return { root, outside, cleanup: () => rmSync(base, { recursive: true, force: true }) };
}

test('a folder under the root resolves to its real path, however it is written', () => {
  const { root, cleanup } = layout();
  try {
    assert.deepEqual(resolveExtractFolder(root, 'march'), { ok: true, dir: path.join(root, 'march'), name: 'march' });
    assert.deepEqual(resolveExtractFolder(root, ' april/fixed/ '), {
      ok: true,
      dir: path.join(root, 'april', 'fixed'),
      name: 'april/fixed',
    });
    assert.equal(resolveExtractFolder(root, 'april/../march').ok, true, 'a .. that stays inside is fine');
    assert.equal(resolveExtractFolder(root, '..dots').ok, true, 'a name that starts with two dots is not a way up');
    const linked = resolveExtractFolder(root, 'latest');
    assert.ok(linked.ok && linked.dir === path.join(root, 'march'), 'a link to a folder inside the root is followed');
  } finally {
    cleanup();
  }
});

test('anything outside the root is refused with a message naming the root', () => {
  const { root, outside, cleanup } = layout();
  try {
    const refusal = (name: unknown) => {
      const choice = resolveExtractFolder(root, name);
      assert.equal(choice.ok, false, `${String(name)} is refused`);
      return choice.ok ? '' : choice.message;
    };
    assert.match(refusal('..'), /"\.\." is outside the extract folder .*extracts: only folders under it/);
    assert.match(refusal('../secrets'), /is outside the extract folder/);
    assert.match(refusal('march/../../secrets'), /is outside the extract folder/);
    assert.match(refusal(outside), /is an absolute path: give a folder under .*extracts, relative to it/);
    assert.match(refusal('C:\\Windows'), /is an absolute path/);
    assert.match(
      refusal('escape'),
      new RegExp(`leads outside the extract folder .* \\(through a symbolic link, to ${outside}\\)`),
    );
    assert.match(refusal('april/up'), /leads outside the extract folder/);
    assert.match(refusal('.'), /is outside the extract folder/, 'the root itself is not an extract');
    assert.match(refusal('notes.txt'), /is a file, not a folder/);
    assert.match(refusal('june'), /There is no folder "june" under/);
    assert.match(refusal(''), /Choose an extract/);
    assert.match(refusal(undefined), /Choose an extract/);
    assert.match(refusal('march\0'), /cannot be a folder/);
  } finally {
    cleanup();
  }
});

test('the list offers the folders that may be loaded, and neither files nor links leading out', () => {
  const { root, cleanup } = layout();
  try {
    assert.deepEqual(listExtractFolders(root), ['april', 'latest', 'march']);
    assert.deepEqual(listExtractFolders(path.join(root, 'missing')), []);
    assert.match(
      (resolveExtractFolder(path.join(root, 'missing'), 'x') as { message: string }).message,
      /does not exist on the relay host: fix portal\.initialSync\.extractRoot/,
    );
  } finally {
    cleanup();
  }
});
