import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConnectorModel, parseConnectorModel } from './load-model.js';
import { DEFAULT_MODEL, edit, problemsOf } from './model-test-fixture.js';
import { inboundRuleFor } from './inbound-model.js';
import { GENTRACK_EVENT_TYPES, PUBLISHABLE_EVENT_TYPES } from './gentrack-event-types.js';

const SWITCH_LOSS_STARTED = `    switch-loss-started:
      record: { object: Account, reference: accountNumber }
      set:
        Switch_Status__c: { value: Loss Started }
        Switch_Loss_Date__c: { from: switchDate }
`;

test('the default model maps the publishable switch-loss events and every quote and contract event onto Account', async () => {
  const model = await loadConnectorModel();
  assert.equal(model.inbound?.deliverTo, 'relay');
  const mapped = model.inbound!.events.map((rule) => rule.eventType);
  const quoteAndContractEvents = GENTRACK_EVENT_TYPES.filter((type) => /^(quote|contract)-/.test(type));
  assert.ok(quoteAndContractEvents.length > 0, 'Gentrack has quote and contract events');
  for (const eventType of [...PUBLISHABLE_EVENT_TYPES, ...quoteAndContractEvents]) {
    assert.ok(mapped.includes(eventType as never), `${eventType} is mapped`);
  }
  const started = inboundRuleFor(model.inbound, 'switch-loss-started')!;
  assert.equal(started.object, 'Account');
  assert.equal(started.externalIdField, 'Gentrack_External_Id__c');
  assert.equal(started.referencePath, 'accountNumber');
  assert.deepEqual(started.set, [
    { field: 'Switch_Status__c', describeType: 'picklist', source: { kind: 'value', value: 'Loss Started' } },
    { field: 'Switch_Loss_Date__c', describeType: 'date', source: { kind: 'data', path: 'switchDate' } },
  ]);
  assert.equal(started.tasks[0]!.priority, 'High');
  assert.deepEqual(inboundRuleFor(model.inbound, 'switch-loss-finished')!.read, {
    operation: 'get-account',
    method: 'GET',
    path: '/accounts/{ref}',
  });
  assert.deepEqual(inboundRuleFor(model.inbound, 'switch-loss-cancelled')!.set[1], {
    field: 'Switch_Loss_Date__c',
    describeType: 'date',
    source: { kind: 'value', value: null },
  });
  assert.equal(inboundRuleFor(model.inbound, 'switch-gain-started'), undefined, 'unmapped events have no rule');
});

test('inbound is optional, and deliverTo defaults to relay', () => {
  const start = DEFAULT_MODEL.indexOf('\ninbound:');
  const withoutInbound = parseConnectorModel(
    DEFAULT_MODEL.slice(0, start) + DEFAULT_MODEL.slice(DEFAULT_MODEL.indexOf('\nobjects:')),
    'model.yaml',
  );
  assert.equal(withoutInbound.inbound, undefined);
  const noTarget = parseConnectorModel(edit(DEFAULT_MODEL, '  deliverTo: relay\n', ''), 'model.yaml');
  assert.equal(noTarget.inbound?.deliverTo, 'relay');
});

test('a Salesforce-mastered field cannot be set by a Gentrack event', () => {
  const problems = problemsOf(
    edit(DEFAULT_MODEL, SWITCH_LOSS_STARTED, SWITCH_LOSS_STARTED + '        Name: { from: customerName }\n'),
  );
  assert.deepEqual(
    problems.map((p) => [p.path, p.message]),
    [
      [
        'inbound.events.switch-loss-started.set.Name',
        'Name is mastered by Salesforce: Gentrack events may only set Gentrack-mastered fields',
      ],
    ],
  );
  assert.ok(problems[0]!.line! > 0, 'the problem has its line');
});

test('inbound rules are validated against the rest of the model, every problem at once', () => {
  let text = edit(DEFAULT_MODEL, '    quote-created:\n', '    quote-creatd:\n');
  text = edit(text, SWITCH_LOSS_STARTED, SWITCH_LOSS_STARTED.replace('object: Account', 'object: Opportunity'));
  text = edit(
    text,
    'Switch_Status__c: { value: Loss Cancelled }',
    'Switch_Status__c: { value: Cancelled }\n        Description__c: { value: x }',
  );
  text = edit(
    text,
    'Switch_Loss_Date__c: { from: switchDate }\n    quote-creatd',
    'Switch_Loss_Date__c: { value: 1 July }\n    quote-creatd',
  );
  const problems = problemsOf(text).map((p) => `${p.path}: ${p.message}`);
  const expect = (pattern: RegExp) =>
    assert.ok(
      problems.some((m) => pattern.test(m)),
      `${pattern}\n${problems.join('\n')}`,
    );
  expect(/^inbound.events.quote-creatd: unknown Gentrack event type "quote-creatd"; Gentrack sends quote-created/);
  expect(/^inbound.events.switch-loss-started.record.object: Opportunity is not a synced object of this model/);
  expect(
    /^inbound.events.switch-loss-cancelled.set.Switch_Status__c.value: "Cancelled" is not a value of the picklist Switch_Status__c \(Loss Started, Loss Cancelled, Lost\)/,
  );
  expect(
    /^inbound.events.switch-loss-cancelled.set.Description__c: Description__c is not a mapped field of Account: add it under objects.Account.fields with master: Gentrack/,
  );
  expect(
    /^inbound.events.switch-loss-finished.set.Switch_Loss_Date__c.value: Switch_Loss_Date__c is a date: write the value as YYYY-MM-DD/,
  );
  assert.equal(problems.length, 5, problems.join('\n'));
});

test('the shape of inbound rules is checked: read operations, one source per field', () => {
  let text = edit(
    DEFAULT_MODEL,
    'Quote_Reference__c: { from: quoteId }\n        Quote_Status__c: { value: Updated }',
    'Quote_Reference__c: { from: quoteId, value: q }\n        Quote_Status__c: { value: Updated }',
  );
  text = edit(
    text,
    'read: get-account\n      set:\n        Switch_Status__c: { value: Lost }',
    'read: fetch-account\n      set:\n        Switch_Status__c: { value: Lost }',
  );
  text = edit(text, '  deliverTo: relay', '  deliverTo: flow');
  const problems = problemsOf(text).map((p) => `${p.path}: ${p.message}`);
  const expect = (pattern: RegExp) =>
    assert.ok(
      problems.some((m) => pattern.test(m)),
      `${pattern}\n${problems.join('\n')}`,
    );
  expect(/^inbound.events.quote-updated.set.Quote_Reference__c: give either value .* or from/);
  expect(
    /^inbound.events.switch-loss-finished.read: unknown Gentrack read operation "fetch-account"; known: get-account/,
  );
  expect(/^inbound.deliverTo: deliverTo must be one of relay, apex/);
});

test('connector fields, empty rules, task placeholders and ownerless records are refused', () => {
  const empty = problemsOf(
    edit(
      DEFAULT_MODEL,
      '    contract-completed:\n      record: { object: Account, reference: accountNumber }\n      set:\n        Contract_Reference__c: { from: contractId }\n        Contract_Status__c: { value: Completed }\n',
      '    contract-completed:\n      record: { object: Account, reference: accountNumber }\n',
    ),
  );
  assert.match(
    `${empty[0]!.path}: ${empty[0]!.message}`,
    /^inbound.events.contract-completed: an event needs set, read or both/,
  );

  let text = edit(
    DEFAULT_MODEL,
    'Contract_Status__c: { value: Created }',
    'Contract_Status__c: { value: Created }\n        Gentrack_Last_Error__c: { value: null }',
  );
  text = edit(
    text,
    'subject: "Customer switching away: account {accountNumber}"',
    'subject: "Customer switching away: account {account number}"',
  );
  const problems = problemsOf(text).map((p) => `${p.path}: ${p.message}`);
  const expect = (pattern: RegExp) =>
    assert.ok(
      problems.some((m) => pattern.test(m)),
      `${pattern}\n${problems.join('\n')}`,
    );
  expect(
    /^inbound.events.contract-created.set.Gentrack_Last_Error__c: Gentrack_Last_Error__c is the connector's own field/,
  );
  expect(/^inbound.events.switch-loss-started.followUps.0.task.subject: \{account number\} is not a property path/);

  const ownerless = problemsOf(
    edit(
      DEFAULT_MODEL,
      '    switch-loss-cancelled:\n',
      '    switch-gain-started:\n      record: { object: AccountContactRelation, reference: relationshipId }\n      read: get-contact\n      followUps:\n        - task: { subject: Gained }\n    switch-loss-cancelled:\n',
    ),
  ).map((p) => `${p.path}: ${p.message}`);
  assert.ok(
    ownerless.some((m) => /switch-gain-started.read: AccountContactRelation has no Gentrack-mastered fields/.test(m)),
    ownerless.join('\n'),
  );
  assert.ok(
    ownerless.some((m) => /switch-gain-started.followUps.0.task: AccountContactRelation records have no owner/.test(m)),
    ownerless.join('\n'),
  );
});
