/**
 * User mode (Apex Developer Guide, "Enforce User Mode for Database Operations"): snippets run as users of the two
 * profiles, with and without the connector's permission sets from force-app. Queries `WITH USER_MODE` and DML `as
 * user` or with AccessLevel.USER_MODE respect object permissions and field-level security; system mode does not.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SandboxOrg } from '../org/sandbox-org.js';
import type { SandboxUser } from '../org/users.js';
import { ApexRuntime } from './apex-runtime.js';
import { ApexThrow } from './exceptions.js';
import { ApexProgram } from './program.js';
import { UnsupportedApexError } from './unsupported.js';

const forceAppDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../force-app');
const org = new SandboxOrg({ forceAppDir });

/** System Administrator without permission sets: every object, but no custom field (a deploy grants none). */
const admin = org.users.admin;
const connectorUser = org.users.create({
  username: 'connector.user@gentrack-sandbox.example',
  lastName: 'Connector',
  permissionSets: ['Gentrack_Connector_User'],
});
const minimumAccess = org.users.create({
  username: 'minimum.access@gentrack-sandbox.example',
  lastName: 'Minimum',
  profile: 'Minimum Access - Salesforce',
});
const minimumIntegration = org.users.create({
  username: 'minimum.integration@gentrack-sandbox.example',
  lastName: 'Minimum Integration',
  profile: 'Minimum Access - Salesforce',
  permissionSets: ['Gentrack_Integration_User'],
});

const NO_SUCH_COLUMN = (field: string, object: string) =>
  `System.QueryException: No such column '${field}' on entity '${object}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`;
const INACCESSIBLE = (object: string) =>
  `System.DmlException: Operation failed due to fields being inaccessible on Sobject ${object}, check errors on Exception or Result!`;

/** Runs `body` as a static method returning Object, as `user` in a test context (System.runAs), rolled back; the result as String.valueOf prints it. */
async function run(user: SandboxUser, body: string): Promise<string> {
  const program = new ApexProgram();
  const decl = program.addClass(
    'Snippet.cls',
    `public class Snippet {\n    public static Object run() {\n        ${body}\n    }\n}\n`,
  );
  const runtime = new ApexRuntime(org, program);
  return runtime.transaction({ user, isTest: true, rollback: true }, async () =>
    runtime.interpreter.toApexString(await runtime.interpreter.callStaticMethod(decl, 'run', [])),
  );
}

async function failure(user: SandboxUser, body: string): Promise<string> {
  try {
    await run(user, body);
  } catch (error) {
    if (error instanceof ApexThrow || error instanceof UnsupportedApexError) return error.message;
    throw error;
  }
  return assert.fail('the snippet was expected to throw');
}

const INSERT_REFERENCED = "insert new Account(Name = 'Acme', Gentrack_External_Id__c = 'GT-1');";

describe('Apex user mode', () => {
  it('WITH USER_MODE: a field the user cannot read does not exist for the query, in SELECT, WHERE and ORDER BY', async () => {
    const error = NO_SUCH_COLUMN('Gentrack_External_Id__c', 'Account');
    assert.equal(
      await failure(admin, `${INSERT_REFERENCED} return [SELECT Gentrack_External_Id__c FROM Account WITH USER_MODE];`),
      error,
    );
    assert.equal(
      await failure(
        admin,
        `${INSERT_REFERENCED} return [SELECT Id FROM Account WHERE Gentrack_External_Id__c = 'GT-1' WITH USER_MODE];`,
      ),
      error,
    );
    assert.equal(
      await failure(
        admin,
        `${INSERT_REFERENCED} return [SELECT Id FROM Account WITH USER_MODE ORDER BY Gentrack_External_Id__c];`,
      ),
      error,
    );
    // Standard fields: the administrator's profile grants them.
    assert.equal(
      await run(admin, `${INSERT_REFERENCED} return [SELECT Name FROM Account WITH USER_MODE][0].Name;`),
      'Acme',
    );
  });

  it('WITH USER_MODE: a user holding the permission set reads the field; system mode reads it for anyone', async () => {
    const query = "SELECT Gentrack_External_Id__c FROM Account WHERE Gentrack_External_Id__c = 'GT-1'";
    assert.equal(
      await run(connectorUser, `${INSERT_REFERENCED} return [${query} WITH USER_MODE][0].Gentrack_External_Id__c;`),
      'GT-1',
    );
    assert.equal(await run(admin, `${INSERT_REFERENCED} return [${query}][0].Gentrack_External_Id__c;`), 'GT-1');
    assert.equal(
      await run(admin, `${INSERT_REFERENCED} return [${query} WITH SYSTEM_MODE][0].Gentrack_External_Id__c;`),
      'GT-1',
    );
    assert.equal(
      await run(minimumAccess, `${INSERT_REFERENCED} return [${query}][0].Gentrack_External_Id__c;`),
      'GT-1',
    );
  });

  it('WITH USER_MODE: an object the user cannot read is not supported', async () => {
    assert.equal(
      await failure(minimumAccess, 'return [SELECT Id FROM Account WITH USER_MODE];'),
      "System.QueryException: sObject type 'Account' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.",
    );
    assert.equal(
      await run(minimumIntegration, `${INSERT_REFERENCED} return [SELECT Name FROM Account WITH USER_MODE].size();`),
      '1',
    );
  });

  it('insert/update as user: a record setting a field the user cannot edit throws before anything is written', async () => {
    assert.equal(
      await failure(admin, "insert as user new Account(Name = 'Acme', Gentrack_External_Id__c = 'GT-1'); return null;"),
      INACCESSIBLE('Account'),
    );
    assert.equal(
      await run(
        admin,
        "try { insert as user new Account(Name = 'Acme', Gentrack_External_Id__c = 'GT-1'); } catch (DmlException e) { } return [SELECT COUNT() FROM Account WHERE Name = 'Acme'];",
      ),
      '0',
    );
    // Gentrack_Connector_User: Trading_Name__c editable, Gentrack_External_Id__c read-only.
    assert.equal(
      await run(
        connectorUser,
        "Account a = new Account(Name = 'Acme'); insert as user a; a.Trading_Name__c = 'Acme Trading'; update as user a; return [SELECT Trading_Name__c FROM Account WHERE Id = :a.Id].Trading_Name__c;",
      ),
      'Acme Trading',
    );
    assert.equal(
      await failure(
        connectorUser,
        "Account a = new Account(Name = 'Acme'); insert a; a.Gentrack_External_Id__c = 'GT-1'; update as user a; return null;",
      ),
      INACCESSIBLE('Account'),
    );
    // A field no one may write is inaccessible in user mode too.
    assert.equal(
      await failure(
        connectorUser,
        "insert as user new Account(Name = 'Acme', CreatedDate = System.now()); return null;",
      ),
      INACCESSIBLE('Account'),
    );
  });

  it('Database methods with AccessLevel.USER_MODE: all or none throws; allOrNone false fails only the records at fault', async () => {
    const setup =
      "List<Account> records = new List<Account>{ new Account(Name = 'One'), new Account(Name = 'Two') }; insert records; " +
      "records[0].Gentrack_External_Id__c = 'GT-1'; records[1].Trading_Name__c = 'Two Trading'; ";
    assert.equal(
      await failure(connectorUser, `${setup} Database.update(records, AccessLevel.USER_MODE); return null;`),
      INACCESSIBLE('Account'),
    );
    assert.equal(
      await run(
        connectorUser,
        `${setup} List<Database.SaveResult> saved = Database.update(records, false, AccessLevel.USER_MODE);
        Database.Error error = saved[0].getErrors()[0];
        return new List<Object>{ saved[0].isSuccess(), error.getStatusCode(), error.getFields(), error.getMessage(), saved[1].isSuccess(),
          [SELECT Trading_Name__c FROM Account WHERE Id = :records[1].Id].Trading_Name__c };`,
      ),
      '(false, INVALID_FIELD_FOR_INSERT_UPDATE, (Gentrack_External_Id__c), Unable to create/update fields: Gentrack_External_Id__c. Please check the security settings of this field and verify that it is read/write for your profile or permission set., true, Two Trading)',
    );
    // AccessLevel.SYSTEM_MODE, or no access level: no check.
    assert.equal(
      await run(
        connectorUser,
        `${setup} return Database.update(records, false, AccessLevel.SYSTEM_MODE)[0].isSuccess();`,
      ),
      'true',
    );
  });

  it('DML as user on an object the user may not create, edit or delete throws System.SecurityException', async () => {
    assert.equal(
      await failure(minimumAccess, "insert as user new Account(Name = 'Acme'); return null;"),
      "System.SecurityException: Access to entity 'Account' denied",
    );
    assert.equal(
      await failure(
        minimumAccess,
        "Account a = new Account(Name = 'Acme'); insert a; Database.delete(a, false, AccessLevel.USER_MODE); return null;",
      ),
      "System.SecurityException: Access to entity 'Account' denied",
    );
    // Gentrack_Integration_User creates and edits Accounts but does not delete them.
    assert.equal(
      await run(minimumIntegration, "Account a = new Account(Name = 'Acme'); insert as user a; return a.Id != null;"),
      'true',
    );
    assert.equal(
      await failure(
        minimumIntegration,
        "Account a = new Account(Name = 'Acme'); insert a; delete as user a; return null;",
      ),
      "System.SecurityException: Access to entity 'Account' denied",
    );
  });

  it('system mode stays unrestricted, whoever runs it', async () => {
    assert.equal(
      await run(
        minimumAccess,
        "Account a = new Account(Name = 'Acme', Gentrack_External_Id__c = 'GT-1'); insert a; a.Gentrack_External_Id__c = 'GT-2'; update as system a; delete a; return [SELECT COUNT() FROM Account WHERE Id = :a.Id];",
      ),
      '0',
    );
  });

  it('forms of user mode the runtime does not model stop with the unsupported-Apex error', async () => {
    assert.match(
      await failure(connectorUser, "upsert as user new Account(Name = 'Acme'); return null;"),
      /^unsupported Apex: upsert in user mode at Snippet\.cls:3$/,
    );
    assert.match(
      await failure(connectorUser, "return Database.query('SELECT Id FROM Account', AccessLevel.USER_MODE);"),
      /^unsupported Apex: .*query\(\) at Snippet\.cls:3$/i,
    );
    assert.match(
      await failure(connectorUser, 'return [SELECT Id FROM Account WITH SECURITY_ENFORCED];'),
      /^unsupported Apex: SOQL WITH SECURITY_ENFORCED at Snippet\.cls:3$/,
    );
  });

  it('a User inserted by Apex gets the profile its ProfileId names; an unknown ProfileId is refused', async () => {
    const newUser = (profileId: string) =>
      `User u = new User(ProfileId = ${profileId}, Username = 'new.user@example.com', LastName = 'New', Email = 'new@example.com', Alias = 'new', TimeZoneSidKey = 'GMT', LocaleSidKey = 'en_AU', EmailEncodingKey = 'UTF-8', LanguageLocaleKey = 'en_US'); insert u;`;
    assert.equal(
      await failure(
        admin,
        `${newUser("[SELECT Id FROM Profile WHERE Name = 'Minimum Access - Salesforce'].Id")} System.runAs(u) { insert as user new Account(Name = 'Acme'); } return null;`,
      ),
      "System.SecurityException: Access to entity 'Account' denied",
    );
    assert.equal(
      await failure(admin, `${newUser("'00e000000000000AAA'")} return null;`),
      'System.DmlException: Insert failed. First exception on row 0; first error: INVALID_CROSS_REFERENCE_KEY, invalid cross reference id: [ProfileId]',
    );
  });
});
