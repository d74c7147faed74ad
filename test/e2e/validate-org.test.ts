/**
 * Validate Data Model against sandbox orgs: one with the generated metadata deployed passes; orgs that drifted (a
 * field dropped, a type changed, the event or a feature missing, nothing deployed) fail, naming each problem.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import jsforce from 'jsforce';
import { connectorModel } from '../../relay/src/platform/connector-model.generated.js';
import { validateOrg, type Finding, type OrgValidation } from '../../relay/src/validate-org/check-org.js';
import { startSalesforceSandbox, type StartOptions } from '../../sandbox/salesforce/index.js';

const FORCE_APP = fileURLToPath(new URL('../../force-app', import.meta.url));
const CLI = fileURLToPath(new URL('../../bin/gentrack-sf.js', import.meta.url));

async function validate(options: Omit<StartOptions, 'host' | 'port'>): Promise<OrgValidation> {
  const sandbox = await startSalesforceSandbox({ forceAppDir: FORCE_APP, ...options });
  try {
    const connection = new jsforce.Connection({ loginUrl: sandbox.loginUrl, version: '62.0' });
    const { username, password, securityToken } = sandbox.org.credentials.integration;
    await connection.login(username, password + securityToken);
    return await validateOrg(connection, connectorModel);
  } finally {
    await sandbox.close();
  }
}

const problem = (validation: OrgValidation, check: string): Finding => {
  const found = validation.problems.find((finding) => finding.check === check);
  assert.ok(
    found,
    `expected a problem with ${check}; problems: ${validation.problems.map((finding) => finding.check).join(', ')}`,
  );
  return found;
};

test('an org with the generated metadata deployed passes every check', async () => {
  const validation = await validate({});
  assert.deepEqual(validation.problems, []);
  const checks = validation.findings.map((finding) => finding.check);
  for (const check of [
    'feature Contacts to Multiple Accounts',
    'feature Quotes',
    'field Account.Gentrack_External_Id__c',
    'field AccountContactRelation.Roles',
    'platform event Gentrack_Object_Event__e',
    'field Gentrack_Object_Event__e.New_Payload__c',
    'custom setting Gentrack_Connector_Settings__c',
    'field Gentrack_Connector_Settings__c.Disable_Publishing__c',
    'permission set Gentrack_Integration_User',
    'trigger GentrackContactTrigger',
  ]) {
    assert.ok(checks.includes(check), `${check} is checked`);
  }
  const externalId = validation.findings.find((finding) => finding.check === 'field Account.Gentrack_External_Id__c')!;
  assert.match(externalId.detail, /string\(30\), External ID, unique, case-insensitive/);
});

test('a dropped field, a wrong type, a short field, a lost External ID flag and a missing event are each named with a fix', async () => {
  const validation = await validate({
    dropFields: ['Account.Trading_Name__c', 'Contact.Email'],
    alterFields: {
      'Contact.Gentrack_External_Id__c': { type: 'double', length: 0 },
      'Account.Company_Number__c': { length: 20 },
      'AccountContactRelation.Gentrack_External_Id__c': { externalId: false, unique: false },
    },
    dropObjects: ['Gentrack_Object_Event__e'],
  });
  const dropped = problem(validation, 'field Account.Trading_Name__c');
  assert.equal(dropped.status, 'missing');
  assert.equal(dropped.fix, 'sf project deploy start --metadata CustomField:Account.Trading_Name__c');
  const standard = problem(validation, 'field Contact.Email');
  assert.match(standard.fix!, /field-level security/);
  const wrongType = problem(validation, 'field Contact.Gentrack_External_Id__c');
  assert.equal(wrongType.status, 'wrong');
  assert.match(wrongType.detail, /type double, needs string/);
  assert.match(problem(validation, 'field Account.Company_Number__c').detail, /length 20, needs 40/);
  assert.match(
    problem(validation, 'field AccountContactRelation.Gentrack_External_Id__c').detail,
    /not an External ID; not unique/,
  );
  const event = problem(validation, 'platform event Gentrack_Object_Event__e');
  assert.equal(event.status, 'missing');
  assert.equal(event.fix, 'sf project deploy start --metadata CustomObject:Gentrack_Object_Event__e');
  assert.equal(validation.problems.length, 6, validation.problems.map((finding) => finding.check).join(', '));
});

test('an org without Contacts to Multiple Accounts and Quotes, and without the deployment, fails on each', async () => {
  const validation = await validate({ forceAppDir: false, dropObjects: ['AccountContactRelation', 'Quote'] });
  assert.match(problem(validation, 'feature Contacts to Multiple Accounts').fix!, /Account Settings/);
  assert.match(problem(validation, 'feature Quotes').fix!, /Quote Settings/);
  assert.match(problem(validation, 'object AccountContactRelation').fix!, /Account Settings/);
  assert.equal(problem(validation, 'permission set Gentrack_Integration_User').status, 'missing');
  assert.equal(
    problem(validation, 'trigger GentrackAccountTrigger').fix,
    'sf project deploy start --metadata ApexTrigger:GentrackAccountTrigger',
  );
  assert.equal(problem(validation, 'custom setting Gentrack_Connector_Settings__c').status, 'missing');
  assert.equal(problem(validation, 'field Account.Gentrack_External_Id__c').status, 'missing');
});

test('gentrack-sf validate-org prints the table and exits 1 when something is missing', async () => {
  const sandbox = await startSalesforceSandbox({ forceAppDir: FORCE_APP, dropFields: ['Account.Trading_Name__c'] });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'validate-org-'));
  try {
    const config = path.join(dir, 'relay.json');
    writeFileSync(
      config,
      JSON.stringify({
        tenantId: 'sandbox',
        salesforce: {
          loginUrl: sandbox.loginUrl,
          auth: 'client_credentials',
          clientId: sandbox.org.connectedApp.clientId,
        },
        gentrack: { baseUrl: 'http://127.0.0.1:9/v1', clientId: 'unused' },
      }),
    );
    const secrets = path.join(dir, 'relay.secrets');
    writeFileSync(
      secrets,
      `SALESFORCE_CLIENT_SECRET=${sandbox.org.connectedApp.clientSecret}\nGENTRACK_CLIENT_SECRET=unused\n`,
    );
    chmodSync(secrets, 0o600);
    const env = { ...process.env, GENTRACK_RELAY_SECRETS_FILE: secrets };
    await assert.rejects(
      promisify(execFile)(process.execPath, [CLI, 'validate-org', '--config', config], { env }),
      (error: { code: number; stdout: string }) => {
        assert.equal(error.code, 1);
        assert.match(error.stdout, /^STATUS\s+CHECK\s+DETAIL/);
        assert.match(error.stdout, /MISSING\s+field Account\.Trading_Name__c\s+not in the org/);
        assert.match(error.stdout, /fix: sf project deploy start --metadata CustomField:Account\.Trading_Name__c/);
        assert.match(error.stdout, /ok\s+field Account\.Gentrack_External_Id__c/);
        assert.match(error.stdout, /1 of \d+ checks failed/);
        return true;
      },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await sandbox.close();
  }
});

/** Gentrack's V1 sample connector, as its setup guide has admins deploy it. */
const GENTRACK_SAMPLE = {
  classes: [
    {
      name: 'TriggerHandler',
      body: 'public class TriggerHandler {\n    public static void handleInsert(List<SObject> records) { GentrackCallout.send(records); }\n}\n',
    },
    {
      name: 'GentrackCallout',
      body: 'public class GentrackCallout {\n    public static void send(List<SObject> records) {}\n}\n',
    },
  ],
  triggers: [
    {
      name: 'AccountTrigger',
      object: 'Account',
      body: 'trigger AccountTrigger on Account (after insert) {\n    TriggerHandler.handleInsert(Trigger.new);\n}\n',
    },
    {
      name: 'OrderItemTrigger',
      object: 'OrderItem',
      body: 'trigger OrderItemTrigger on OrderItem (after insert) {\n    TriggerHandler.handleInsert(Trigger.new);\n}\n',
    },
  ],
};

test("before the deploy: Gentrack's sample connector, a same-named class and another publishing trigger are each named", async () => {
  const validation = await validate({
    forceAppDir: false,
    existingApex: {
      classes: [
        ...GENTRACK_SAMPLE.classes,
        { name: 'GentrackTriggerHandler', body: 'public virtual class GentrackTriggerHandler {}' },
      ],
      triggers: [
        ...GENTRACK_SAMPLE.triggers,
        {
          name: 'ContactToBilling',
          object: 'Contact',
          body: 'trigger ContactToBilling on Contact (after update) {\n    EventBus.publish(new Gentrack_Object_Event__e());\n}\n',
        },
      ],
    },
  });
  const sample = problem(validation, "Gentrack's sample connector");
  assert.match(sample.detail, /class TriggerHandler, trigger AccountTrigger, trigger OrderItemTrigger/);
  assert.match(sample.fix!, /--pre-destructive-changes manifest\/migration\/destructiveChanges\.xml/);
  assert.match(problem(validation, 'class GentrackTriggerHandler').fix!, /apex\.namePrefix/);
  assert.match(problem(validation, 'other trigger ContactToBilling').detail, /reach Gentrack twice/);
  assert.deepEqual(validation.sampleMigration, {
    classes: ['TriggerHandler'],
    triggers: ['AccountTrigger', 'OrderItemTrigger'],
  });
});

test('after the deploy: force-app replaced the same-named classes, and only the sample is left to remove', async () => {
  const validation = await validate({ existingApex: GENTRACK_SAMPLE });
  assert.deepEqual(
    validation.problems.map((finding) => finding.check),
    ["Gentrack's sample connector"],
  );
  assert.deepEqual(validation.sampleMigration.classes, ['TriggerHandler'], 'GentrackCallout is ours now');
});

test('gentrack-sf validate-org --write-migration writes the destructive manifest that removes the sample', async () => {
  const sandbox = await startSalesforceSandbox({ forceAppDir: FORCE_APP, existingApex: GENTRACK_SAMPLE });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'validate-org-'));
  try {
    const { config, env } = relayConfigFor(sandbox, dir);
    const migration = path.join(dir, 'migration');
    await assert.rejects(
      promisify(execFile)(process.execPath, [CLI, 'validate-org', '--config', config, '--write-migration', migration], {
        env,
      }),
      (error: { code: number; stdout: string; stderr: string }) => {
        assert.equal(error.code, 1, 'the sample is still a problem until the deploy removes it');
        assert.match(error.stdout, /WRONG\s+Gentrack's sample connector/);
        assert.match(error.stderr, /--pre-destructive-changes .*destructiveChanges\.xml/);
        return true;
      },
    );
    const xml = readFileSync(path.join(migration, 'destructiveChanges.xml'), 'utf8');
    assert.match(xml, /<members>TriggerHandler<\/members>\n {8}<name>ApexClass<\/name>/);
    assert.match(
      xml,
      /<members>AccountTrigger<\/members>\n {8}<members>OrderItemTrigger<\/members>\n {8}<name>ApexTrigger<\/name>/,
    );
    assert.doesNotMatch(xml, /GentrackCallout/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await sandbox.close();
  }
});

/** A relay configuration and secrets file pointing at `sandbox`, as an operator would write them. */
function relayConfigFor(
  sandbox: Awaited<ReturnType<typeof startSalesforceSandbox>>,
  dir: string,
): { config: string; env: NodeJS.ProcessEnv } {
  const config = path.join(dir, 'relay.json');
  writeFileSync(
    config,
    JSON.stringify({
      tenantId: 'sandbox',
      salesforce: {
        loginUrl: sandbox.loginUrl,
        auth: 'client_credentials',
        clientId: sandbox.org.connectedApp.clientId,
      },
      gentrack: { baseUrl: 'http://127.0.0.1:9/v1', clientId: 'unused' },
    }),
  );
  const secrets = path.join(dir, 'relay.secrets');
  writeFileSync(
    secrets,
    `SALESFORCE_CLIENT_SECRET=${sandbox.org.connectedApp.clientSecret}\nGENTRACK_CLIENT_SECRET=unused\n`,
  );
  chmodSync(secrets, 0o600);
  return { config, env: { ...process.env, GENTRACK_RELAY_SECRETS_FILE: secrets } };
}
