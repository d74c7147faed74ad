import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CsvStreamParser, CsvSyntaxError, csvLine, parseCsvBatches, parseCsvStream } from './csv.js';

const parseAll = (text: string, chunkSize: number) => {
  const parser = new CsvStreamParser();
  const records = [];
  for (let start = 0; start < text.length; start += chunkSize)
    records.push(...parser.push(text.slice(start, start + chunkSize)));
  records.push(...parser.end());
  return records.map((record) => [record.line, ...record.cells]);
};

test('records survive any chunking: quotes, escaped quotes, commas and line breaks in cells, CRLF, blank lines', () => {
  const text = 'a,b,c\r\n"x, y","say ""hi""",\n\n"multi\nline",2,3\nlast,"",end';
  const expected = [
    [1, 'a', 'b', 'c'],
    [2, 'x, y', 'say "hi"', ''],
    [4, 'multi\nline', '2', '3'],
    [6, 'last', '', 'end'],
  ];
  for (const size of [1, 2, 3, 5, 7, 1000]) assert.deepEqual(parseAll(text, size), expected, `chunks of ${size}`);
});

test('what csvLine writes parses back to the same cells', async () => {
  const rows = [['plain', ' padded ', 'comma,', 'quote"', 'line\nbreak', '']];
  const text = rows.map(csvLine).join('');
  const parsed = [];
  for await (const record of parseCsvStream([Buffer.from(text)])) parsed.push(record.cells);
  assert.deepEqual(parsed, rows);
  assert.equal(csvLine(['a', 'b']), 'a,b\n');
});

test('an unterminated quote is an error naming the line', () => {
  const parser = new CsvStreamParser();
  parser.push('a\n"open,\nstill');
  assert.throws(
    () => parser.end(),
    (error: CsvSyntaxError) => error.code === 'CSV_SYNTAX' && /line 2: unterminated/.test(error.message),
  );
});

test('multi-byte characters split across buffers decode intact', async () => {
  const bytes = Buffer.from('name\nZoë Ōtautahi\n');
  const parsed = [];
  for await (const record of parseCsvStream([bytes.subarray(0, 8), bytes.subarray(8, 15), bytes.subarray(15)]))
    parsed.push(record.cells[0]);
  assert.deepEqual(parsed, ['name', 'Zoë Ōtautahi']);
});

test('with maxCells, later cells are skipped (quoted line breaks still counted), and batches keep every record', async () => {
  const text = 'id,created,a,b\n"1","true","x\ny","z"\n2,false,plain,"q""uote"tail\n"3",true,,\n';
  const parser = new CsvStreamParser();
  const seen: [number, ...string[]][] = [];
  for await (const records of parseCsvBatches([Buffer.from(text.slice(0, 20)), Buffer.from(text.slice(20))], parser)) {
    for (const record of records) {
      seen.push([record.line, ...record.cells]);
      parser.maxCells = 2;
    }
  }
  assert.deepEqual(seen, [
    [1, 'id', 'created', 'a', 'b'],
    [2, '1', 'true'],
    [4, '2', 'false'],
    [5, '3', 'true'],
  ]);
});

test('skipped cells end their record at the right line break wherever the chunks split, with LF or CRLF', async () => {
  const text =
    '"sf__Id","sf__Created","a","b"\r\n"1","true","x\r\ny","say ""hi"", ok"\r\n"2","false","","""q"""\n"3","true","z",""';
  const expected = [
    [1, 'sf__Id', 'sf__Created'],
    [2, '1', 'true'],
    [4, '2', 'false'],
    [5, '3', 'true'],
  ];
  for (let split = 1; split < text.length; split++) {
    const parser = new CsvStreamParser();
    parser.maxCells = 2;
    const seen: (string | number)[][] = [];
    for await (const records of parseCsvBatches([text.slice(0, split), text.slice(split)], parser)) {
      for (const record of records) seen.push([record.line, ...record.cells]);
    }
    assert.deepEqual(seen, expected, `split at ${split}`);
  }
});

test('a quoted cell left open in the skipped part is an error, not a lost row', async () => {
  const parser = new CsvStreamParser();
  parser.maxCells = 1;
  await assert.rejects(async () => {
    for await (const records of parseCsvBatches(['"1","open\n'], parser)) void records;
  }, /line 1: unterminated quoted field/);
});
