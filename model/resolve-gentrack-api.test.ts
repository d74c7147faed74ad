/**
 * The model's gentrackApi section: reads open and writes closed by default, caching only of reads, and every
 * mistake refused at its line with the key to fix.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConnectorModel } from './load-model.js';
import { DEFAULT_MODEL, edit, problemsOf } from './model-test-fixture.js';
import { allowedOperations } from './gentrack-api-access.js';
import { GENTRACK_API_OPERATIONS, GENTRACK_API_OPERATION_NAMES } from './gentrack-operations.js';

const SECTION = `gentrackApi:
  cacheSeconds: 30
  operations:`;

test('the default model opens every read and, of the writes, only validate-meter-reads', () => {
  const model = parseConnectorModel(DEFAULT_MODEL, 'model.yaml');
  const open = allowedOperations(model.gentrackApi).map((operation) => operation.name);
  // In table order, as the model resolves them.
  const expected = GENTRACK_API_OPERATION_NAMES.filter(
    (name) => GENTRACK_API_OPERATIONS[name].method === 'GET' || name === 'validate-meter-reads',
  );
  assert.deepEqual(open, expected);
  const cache = Object.fromEntries(
    model.gentrackApi!.operations.map((operation) => [operation.name, operation.cacheSeconds]),
  );
  assert.equal(cache['get-account-bills'], 30, 'the section default');
  assert.equal(cache['get-bill-image'], 300, 'its own');
  assert.equal(cache['get-account-balance'], 0, 'never cached');
  assert.equal(cache['validate-meter-reads'], 0, 'a write is never cached');
  assert.deepEqual(model.gentrackApi!.accountSummary, { bills: 3, payments: 5 });
});

test('a read can be closed and a write opened; without the section nothing is open', () => {
  const text = edit(
    DEFAULT_MODEL,
    SECTION,
    `${SECTION}\n    get-account-review: { allow: false }\n    fix-bill: { allow: true }`,
  );
  const open = allowedOperations(parseConnectorModel(text, 'model.yaml').gentrackApi).map(
    (operation) => operation.name,
  );
  assert.ok(!open.includes('get-account-review'));
  assert.ok(open.includes('fix-bill'));
  const start = DEFAULT_MODEL.indexOf('gentrackApi:');
  const end = DEFAULT_MODEL.indexOf('\n\n', start);
  const without = DEFAULT_MODEL.slice(0, start) + DEFAULT_MODEL.slice(end + 2);
  assert.equal(parseConnectorModel(without, 'model.yaml').gentrackApi, undefined);
});

test('an unknown operation, a cached write and a bad lifetime are refused at their keys', () => {
  const problems = problemsOf(
    edit(
      DEFAULT_MODEL,
      SECTION,
      `${SECTION}\n    get-acount-balance: { allow: true }\n    fix-bill: { allow: true, cacheSeconds: 60 }\n    get-bill-meter-reads: { cacheSeconds: 7200 }`,
    ),
  );
  const messages = problems.map((problem) => `${problem.path}: ${problem.message}`);
  assert.ok(
    messages.some((m) =>
      m.startsWith('gentrackApi.operations.get-bill-meter-reads.cacheSeconds: cacheSeconds must be at most 3600'),
    ),
    messages.join('\n'),
  );
  const resolved = problemsOf(
    edit(
      DEFAULT_MODEL,
      SECTION,
      `${SECTION}\n    get-acount-balance: { allow: true }\n    fix-bill: { allow: true, cacheSeconds: 60 }`,
    ),
  );
  const texts = resolved.map((problem) => `${problem.path}: ${problem.message}`);
  assert.ok(
    texts.includes(
      'gentrackApi.operations.get-acount-balance: unknown Gentrack operation "get-acount-balance" (did you mean "get-account-balance"?); see model/gentrack-operations.ts',
    ),
    texts.join('\n'),
  );
  assert.ok(
    texts.includes('gentrackApi.operations.fix-bill.cacheSeconds: only GET answers are cached; fix-bill is a POST'),
    texts.join('\n'),
  );
  assert.ok(
    resolved.every((problem) => problem.line !== undefined),
    'each at its line',
  );
});

test('the Account summary needs its reads open, and the relay section', () => {
  const closed = problemsOf(
    edit(DEFAULT_MODEL, 'get-bill-image: { cacheSeconds: 300 }', 'get-bill-image: { allow: false }'),
  );
  assert.match(
    closed.map((problem) => problem.message).join('\n'),
    /reads get-bill-image, which gentrackApi\.operations\.get-bill-image\.allow closes/,
  );
  const start = DEFAULT_MODEL.indexOf('\nrelay:');
  const end = DEFAULT_MODEL.indexOf('\n\n', start + 1);
  const noRelay = problemsOf(DEFAULT_MODEL.slice(0, start) + DEFAULT_MODEL.slice(end + 1));
  assert.ok(
    noRelay.some((problem) => problem.path === 'gentrackApi' && /needs the relay section/.test(problem.message)),
  );
  const off = parseConnectorModel(
    edit(DEFAULT_MODEL, '  accountSummary:\n    bills: 3\n    payments: 5', '  accountSummary: false'),
    'model.yaml',
  );
  assert.equal(off.gentrackApi?.accountSummary, undefined);
});
