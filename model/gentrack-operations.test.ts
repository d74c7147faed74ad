import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  DEPRECATED_OPERATION_NAMES,
  GENTRACK_API_OPERATIONS,
  GENTRACK_API_OPERATION_NAMES,
  GENTRACK_OPERATION_NAMES,
  GENTRACK_READ_OPERATION_NAMES,
  pathParameterNames,
  type GentrackApiOperation,
} from './gentrack-operations.js';

const OPERATIONS = Object.entries(GENTRACK_API_OPERATIONS) as [string, GentrackApiOperation][];

/** The connector reference's operations as method and path (design.md, "Gentrack API facts"), in its order. */
const REFERENCE = `
POST /accounts · POST /accounts/{globalReference}/review · POST /contacts · POST /customers · POST /organisations ·
POST /accounts/{ref}/payment-arrangements · POST /accounts/{ref}/payment-methods · POST /accounts/{ref}/refund-request ·
POST /customer-sync · PUT /contacts/{ref}/remove · DELETE /payment-arrangements/{ref} · POST /bills/{billId}/fix ·
GET /accounts/{ref} · GET /accounts/{ref}/balance · GET /accounts/{ref}/bills · GET /accounts/{ref}/review ·
GET /accounts/{ref}/financial-transactions · GET /bills/{billId}/image · GET /bills/{billId}/meter-reads ·
GET /accounts/{ref}/billing-information · GET /contacts/{ref} · GET /customers/{ref} ·
GET /service-points/{id}/meter-read-history · GET /service-points/{id}/structure · GET /accounts/{ref}/payment-review-date ·
GET /organisations/{ref} · GET /accounts/{ref}/overdue-payments · GET /accounts/{ref}/payment-arrangements ·
GET /accounts/{ref}/payment-methods · GET /accounts/{ref}/payment-terms · GET /accounts/{ref}/suggested-payment-amount ·
PUT /contacts/{ref}/relationships/remove · PUT /organisations/{ref}/relationships/remove ·
POST /service-points/{id}/submit-meter-reads · PUT /accounts/{ref} · PUT /accounts/{ref}/parent · PUT /contacts/{ref} ·
PUT /contacts/{ref}/relationships · PUT /customers/{ref} · PUT /accounts/{ref}/payment-review-date ·
PUT /organisations/{ref} · PUT /organisations/{ref}/relationships · POST /service-points/{id}/validate-meter-reads.`;

test('the table holds each method and path of the connector reference once, and nothing else', () => {
  const routes = OPERATIONS.map(([, operation]) => `${operation.method} ${operation.path}`);
  assert.equal(new Set(routes).size, routes.length, 'no route twice');
  // Parameter names aside: the reference calls the review's {globalReference}, the table {ref} like the account's.
  const normalise = (route: string) => route.replace(/\{[^}]+\}/g, '{}');
  const referenced = [...REFERENCE.matchAll(/\b(GET|POST|PUT|DELETE) (\/[\w{}/-]+)/g)].map((m) =>
    normalise(`${m[1]} ${m[2]}`),
  );
  assert.equal(referenced.length, 43);
  assert.deepEqual([...routes.map(normalise)].sort(), referenced.sort());
});

test('every write takes the transaction headers except create-account-review; no read does', () => {
  for (const [name, operation] of OPERATIONS) {
    const expected = operation.method !== 'GET' && name !== 'create-account-review';
    assert.equal(operation.transactional, expected, name);
    assert.equal(operation.body === undefined, operation.method === 'GET' || operation.method === 'DELETE', name);
  }
});

test('the model maps changes only onto outbound writes with at most {ref}, and reads entities by {ref}', () => {
  for (const name of GENTRACK_OPERATION_NAMES) {
    const operation: GentrackApiOperation = GENTRACK_API_OPERATIONS[name];
    assert.notEqual(operation.method, 'GET', name);
    assert.ok(
      pathParameterNames(operation.path).every((parameter) => parameter === 'ref'),
      name,
    );
  }
  assert.deepEqual(GENTRACK_READ_OPERATION_NAMES, ['get-account', 'get-customer', 'get-contact', 'get-organisation']);
  for (const [old, current] of Object.entries(DEPRECATED_OPERATION_NAMES)) {
    assert.ok(GENTRACK_OPERATION_NAMES.includes(current), `${old} -> ${current}`);
    assert.ok(!(old in GENTRACK_API_OPERATIONS), `${old} is not an operation any more`);
  }
});

test('pathParameterNames reads {name} parameters in order', () => {
  assert.deepEqual(pathParameterNames('/service-points/{id}/meter-read-history'), ['id']);
  assert.deepEqual(pathParameterNames('/a/{x}/b/{y}'), ['x', 'y']);
  assert.deepEqual(pathParameterNames('/customer-sync'), []);
});

test("every shape is ours (the reference gives none), and the README's table lists every operation as the table has it", () => {
  assert.ok(OPERATIONS.every(([, operation]) => operation.shapeChosenByUs));
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const rows = [
    ...readme.matchAll(/^\| `([a-z-]+)` \| `(GET|POST|PUT|DELETE) ([^`]+)` \|[^|]*\| (\d{3}) \| (yes|no) \|/gm),
  ];
  assert.deepEqual(
    rows.map((row) => [row[1], row[2], row[3], Number(row[4]), row[5] === 'yes']),
    GENTRACK_API_OPERATION_NAMES.map((name) => {
      const { method, path, status, transactional } = GENTRACK_API_OPERATIONS[name];
      return [name, method, path, status, transactional];
    }),
  );
});
