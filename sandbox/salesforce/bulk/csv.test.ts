/** The sandbox's Bulk API 2.0 CSV reader and writer. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CsvReader, QuoteFreeCsvReader, csvLine, parseCsv } from './csv.js';

test('quoted cells hold commas, doubled quotes and line breaks (LF and CRLF)', () => {
  assert.deepEqual(parseCsv('Name,Description\n"Smith, ""Jo""","line 1\nline 2"\n"a\r\nb",x\n'), [
    ['Name', 'Description'],
    ['Smith, "Jo"', 'line 1\nline 2'],
    ['a\r\nb', 'x'],
  ]);
});

test('LF, CRLF and lone CR end rows; blank lines are skipped; the last line needs no line break', () => {
  assert.deepEqual(parseCsv('A,B\r\n1,2\r\n\r\n3,4\r5,6\n\n7,8'), [
    ['A', 'B'],
    ['1', '2'],
    ['3', '4'],
    ['5', '6'],
    ['7', '8'],
  ]);
});

test('empty cells, a trailing comma and an empty quoted cell are empty strings', () => {
  assert.deepEqual(parseCsv('A,B,C\n,,\n1,,\n"",x,""\n9,'), [
    ['A', 'B', 'C'],
    ['', '', ''],
    ['1', '', ''],
    ['', 'x', ''],
    ['9', ''],
  ]);
  assert.deepEqual(parseCsv('A\n""\n'), [['A']], 'a row of one empty cell is a blank line');
});

test('a quote inside an unquoted cell is data, and text after a closing quote stays in the cell', () => {
  assert.deepEqual(parseCsv('A,B\n5" pipe,"quoted" tail\n'), [
    ['A', 'B'],
    ['5" pipe', 'quoted tail'],
  ]);
});

test('a quoted cell that never closes fails with INVALIDJOB, as the job does', () => {
  assert.throws(() => parseCsv('A,B\n1,"open\n2,3\n'), {
    errorCode: 'INVALIDJOB',
    message: /Unterminated quoted field/,
  });
  const reader = new CsvReader('A\n1\n"x');
  assert.deepEqual(reader.next(), ['A']);
  assert.deepEqual(reader.next(), ['1']);
  assert.throws(() => reader.next(), { errorCode: 'INVALIDJOB' });
});

test('rows are read one at a time, then undefined', () => {
  const reader = new CsvReader('A,B\n1,2\n');
  assert.deepEqual(reader.next(), ['A', 'B']);
  assert.deepEqual(reader.next(), ['1', '2']);
  assert.equal(reader.next(), undefined);
  assert.equal(new CsvReader('').next(), undefined);
});

test('result lines quote every cell and double quotes, and read back as written', () => {
  const line = csvLine(['001', 'He said "hi", then\nleft', '']);
  assert.equal(line, '"001","He said ""hi"", then\nleft",""\n');
  assert.deepEqual(parseCsv(line), [['001', 'He said "hi", then\nleft', '']]);
});

test('the text of the row last read, without its line break', () => {
  const reader = new CsvReader('A,B\r\n1,2\n\n3,\n4,"x\ny"');
  const texts: string[] = [];
  while (reader.next()) texts.push(reader.lastRowText());
  assert.deepEqual(texts, ['A,B', '1,2', '3,', '4,"x\ny"']);
});

test('the quote-free reader reads text without quotes or carriage returns exactly as the full reader does', () => {
  const texts = ['A,B,C\n,,\n1,,\n\n\nx,y,z', 'A\n1\n2\n', 'A,B\n9,', 'A,B\n,\n', '', '\n\n', 'A,B\n1,2,3\n4\n'];
  for (const text of texts) {
    assert.ok(!/["\r]/.test(text), 'the case is quote-free text');
    const full = new CsvReader(text);
    const quick = new QuoteFreeCsvReader(text);
    for (;;) {
      const expected = full.next();
      assert.deepEqual(quick.next(), expected, JSON.stringify(text));
      if (expected === undefined) break;
      assert.equal(quick.lastRowText(), full.lastRowText());
    }
  }
});
