import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadConnectorModel, parseConnectorModel } from '../../model/load-model.js';
import { generateFiles } from '../generate.js';
import type { GeneratedFile } from '../generated-file.js';
import { PROJECT_ROOT } from '../../model/project-root.js';
import { apexString } from './event-endpoint.js';

const DEFAULT_MODEL_TEXT = readFileSync(path.join(PROJECT_ROOT, 'config/connector.yaml'), 'utf8');
const CLASSES = 'force-app/main/default/classes';

function content(files: readonly GeneratedFile[], file: string): string {
  const found = files.find((candidate) => candidate.path === file);
  assert.ok(found, `${file} is generated`);
  return found.content;
}

test("the Event Endpoint is an Apex REST resource with sharing, with the model's rules and tests, each with its meta file", async () => {
  const files = await generateFiles(await loadConnectorModel('config/connector.yaml', PROJECT_ROOT));
  for (const name of ['GentrackEventEndpoint', 'GentrackInboundEvent', 'GentrackInboundRules']) {
    for (const suffix of ['.cls', '.cls-meta.xml', 'Test.cls', 'Test.cls-meta.xml'])
      content(files, `${CLASSES}/${name}${suffix}`);
  }
  const endpoint = content(files, `${CLASSES}/GentrackEventEndpoint.cls`);
  assert.match(
    endpoint,
    /@RestResource\(urlMapping='\/gentrack\/events'\)\nglobal with sharing class GentrackEventEndpoint/,
  );
  assert.match(endpoint, /@HttpPost\n\s+global static void receive\(\)/);
  assert.match(
    endpoint,
    /WHERE Gentrack_External_Id__c IN :accountReferences\s+WITH USER_MODE/,
    'user-mode, static SOQL per object',
  );
  assert.match(endpoint, /Database\.update\(records, false, AccessLevel\.USER_MODE\)/);

  const rules = content(files, `${CLASSES}/GentrackInboundRules.cls`);
  for (const eventType of [
    'switch-loss-started',
    'switch-loss-cancelled',
    'switch-loss-finished',
    'quote-created',
    'contract-cancelled',
  ]) {
    assert.match(rules, new RegExp(`'${eventType}' => new EventRule\\('Account', 'accountNumber'\\)`), eventType);
  }
  assert.match(rules, /constant\('Switch_Loss_Date__c', 'date', null\)/, 'null clears');
  assert.match(rules, /fromPath\('Switch_Loss_Date__c', 'date', 'switchDate'\)/);
  assert.match(rules, /new TaskRule\('Customer switching away: account \{accountNumber\}', 'High'\)/);
  assert.match(
    rules,
    /'Account' => new List<FieldRule>\{[^}]*fromPath\('Gentrack_Account_Status__c', 'picklist', 'account\.status'\)/s,
    'entity fields of objects read from Gentrack',
  );

  const test = content(files, `${CLASSES}/GentrackEventEndpointTest.cls`);
  assert.match(test, /RestContext\.request = request;/);
  assert.match(test, /System\.runAs\(relay\)/, 'as the integration user');

  const permissions = content(
    files,
    'force-app/main/default/permissionsets/Gentrack_Integration_User.permissionset-meta.xml',
  );
  for (const name of ['GentrackEventEndpoint', 'GentrackInboundEvent', 'GentrackInboundRules']) {
    assert.match(
      permissions,
      new RegExp(`<apexClass>${name}</apexClass>\\s*<enabled>true</enabled>`),
      `the relay may call ${name}`,
    );
  }
  assert.match(permissions, /<name>EditTask<\/name>/, 'follow-up Tasks need Edit Tasks');
});

test('constants reach Apex escaped; without inbound rules there is no endpoint and no Edit Tasks', async () => {
  const quoted = parseConnectorModel(
    DEFAULT_MODEL_TEXT.replace(
      'Quote_Reference__c: { from: quoteId }\n        Quote_Status__c: { value: Created }',
      'Quote_Reference__c: { value: "it\'s a \\\\ test" }\n        Quote_Status__c: { value: Created }',
    ),
    'config/connector.yaml',
  );
  const rules = content(await generateFiles(quoted), `${CLASSES}/GentrackInboundRules.cls`);
  assert.ok(
    rules.includes(`constant('Quote_Reference__c', 'string', ${apexString("it's a \\ test")})`),
    'quote and backslash escaped',
  );
  assert.equal(apexString("it's a \\ test\nline"), "'it\\'s a \\\\ test\\nline'");

  const start = DEFAULT_MODEL_TEXT.indexOf('\ninbound:');
  const withoutInbound = parseConnectorModel(
    DEFAULT_MODEL_TEXT.slice(0, start) + DEFAULT_MODEL_TEXT.slice(DEFAULT_MODEL_TEXT.indexOf('\nobjects:')),
    'config/connector.yaml',
  );
  const files = await generateFiles(withoutInbound);
  assert.ok(!files.some((file) => /GentrackEventEndpoint|GentrackInbound/.test(file.path)), 'nothing generated');
  const permissions = content(
    files,
    'force-app/main/default/permissionsets/Gentrack_Integration_User.permissionset-meta.xml',
  );
  assert.doesNotMatch(permissions, /EditTask|GentrackEventEndpoint/);
});
