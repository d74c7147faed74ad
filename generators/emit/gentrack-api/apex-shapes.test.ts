/**
 * How GentrackApi's classes are named and typed from the operation table's shapes: reserved words, standard
 * objects, one class per shape, a clash under one name, and the samples the generated tests use.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { parseConnectorModel } from '../../../model/load-model.js';
import { DEFAULT_MODEL, edit } from '../../../model/model-test-fixture.js';
import { ApexShapes, apexIdentifier, jsonSchemaOf, sampleOf } from './apex-shapes.js';
import { gentrackApiClientOf } from './render-gentrack-api.js';

test('Apex reserved words get a suffix, in any case; other names stay', () => {
  assert.equal(apexIdentifier('currency'), 'currencyValue');
  assert.equal(apexIdentifier('Limit'), 'LimitValue');
  assert.equal(apexIdentifier('accountNumber'), 'accountNumber');
});

test('nested objects become classes named after their property; the same shape is one class, another shape under the same name gets its parent in front', () => {
  const shapes = new ApexShapes();
  const line = z.looseObject({ amount: z.number() });
  shapes.addObject(
    'Invoice',
    jsonSchemaOf(z.looseObject({ lines: z.array(line), account: z.looseObject({ id: z.string() }) }), 'output'),
    'response',
    '',
  );
  shapes.addObject(
    'Quote',
    jsonSchemaOf(z.looseObject({ lines: z.array(line), transaction: z.looseObject({ id: z.number() }) }), 'output'),
    'response',
    '',
  );
  shapes.addObject(
    'Order',
    jsonSchemaOf(z.looseObject({ lines: z.array(z.looseObject({ sku: z.string() })) }), 'output'),
    'response',
    '',
  );
  assert.deepEqual(
    [...shapes.classes.keys()],
    ['Invoice', 'Line', 'AccountDetails', 'QuoteDetails', 'TransactionRecord', 'OrderDetails', 'OrderDetailsLine'],
  );
  const invoice = shapes.classes.get('Invoice')!;
  assert.deepEqual(
    invoice.fields.map((field) => [field.apexName, field.type]),
    [
      ['lines', { kind: 'list', of: { kind: 'class', name: 'Line' } }],
      ['account', { kind: 'class', name: 'AccountDetails' }],
    ],
  );
});

test('samples fill every property with a valid value: enums, dates, nullable text', () => {
  const schema = jsonSchemaOf(
    z.looseObject({
      status: z.enum(['Open', 'Closed']),
      due: z.string().regex(/^(\d{4})-(\d{2})-(\d{2})$/),
      note: z.string().nullable(),
      count: z.number().int(),
    }),
    'output',
  );
  assert.deepEqual(sampleOf('answer', schema), { status: 'Open', due: '2024-06-20', note: 'note-1', count: 2 });
});

test('the client has a method per open operation only: a closed read has none, an opened write has one', () => {
  const model = parseConnectorModel(
    edit(
      DEFAULT_MODEL,
      'validate-meter-reads: { allow: true }',
      'validate-meter-reads: { allow: true }\n    get-account-review: { allow: false }\n    fix-bill: { allow: true }',
    ),
    'model.yaml',
  );
  const methods = gentrackApiClientOf(model)!.methods.map((method) => method.methodName);
  assert.ok(!methods.includes('getAccountReview'));
  assert.ok(methods.includes('fixBill') && methods.includes('getAccountBalance'));
  const fixBill = gentrackApiClientOf(model)!.methods.find((method) => method.methodName === 'fixBill')!;
  assert.deepEqual(
    [fixBill.requestClass, fixBill.responseClass, fixBill.transactional],
    ['FixBillRequest', 'FixBillResult', true],
  );
});
