/** The SOQL parser and evaluator on their own: what is understood, and the errors for what is not. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSandboxOrg } from './index.js';
import { parseSoql } from './soql/parser.js';

test('parses field lists, relationship paths, conditions, ordering and paging', () => {
  const query = parseSoql(
    "select Id, Account.Name FROM Contact WHERE (LastName = 'O\\'Hara' OR Email != null) AND NOT AccountId IN ('001000000000001AAA') " +
      'AND CreatedDate >= LAST_N_DAYS:30 ORDER BY Account.Name DESC NULLS LAST, Id LIMIT 10 OFFSET 5',
  );
  assert.deepEqual(
    query.select.map((item) => (item.kind === 'field' ? item.path.text : 'COUNT()')),
    ['Id', 'Account.Name'],
  );
  assert.equal(query.from, 'Contact');
  assert.equal(query.where?.kind, 'and');
  assert.deepEqual(
    query.orderBy.map((order) => [order.path.text, order.descending, order.nullsLast]),
    [
      ['Account.Name', true, true],
      ['Id', false, false],
    ],
  );
  assert.deepEqual([query.limit, query.offset], [10, 5]);
  assert.deepEqual(parseSoql('SELECT COUNT() FROM Account').select, [{ kind: 'count' }]);
});

test('syntax errors are MALFORMED_QUERY pointing at the problem', () => {
  const cases: [string, RegExp][] = [
    ['SELECT Id FORM Account', /Row:1:Column:11\nunexpected token: FORM/],
    ['SELECT Id FROM Account WHERE Name = ', /unexpected token: <EOF>/],
    ["SELECT Id FROM Account WHERE Name = 'a' AND Phone = 'b' OR Site = 'c'", /unexpected token: OR/],
    ['SELECT Id FROM Account WHERE Name = :name', /bind variables are Apex only/],
    ['SELECT Id, (SELECT Id FROM Contacts) FROM Account', /subqueries are not supported/],
    ['SELECT COUNT(), Name FROM Account', /COUNT\(\) must be the only element/],
  ];
  for (const [soql, message] of cases) {
    assert.throws(
      () => parseSoql(soql),
      (error: { errorCode: string; message: string }) =>
        error.errorCode === 'MALFORMED_QUERY' && message.test(error.message),
      soql,
    );
  }
});

test('evaluates against the org: case-insensitive text, null semantics, LIKE, INCLUDES, dates', async () => {
  const org = createSandboxOrg({ forceAppDir: false, clock: () => Date.UTC(2024, 5, 15, 12) });
  const [acme] = await org.insert('Account', [
    { Name: 'Acme', NumberOfEmployees: 50 },
    { Name: 'acme 2' },
    { Name: '100%' },
  ]);
  await org.insert('Contact', [{ LastName: 'Lee', AccountId: acme!.id, Birthdate: '1990-06-14' }, { LastName: 'Ng' }]);
  const [relation] = org.query('SELECT Id FROM AccountContactRelation').records;
  await org.update('AccountContactRelation', { Id: relation!['Id'], Roles: 'Decision Maker;Economic Buyer' });
  const names = (soql: string) => org.query(soql).records.map((row) => row['Name'] ?? row['LastName']);

  assert.deepEqual(names("SELECT Name FROM Account WHERE Name = 'ACME'"), ['Acme']);
  assert.deepEqual(names("SELECT Name FROM Account WHERE Name LIKE 'acme%' ORDER BY Name DESC"), ['acme 2', 'Acme']);
  assert.deepEqual(names("SELECT Name FROM Account WHERE Name LIKE '100\\%'"), ['100%']);
  assert.deepEqual(
    names('SELECT Name FROM Account WHERE NumberOfEmployees != 50 ORDER BY Name'),
    ['100%', 'acme 2'],
    '!= keeps nulls',
  );
  assert.deepEqual(names('SELECT Name FROM Account WHERE NumberOfEmployees < 100'), ['Acme'], '< drops nulls');
  assert.deepEqual(
    names('SELECT Name FROM Account ORDER BY NumberOfEmployees DESC, Name LIMIT 1'),
    ['Acme'],
    'DESC puts nulls last',
  );
  assert.deepEqual(names("SELECT LastName FROM Contact WHERE Account.Name = 'acme'"), ['Lee']);
  assert.deepEqual(names('SELECT LastName FROM Contact WHERE Birthdate = YESTERDAY'), []);
  assert.deepEqual(names('SELECT LastName FROM Contact WHERE Birthdate < 2000-01-01'), ['Lee']);
  assert.deepEqual(names('SELECT LastName FROM Contact WHERE CreatedDate = TODAY ORDER BY LastName'), ['Lee', 'Ng']);
  assert.deepEqual(names('SELECT LastName FROM Contact WHERE CreatedDate > 2024-06-15T12:00:00Z'), []);
  assert.equal(
    org.query("SELECT Id FROM AccountContactRelation WHERE Roles INCLUDES ('Economic Buyer;decision maker')").totalSize,
    1,
  );
  assert.equal(org.query("SELECT Id FROM AccountContactRelation WHERE Roles EXCLUDES ('Economic Buyer')").totalSize, 0);
  assert.equal(
    org.query(`SELECT Id FROM Account WHERE Id = '${acme!.id!.slice(0, 15)}'`).totalSize,
    1,
    '15-character ids match',
  );
  assert.equal(org.query('SELECT COUNT() FROM Account LIMIT 2').totalSize, 2);
});

test('schema errors name the problem as Salesforce does', () => {
  const org = createSandboxOrg({ forceAppDir: false });
  const expectations: [string, string, RegExp][] = [
    ['SELECT Id FROM Acount', 'INVALID_TYPE', /sObject type 'Acount' is not supported/],
    ['SELECT Nme FROM Account', 'INVALID_FIELD', /No such column 'Nme' on entity 'Account'/],
    ['SELECT Acount.Name FROM Contact', 'INVALID_FIELD', /Didn't understand relationship 'Acount'/],
    [
      "SELECT Id FROM Account WHERE NumberOfEmployees = '5'",
      'INVALID_FIELD',
      /must be of type integer and should not be enclosed in quotes/,
    ],
    [
      'SELECT Id FROM Account WHERE Name = 5',
      'INVALID_FIELD',
      /must be of type string and should be enclosed in quotes/,
    ],
    ["SELECT Id FROM Account WHERE Id = 'nope'", 'INVALID_QUERY_FILTER_OPERATOR', /invalid ID field: nope/],
    ['SELECT Id FROM Account WHERE CreatedDate = 2024-01-01', 'INVALID_FIELD', /must be of type dateTime/],
  ];
  for (const [soql, errorCode, message] of expectations) {
    assert.throws(
      () => org.query(soql),
      (error: { errorCode: string; message: string }) => error.errorCode === errorCode && message.test(error.message),
      soql,
    );
  }
});
