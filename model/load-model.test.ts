import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConnectorModelError, loadConnectorModel, parseConnectorModel, type LocatedProblem } from './load-model.js';
import { DEFAULT_MODEL, edit, problemsOf } from './model-test-fixture.js';
import { findObject, trackedFields } from './connector-model.js';

test('the default model resolves Account, Contact and AccountContactRelation', async () => {
  const model = await loadConnectorModel();
  assert.equal(model.sourcePath, 'config/connector.yaml');
  assert.deepEqual(
    model.objects.map((object) => object.name),
    ['Account', 'Contact', 'AccountContactRelation'],
  );
  const account = findObject(model, 'Account')!;
  assert.deepEqual(account.triggerEvents, ['insert', 'update', 'delete', 'undelete']);
  assert.ok(trackedFields(account).some((field) => field.name === 'Name'));
  assert.ok(
    !trackedFields(account).some((field) => field.name === 'Account_Class__c'),
    'Gentrack-mastered is not tracked',
  );
  assert.equal(account.operations.update?.[1]?.operation, 'update-account-parent');
  assert.deepEqual(account.operations.update?.[1]?.whenChanged, ['ParentId']);
  assert.equal(account.operations.update?.[0]?.ref, 'Gentrack_External_Id__c', 'ref defaults to the External ID');
  const relation = findObject(model, 'AccountContactRelation')!;
  assert.deepEqual(relation.triggerEvents, ['insert', 'update', 'delete'], 'relationships cannot be undeleted');
  assert.equal(relation.operations.insert?.[0]?.path, '/contacts/{ref}/relationships');
  assert.equal(relation.operations.insert?.[0]?.ref, 'ContactId');
});

test('an unknown object is refused with the objects the connector can sync', () => {
  const [problem, ...rest] = problemsOf(edit(DEFAULT_MODEL, '  AccountContactRelation:', '  Lead:'));
  assert.equal(rest.length, 0);
  assert.equal(problem!.path, 'objects.Lead');
  assert.match(problem!.message, /unknown object "Lead".*Account, Contact/);
  assert.equal(problem!.line, DEFAULT_MODEL.split('\n').findIndex((line) => line === '  AccountContactRelation:') + 1);
});

test('an unknown field type is refused with the allowed types', () => {
  const problems = problemsOf(
    edit(DEFAULT_MODEL, 'type: Text\n        length: 255', 'type: RichText\n        length: 255'),
  );
  assert.equal(problems.length, 1);
  assert.equal(problems[0]!.path, 'objects.Account.fields.Trading_Name__c.type');
  assert.match(problems[0]!.message, /type must be one of Text, TextArea/);
});

test('an illegal API name is refused', () => {
  const problems = problemsOf(edit(DEFAULT_MODEL, '      Trading_Name__c:', '      Trading__Name__c:'));
  assert.equal(problems[0]!.path, 'objects.Account.fields.Trading__Name__c');
  assert.match(problems[0]!.message, /not a legal Salesforce API name/);
});

test('an over-long label is refused', () => {
  const problems = problemsOf(edit(DEFAULT_MODEL, 'label: Trading Name', `label: ${'L'.repeat(41)}`));
  assert.equal(problems[0]!.path, 'objects.Account.fields.Trading_Name__c.label');
  assert.match(problems[0]!.message, /at most 40 characters/);
});

test('an unknown Gentrack operation is refused with the known ones', () => {
  const problems = problemsOf(edit(DEFAULT_MODEL, 'operation: customer-sync', 'operation: customer-sink'));
  assert.equal(problems.length, 1);
  assert.equal(problems[0]!.path, 'objects.Account.operations.insert.operation');
  assert.match(problems[0]!.message, /unknown Gentrack operation "customer-sink"; known operations: customer-sync/);
});

test('a duplicate field is refused, also when only its case differs', () => {
  const exact = problemsOf(
    edit(DEFAULT_MODEL, '      Website: {', '      Phone: { master: Salesforce, gentrack: x.y }\n      Website: {'),
  );
  assert.match(exact[0]!.message, /Map keys must be unique/);
  assert.ok(exact[0]!.line, 'a YAML error carries its line');

  const byCase = problemsOf(
    edit(
      DEFAULT_MODEL,
      '      Website: {',
      '      phone: { master: Salesforce, gentrack: account.phone2 }\n      Website: {',
    ),
  );
  assert.equal(byCase.length, 2, 'both the duplicate name and the unknown standard field are reported');
  assert.ok(byCase.some((p) => /duplicate name: "phone" and "Phone"/.test(p.message)));
});

test('every problem is listed at once, each with its line', () => {
  let text = edit(DEFAULT_MODEL, 'label: Trading Name', `label: ${'L'.repeat(41)}`);
  text = edit(text, 'operation: create-contact', 'operation: make-contact');
  text = edit(
    text,
    '        length: 40\n        label: Company Number',
    '        length: 300\n        label: Company Number',
  );
  const problems = problemsOf(text);
  assert.deepEqual(problems.map((p) => p.path).sort(), [
    'objects.Account.fields.Company_Number__c.length',
    'objects.Account.fields.Trading_Name__c.label',
    'objects.Contact.operations.insert.operation',
  ]);
  for (const problem of problems) assert.ok(problem.line! > 0, `${problem.path} has a line`);
});

test('cross-field rules: references, rule fields, write-back targets, undelete support', () => {
  let text = edit(
    DEFAULT_MODEL,
    'references: { object: Account, field: Gentrack_External_Id__c }\n      Trading',
    'references: { object: Contact, field: Gentrack_External_Id__c }\n      Trading',
  );
  text = edit(text, 'whenChanged: [ParentId]', 'whenChanged: [Account_Class__c]');
  text = edit(
    text,
    'writeBack: { Gentrack_External_Id__c: customerNumber }',
    'writeBack: { FirstName: customerNumber }',
  );
  text = edit(
    text,
    '        operation: remove-contact-relationships\n        ref: ContactId\n',
    '        operation: remove-contact-relationships\n        ref: ContactId\n      undelete:\n        operation: update-contact-relationships\n        ref: ContactId\n',
  );
  const messages = problemsOf(text).map((p) => `${p.path}: ${p.message}`);
  assert.ok(
    messages.some((m) => /ParentId.references.object: ParentId looks up Account, not Contact/.test(m)),
    messages.join('\n'),
  );
  assert.ok(
    messages.some((m) => /whenChanged.0: Account_Class__c is mastered by Gentrack/.test(m)),
    messages.join('\n'),
  );
  assert.ok(
    messages.some((m) => /writeBack.FirstName: write-back targets must be/.test(m)),
    messages.join('\n'),
  );
  assert.ok(
    messages.some((m) => /AccountContactRelation records cannot be undeleted/.test(m)),
    messages.join('\n'),
  );
});

test('an insert rule cannot use a reference the new record does not have yet', () => {
  const problems = problemsOf(edit(DEFAULT_MODEL, 'operation: create-contact', 'operation: update-contact'));
  assert.match(problems[0]!.message, /a new record has no External ID yet/);
});

test('a lookup without a Gentrack reference is refused: Gentrack cannot use Salesforce ids', () => {
  const problems = problemsOf(
    edit(
      DEFAULT_MODEL,
      '      ParentId:\n        master: Salesforce\n        gentrack: parentAccountNumber\n        references: { object: Account, field: Gentrack_External_Id__c }\n',
      '      ParentId:\n        master: Salesforce\n        gentrack: parentAccountNumber\n',
    ),
  );
  assert.match(problems[0]!.message, /ParentId is a lookup: add references/);
});

test('custom fields need a type and a label, standard fields take neither', () => {
  let text = edit(
    DEFAULT_MODEL,
    'Phone: { master: Salesforce, gentrack: account.phone }',
    'Phone: { master: Salesforce, gentrack: account.phone, type: Phone }',
  );
  text = edit(
    text,
    '      Company_Number__c:\n        master: Salesforce\n        gentrack: account.companyNumber\n        type: Text\n        length: 40\n',
    '      Company_Number__c:\n        master: Salesforce\n        gentrack: account.companyNumber\n',
  );
  const messages = problemsOf(text).map((p) => p.message);
  assert.ok(
    messages.some((m) => /type apply only to custom fields; Phone is a standard field/.test(m)),
    messages.join('\n'),
  );
  assert.ok(
    messages.some((m) => /custom field Company_Number__c needs a type and a label/.test(m)),
    messages.join('\n'),
  );
});

test('the connector fields are reserved', () => {
  const problems = problemsOf(
    edit(
      DEFAULT_MODEL,
      '      Website: {',
      '      Gentrack_Sync_Status__c: { master: Gentrack, gentrack: status, type: Text, length: 10, label: S }\n      Website: {',
    ),
  );
  assert.match(problems[0]!.message, /created by the connector on every synced object/);
});

test('a mistyped key is named with the key it most likely meant; a missing one says it is required', () => {
  const typo = problemsOf(edit(DEFAULT_MODEL, '      gentrack: accountNumber', '      gentrak: accountNumber'));
  assert.deepEqual(
    typo.map((problem) => [problem.path, problem.message]),
    [['objects.Account.externalId.gentrak', 'is not a key of the model here (did you mean "gentrack"?)']],
  );
  const topLevel = problemsOf(edit(DEFAULT_MODEL, 'event:', 'evnt:'));
  assert.deepEqual(
    topLevel.map((problem) => [problem.path, problem.message]),
    [
      ['event', 'is required (a mapping)'],
      ['evnt', 'is not a key of the model here (did you mean "event"?)'],
    ],
  );
  const unrelated = problemsOf(edit(DEFAULT_MODEL, 'event:', 'event:\n  colour: blue'));
  assert.equal(unrelated[0]?.message, 'is not a key of the model here', 'no guess when nothing is close');
});

test('a model file that does not exist is named, not a raw ENOENT', async () => {
  await assert.rejects(loadConnectorModel('config/nope.yaml'), (error: unknown) => {
    assert.ok(error instanceof ConnectorModelError);
    assert.match(
      error.message,
      /config\/nope\.yaml.*cannot read the connector model: there is no file .*config\/nope\.yaml/s,
    );
    return true;
  });
});

test('malformed YAML is reported with its position', () => {
  const problems = problemsOf('version: 1\nobjects: [unclosed\n');
  assert.ok(problems[0]!.line! >= 2);
  assert.equal(problems[0]!.file, 'model.yaml');
});

test('the error message lists every problem as file:line:column', () => {
  try {
    parseConnectorModel(edit(DEFAULT_MODEL, 'version: 1', 'version: 2'), 'config/connector.yaml');
    assert.fail('accepted');
  } catch (error) {
    assert.ok(error instanceof ConnectorModelError);
    assert.equal(error.code, 'INVALID_CONNECTOR_MODEL');
    assert.match(error.message, /config\/connector.yaml:\d+:\d+ {2}version: version must be 1/);
  }
});

test('the relay key resolves the on-demand sync objects with their Gentrack read operations', async () => {
  const model = await loadConnectorModel();
  assert.equal(model.relay?.baseUrl, 'https://relay.example.com');
  assert.equal(model.relay?.tenantId, 'my-tenant');
  assert.deepEqual(model.relay?.onDemandSync, [
    { object: 'Account', read: { operation: 'get-account', method: 'GET', path: '/accounts/{ref}' } },
    { object: 'Contact', read: { operation: 'get-contact', method: 'GET', path: '/contacts/{ref}' } },
  ]);
  const start = DEFAULT_MODEL.indexOf('\nrelay:');
  const withoutRelay = parseConnectorModel(
    DEFAULT_MODEL.slice(0, start) + DEFAULT_MODEL.slice(DEFAULT_MODEL.indexOf('\nobjects:')),
    'model.yaml',
  );
  assert.equal(withoutRelay.relay, undefined, 'the key is optional');
});

test('the relay key is validated: https base URL, tenant id, synced objects with insert and update, known reads', () => {
  let text = edit(DEFAULT_MODEL, 'baseUrl: https://relay.example.com', 'baseUrl: http://relay.example.com/');
  text = edit(text, 'tenantId: my-tenant', 'tenantId: my tenant');
  text = edit(
    text,
    'Contact: { read: get-contact }',
    'Contact: { read: fetch-contact }\n    Opportunity: { read: get-account }',
  );
  const problems = problemsOf(text).map((p) => `${p.path}: ${p.message}`);
  assert.ok(
    problems.some((m) => /^relay.baseUrl: baseUrl must be an https URL/.test(m)),
    problems.join('\n'),
  );
  assert.ok(
    problems.some((m) => /^relay.tenantId: tenantId is the relay's tenantId/.test(m)),
    problems.join('\n'),
  );
  assert.ok(
    problems.some((m) =>
      /^relay.onDemandSync.Contact.read: unknown Gentrack read operation "fetch-contact"; known: get-account/.test(m),
    ),
    problems.join('\n'),
  );

  const unsynced = problemsOf(
    edit(DEFAULT_MODEL, 'Contact: { read: get-contact }', 'Opportunity: { read: get-account }'),
  );
  assert.deepEqual(
    unsynced.map((p) => [p.path, p.message]),
    [
      [
        'relay.onDemandSync.Opportunity',
        'Opportunity is not a synced object of this model (synced: Account, Contact, AccountContactRelation)',
      ],
    ],
  );
  assert.ok(unsynced[0]!.line! > 0, 'the problem has its line');

  const noUpdate = problemsOf(
    edit(
      DEFAULT_MODEL,
      '    Contact: { read: get-contact }',
      '    AccountContactRelation: { read: get-contact }',
    ).replace('      update:\n        - operation: update-contact-relationships\n          ref: ContactId\n', ''),
  );
  assert.match(
    noUpdate[0]!.message,
    /sends it as an insert or an update: map operations.update of AccountContactRelation/,
  );
});

test("the External ID's Gentrack property path is resolved, and must be a property path", async () => {
  const model = await loadConnectorModel();
  assert.equal(findObject(model, 'Account')!.externalId.gentrackPath, 'accountNumber');
  assert.equal(findObject(model, 'AccountContactRelation')!.externalId.gentrackPath, 'relationship.relationshipId');
  const problems = problemsOf(edit(DEFAULT_MODEL, 'gentrack: accountNumber', 'gentrack: account number'));
  assert.equal(problems.length, 1);
  assert.equal(problems[0]!.path, 'objects.Account.externalId.gentrack');
  assert.match(problems[0]!.message, /property path/);
});

test('the old operation names load with a deprecation warning naming the reference name, and resolve to it', () => {
  const text = edit(
    edit(DEFAULT_MODEL, 'operation: create-account-review', 'operation: review-account'),
    'operation: delete-contact',
    'operation: remove-contact',
  );
  const warnings: LocatedProblem[] = [];
  const model = parseConnectorModel(text, 'model.yaml', { onWarning: (warning) => warnings.push(warning) });

  assert.equal(findObject(model, 'Account')!.operations.delete?.[0]?.operation, 'create-account-review');
  assert.equal(findObject(model, 'Contact')!.operations.delete?.[0]?.operation, 'delete-contact');
  assert.deepEqual(
    warnings.map(({ path, line }) => ({ path, line })),
    [
      { path: 'objects.Account.operations.delete.operation', line: lineOf(text, 'operation: review-account') },
      { path: 'objects.Contact.operations.delete.operation', line: lineOf(text, 'operation: remove-contact') },
    ],
  );
  assert.match(warnings[0]!.message, /"review-account" is deprecated: use "create-account-review"/);
  assert.match(warnings[1]!.message, /"remove-contact" is deprecated: use "delete-contact"/);
});

test('the model as committed uses no deprecated name; without a handler a warning is a Node DeprecationWarning', async () => {
  const warnings: LocatedProblem[] = [];
  parseConnectorModel(DEFAULT_MODEL, 'model.yaml', { onWarning: (warning) => warnings.push(warning) });
  assert.deepEqual(warnings, []);

  const emitted = new Promise<Error>((resolve) => process.once('warning', resolve));
  parseConnectorModel(edit(DEFAULT_MODEL, 'operation: delete-contact', 'operation: remove-contact'), 'model.yaml');
  const warning = (await emitted) as Error & { code?: string };
  assert.equal(warning.name, 'DeprecationWarning');
  assert.equal(warning.code, 'GENTRACK_MODEL_DEPRECATED_NAME');
  assert.match(
    warning.message,
    /^model\.yaml:\d+:\d+ {2}objects\.Contact\.operations\.delete\.operation: "remove-contact"/,
  );
});

test('an unknown operation name is refused listing the reference names, not the deprecated ones', () => {
  const [problem] = problemsOf(edit(DEFAULT_MODEL, 'operation: delete-contact', 'operation: erase-contact'));
  assert.match(problem!.message, /unknown Gentrack operation "erase-contact"; known operations: .*delete-contact/);
  assert.doesNotMatch(problem!.message, /remove-contact[,.]|review-account/);
});

function lineOf(text: string, piece: string): number {
  return text.split('\n').findIndex((line) => line.includes(piece)) + 1;
}
