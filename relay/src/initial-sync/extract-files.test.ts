import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connectorModel } from '../platform/connector-model.generated.js';
import {
  countRecords,
  csvHeader,
  ExtractError,
  ignoredExtractFiles,
  locateExtractFiles,
  readExtract,
  type ExtractRow,
} from './extract-files.js';
import { loadPlan } from './load-plan.js';

const plans = loadPlan(connectorModel);

function withExtract(files: Record<string, string>, run: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'extract-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return run(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

async function rows(dir: string, object: string): Promise<ExtractRow[]> {
  const file = locateExtractFiles(dir, plans).find((candidate) => candidate.plan.object === object)!;
  const found: ExtractRow[] = [];
  for await (const row of readExtract(file)) found.push(row);
  return found;
}

test('JSON Lines: LF or CRLF, blank lines skipped, bad lines reported with their line number', () =>
  withExtract(
    {
      'accounts.jsonl':
        '{"accountNumber":"A1","account":{"name":"Zoë"}}\r\n\r\nnot json\r\n[1]\n{"accountNumber":"A2"}',
    },
    async (dir) => {
      const found = await rows(dir, 'Account');
      assert.deepEqual(
        found.map((row) =>
          'error' in row
            ? [row.line, row.error.split(':')[0]]
            : [row.line, row.record.get('accountNumber'), row.record.get('account.name')],
        ),
        [
          [1, 'A1', 'Zoë'],
          [3, 'is not valid JSON'],
          [4, 'is not a JSON object'],
          [5, 'A2', undefined],
        ],
      );
    },
  ));

test('a byte order mark is dropped, and a character split between two reads is read whole', async () => {
  await withExtract(
    {
      'accounts.jsonl': '\ufeff{"accountNumber":"A1"}\n',
      'contacts.csv': '\ufeffcustomerNumber,contact.lastName\nC1,Smith\n',
    },
    async (dir) => {
      const [account] = await rows(dir, 'Account');
      assert.equal(account && 'record' in account ? account.record.get('accountNumber') : account, 'A1');
      const [contact] = await rows(dir, 'Contact');
      assert.equal(contact && 'record' in contact ? contact.record.get('customerNumber') : contact, 'C1');
    },
  );
  // The extract is read 128 KiB at a time: the two bytes of this 'ë' straddle the first boundary.
  const prefix = '{"accountNumber":"A1","account":{"name":"';
  const name = `${'x'.repeat(128 * 1024 - prefix.length - 1)}ë`;
  await withExtract({ 'accounts.jsonl': `${prefix}${name}"}}\n{"accountNumber":"A2"}\n` }, async (dir) => {
    const found = await rows(dir, 'Account');
    assert.deepEqual(
      found.map((row) =>
        'record' in row ? (row.record.get('account.name') ?? row.record.get('accountNumber')) : row.error,
      ),
      [name, 'A2'],
    );
  });
});

test('CSV: the header names Gentrack paths; a row with the wrong number of cells is reported; unknown columns are listed', () =>
  withExtract(
    { 'contacts.csv': 'customerNumber,contact.lastName,loyaltyTier\nC1,"Ngata, Jr",gold\nC2,Smith\n' },
    async (dir) => {
      const found = await rows(dir, 'Contact');
      assert.deepEqual(
        found.map((row) =>
          'error' in row
            ? [row.line, row.error]
            : [
                row.line,
                row.record.get('customerNumber'),
                row.record.get('contact.lastName'),
                row.record.get('contact.email'),
              ],
        ),
        [
          [2, 'C1', 'Ngata, Jr', undefined],
          [3, 'has 2 columns, the header 3'],
        ],
      );
      const file = locateExtractFiles(dir, plans)[0]!;
      assert.deepEqual((await csvHeader(file)).unknown, ['loyaltyTier']);
      assert.equal(await countRecords(file), 2);
    },
  ));

test('a CSV column one typo away from a mapped path is refused with the path it meant; other files are named', () =>
  withExtract(
    {
      'contacts.csv': 'customerNumber,contact.firstname,contact.lastName\nC1,Aroha,Ngata\n',
      'Accounts.CSV': 'x',
      'notes.txt': 'y',
    },
    async (dir) => {
      const files = locateExtractFiles(dir, plans);
      await assert.rejects(csvHeader(files[0]!), (error: ExtractError) => {
        assert.equal(error.code, 'INVALID_EXTRACT');
        assert.match(
          error.message,
          /contacts\.csv:1: the header names columns the model does not map: "contact\.firstname" \(did you mean "contact\.firstName"\?\)/,
        );
        return true;
      });
      assert.deepEqual(ignoredExtractFiles(dir, files), ['Accounts.CSV', 'notes.txt']);
    },
  ));

test('the extract directory must hold at least one known file, and not both formats of one', async () => {
  await withExtract({ 'notes.txt': 'x' }, async (dir) => {
    assert.throws(
      () => locateExtractFiles(dir, plans),
      (error: ExtractError) => error.code === 'INVALID_EXTRACT' && /accounts\.jsonl or \.csv/.test(error.message),
    );
  });
  await withExtract({ 'accounts.jsonl': '', 'accounts.csv': '' }, async (dir) => {
    assert.throws(() => locateExtractFiles(dir, plans), /both accounts\.jsonl and accounts\.csv/);
  });
  await withExtract({ 'relations.csv': 'relationship.accountNumber\nA1\n' }, async (dir) => {
    await assert.rejects(csvHeader(locateExtractFiles(dir, plans)[0]!), /no relationship\.relationshipId column/);
  });
  assert.throws(() => locateExtractFiles('/nonexistent/extract', plans), /does not exist/);
});
