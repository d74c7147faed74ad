/** What validate-org says about Apex already in an org, judged without one (the e2e test reads a sandbox org). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GENERATED_APEX_MARKER } from '../../../model/apex-names.js';
import { connectorModel } from '../platform/connector-model.generated.js';
import {
  destructiveChangesXml,
  evaluateApexConflicts,
  sampleComponents,
  type ApexComponent,
} from './apex-conflicts.js';
import { orgExpectations } from './org-expectations.js';

const expectations = orgExpectations(connectorModel);
const ours = (kind: 'class' | 'trigger', name: string, object?: string): ApexComponent => ({
  kind,
  name,
  ...(object ? { object } : {}),
  body: `// ${GENERATED_APEX_MARKER} from config/connector.yaml\n`,
});

/** Gentrack's V1 sample, as its setup guide has admins deploy it. */
const GENTRACK_SAMPLE: readonly ApexComponent[] = [
  {
    kind: 'class',
    name: 'TriggerHandler',
    body: 'public class TriggerHandler { public static void handleInsert(List<SObject> records) { GentrackCallout.send(records); } }',
  },
  {
    kind: 'class',
    name: 'GentrackCallout',
    body: 'public class GentrackCallout { public static void send(List<SObject> r) {} }',
  },
  {
    kind: 'class',
    name: 'TriggerHandlerTest',
    body: '@IsTest class TriggerHandlerTest { static void t() { TriggerHandler.handleInsert(null); } }',
  },
  {
    kind: 'trigger',
    name: 'AccountTrigger',
    object: 'Account',
    body: 'trigger AccountTrigger on Account (after insert) { TriggerHandler.handleInsert(Trigger.new); }',
  },
  {
    kind: 'trigger',
    name: 'ContactTrigger',
    object: 'Contact',
    body: 'trigger ContactTrigger on Contact (after insert) { TriggerHandler.handleInsert(Trigger.new); }',
  },
  {
    kind: 'trigger',
    name: 'OrderItemTrigger',
    object: 'OrderItem',
    body: 'trigger OrderItemTrigger on OrderItem (after insert) { TriggerHandler.handleInsert(Trigger.new); }',
  },
];

test('an org holding only what gentrack-sf generated has no conflict', () => {
  const findings = evaluateApexConflicts(expectations, [
    ours('class', 'GentrackCallout'),
    ours('class', 'GentrackTriggerHandler'),
    ours('trigger', 'GentrackAccountTrigger', 'Account'),
  ]);
  assert.deepEqual(
    findings.map((finding) => [finding.status, finding.check]),
    [['ok', 'Apex already in the org']],
  );
});

test('a class with one of our names that gentrack-sf did not generate is named, with the prefix as the fix', () => {
  const [finding] = evaluateApexConflicts(expectations, [
    { kind: 'class', name: 'GentrackTriggerHandler', body: 'public virtual class GentrackTriggerHandler {}' },
  ]);
  assert.equal(finding?.status, 'wrong');
  assert.equal(finding?.check, 'class GentrackTriggerHandler');
  assert.match(finding!.detail, /deploying force-app would replace it/);
  assert.match(finding!.fix!, /apex\.namePrefix/);
});

test('another trigger on a synced object that publishes Gentrack events is named; one that does not is left alone', () => {
  const findings = evaluateApexConflicts(expectations, [
    {
      kind: 'trigger',
      name: 'AccountAudit',
      object: 'Account',
      body: 'trigger AccountAudit on Account (after update) { insert new Audit__c(); }',
    },
    {
      kind: 'trigger',
      name: 'LegacyGentrackSync',
      object: 'Contact',
      body: 'trigger LegacyGentrackSync on Contact (after insert) { EventBus.publish(new Gentrack_Object_Event__e()); }',
    },
  ]);
  assert.deepEqual(
    findings.map((finding) => finding.check),
    ['other trigger LegacyGentrackSync'],
  );
  assert.match(findings[0]!.detail, /every change would reach Gentrack twice/);
});

test("Gentrack's sample connector is one finding, and the migration deletes its handler, tests and triggers but not GentrackCallout", () => {
  const findings = evaluateApexConflicts(expectations, GENTRACK_SAMPLE);
  assert.deepEqual(
    findings.map((finding) => finding.check),
    ["Gentrack's sample connector"],
  );
  assert.match(
    findings[0]!.detail,
    /class TriggerHandler, class TriggerHandlerTest, trigger AccountTrigger, trigger ContactTrigger, trigger OrderItemTrigger/,
  );
  assert.match(findings[0]!.fix!, /--pre-destructive-changes manifest\/migration\/destructiveChanges\.xml/);

  const migration = sampleComponents(GENTRACK_SAMPLE);
  assert.deepEqual(migration, {
    classes: ['TriggerHandler', 'TriggerHandlerTest'],
    triggers: ['AccountTrigger', 'ContactTrigger', 'OrderItemTrigger'],
  });
  const xml = destructiveChangesXml(migration, '62.0');
  assert.match(
    xml,
    /<types>\n {8}<members>TriggerHandler<\/members>\n {8}<members>TriggerHandlerTest<\/members>\n {8}<name>ApexClass<\/name>/,
  );
  assert.match(xml, /<members>OrderItemTrigger<\/members>\n {8}<name>ApexTrigger<\/name>/);
  assert.doesNotMatch(xml, /GentrackCallout/, 'force-app replaces it in the same deploy');
  assert.match(xml, /<version>62\.0<\/version>\n<\/Package>\n$/);
});

test('a class named TriggerHandler that is not the sample (another trigger framework) is not taken for it', () => {
  const framework: ApexComponent = {
    kind: 'class',
    name: 'TriggerHandler',
    body: 'public virtual class TriggerHandler { public void run() {} }',
  };
  assert.deepEqual(sampleComponents([framework]), { classes: [], triggers: [] });
  assert.deepEqual(
    evaluateApexConflicts(expectations, [framework]).map((finding) => finding.status),
    ['ok'],
    'our handler is GentrackTriggerHandler: the framework keeps its name',
  );
});
