/**
 * The sandbox org running force-app's triggers: what each kind of change through the org publishes on the event
 * bus, field by field, and what publishes nothing (untracked updates, the integration user, the kill switch, a
 * failed DML).
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { beforeEach, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { EVENT_FIELDS, EXTERNAL_ID_FIELD, PLATFORM_EVENT, REFERENCES_KEY } from '../../../model/connector-fields.js';
import { findObject, trackedFields } from '../../../model/connector-model.js';
import { connectorModel } from '../../../relay/src/platform/connector-model.generated.js';
import { SandboxOrg } from '../org/sandbox-org.js';
import { createApexRuntime } from './apex-runtime.js';
import { runApexTriggers, type ApexTriggers } from './apex-triggers.js';

const forceAppDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../force-app');
const NOW = Date.UTC(2026, 0, 15, 9, 30, 0);

type Published = { user: string; events: Record<string, unknown>[] };

let org: SandboxOrg;
let triggers: ApexTriggers;
let published: Published[];

beforeEach(() => {
  org = new SandboxOrg({ forceAppDir, clock: () => NOW });
  published = [];
  triggers = runApexTriggers(org, createApexRuntime(org, forceAppDir), PLATFORM_EVENT, (events, user) =>
    published.push({ user: user.username, events }),
  );
});

const events = () => published.flatMap((batch) => batch.events);
const payload = (event: Record<string, unknown>, field: string) =>
  event[field] === null ? null : (JSON.parse(String(event[field])) as Record<string, unknown>);
/** The payload keys GentrackTriggerHandler.payloadOf writes for an object, in its order. */
const payloadKeys = (objectName: string) => {
  const object = findObject(connectorModel, objectName)!;
  const lookups = object.fields.filter((field) => field.references);
  return [
    'Id',
    EXTERNAL_ID_FIELD,
    ...trackedFields(object).map((field) => field.name),
    ...(lookups.length > 0 ? [REFERENCES_KEY] : []),
  ];
};

async function parentAccount(): Promise<string> {
  const [parent] = await org.insert('Account', { Name: 'Parent', [EXTERNAL_ID_FIELD]: 'GT-PARENT' });
  published.length = 0;
  return parent!.id!;
}

describe('the sandbox org running the generated triggers', () => {
  it('publishes an insert with every tracked field and the Gentrack reference of each lookup', async () => {
    const parentId = await parentAccount();
    const [child] = await org.insert('Account', { Name: 'Child', BillingCity: 'Napier', ParentId: parentId });

    assert.equal(published.length, 1);
    assert.equal(published[0]!.user, org.users.admin.username);
    const [event] = events();
    assert.deepEqual(
      {
        operation: event![EVENT_FIELDS.operationType],
        object: event![EVENT_FIELDS.objectType],
        recordId: event![EVENT_FIELDS.recordId],
        part: `${event![EVENT_FIELDS.partNumber]}/${event![EVENT_FIELDS.partTotal]}`,
        changedFields: event![EVENT_FIELDS.changedFields],
        changedBy: event![EVENT_FIELDS.changedBy],
        changedAt: Date.parse(String(event![EVENT_FIELDS.changedAt]).replace(/\+0000$/, 'Z')),
        oldPayload: event![EVENT_FIELDS.oldPayload],
      },
      {
        operation: 'INSERT',
        object: 'Account',
        recordId: child!.id,
        part: '1/1',
        changedFields: null,
        changedBy: org.users.admin.username,
        changedAt: NOW,
        oldPayload: null,
      },
    );
    assert.match(String(event![EVENT_FIELDS.transactionId]), /^[0-9a-f-]{36}$/);
    const values = payload(event!, EVENT_FIELDS.newPayload)!;
    assert.deepEqual(Object.keys(values), payloadKeys('Account'));
    assert.equal(values.Id, child!.id);
    assert.equal(values.Name, 'Child');
    assert.equal(values.BillingCity, 'Napier');
    assert.equal(values.ParentId, parentId);
    assert.deepEqual(values[REFERENCES_KEY], { ParentId: 'GT-PARENT' });
  });

  it('publishes 201 inserts from one DML statement as two trigger chunks, one EventBus.publish each', async () => {
    await org.insert(
      'Account',
      Array.from({ length: 201 }, (_, index) => ({ Name: `Account ${index}` })),
    );
    assert.equal(events().length, 201);
    assert.equal(triggers.publishCalls, 2);
    assert.equal(new Set(events().map((event) => event[EVENT_FIELDS.transactionId])).size, 201);
    assert.deepEqual(
      events().map((event) => payload(event, EVENT_FIELDS.newPayload)!.Name),
      Array.from({ length: 201 }, (_, index) => `Account ${index}`),
      'in the order of the DML',
    );
  });

  it('publishes an update of a tracked field with both payloads and the changed fields, a change of case included', async () => {
    const [account] = await org.insert('Account', { Name: 'Kauri Energy' });
    published.length = 0;
    await org.update('Account', { Id: account!.id, Name: 'KAURI ENERGY' });

    const [event] = events();
    assert.equal(events().length, 1);
    assert.equal(event![EVENT_FIELDS.operationType], 'UPDATE');
    assert.equal(event![EVENT_FIELDS.changedFields], 'Name');
    assert.equal(payload(event!, EVENT_FIELDS.oldPayload)!.Name, 'Kauri Energy');
    assert.equal(payload(event!, EVENT_FIELDS.newPayload)!.Name, 'KAURI ENERGY');
  });

  it('publishes nothing for an update of untracked fields only', async () => {
    const [account] = await org.insert('Account', { Name: 'Kauri Energy' });
    published.length = 0;
    await org.update('Account', { Id: account!.id, Gentrack_Sync_Status__c: 'Synced' });
    assert.deepEqual(events(), []);
  });

  it('publishes a contact with its account, and not the direct AccountContactRelation Salesforce makes for it', async () => {
    const parentId = await parentAccount();
    const [contact] = await org.insert('Contact', { LastName: 'Ngata', AccountId: parentId, Birthdate: '1990-05-17' });

    const direct = org.query(
      `SELECT Id FROM AccountContactRelation WHERE ContactId = '${contact!.id}' AND IsDirect = true`,
    );
    assert.equal(direct.records.length, 1, 'Salesforce made the direct relation, and its trigger ran');
    assert.deepEqual(
      events().map((event) => event[EVENT_FIELDS.objectType]),
      ['Contact'],
      'create-contact with its account number makes the relationship in Gentrack: no second call about it',
    );
    const contactValues = payload(events()[0]!, EVENT_FIELDS.newPayload)!;
    assert.deepEqual(Object.keys(contactValues), payloadKeys('Contact'));
    assert.equal(contactValues.Birthdate, '1990-05-17');
    assert.deepEqual(contactValues[REFERENCES_KEY], { AccountId: 'GT-PARENT' });
  });

  it('publishes an AccountContactRelation to another account, with the references of both ends', async () => {
    const parentId = await parentAccount();
    const [other] = await org.insert('Account', { Name: 'Other', [EXTERNAL_ID_FIELD]: 'GT-OTHER' });
    const [contact] = await org.insert('Contact', {
      LastName: 'Ngata',
      AccountId: parentId,
      [EXTERNAL_ID_FIELD]: 'GT-C1',
    });
    published.length = 0;
    await org.insert('AccountContactRelation', { AccountId: other!.id, ContactId: contact!.id, Roles: 'Payer' });

    assert.deepEqual(
      events().map((event) => event[EVENT_FIELDS.objectType]),
      ['AccountContactRelation'],
    );
    const relation = payload(events()[0]!, EVENT_FIELDS.newPayload)!;
    assert.deepEqual(Object.keys(relation), payloadKeys('AccountContactRelation'));
    assert.equal(relation.ContactId, contact!.id);
    assert.equal(relation.Roles, 'Payer');
    assert.deepEqual(relation[REFERENCES_KEY], { AccountId: 'GT-OTHER', ContactId: 'GT-C1' });
  });

  it('publishes a delete with the old payload only, and an undelete with the new payload only', async () => {
    const [account] = await org.insert('Account', { Name: 'Rimu Power', [EXTERNAL_ID_FIELD]: 'GT-RIMU' });
    published.length = 0;
    await org.delete('Account', [account!.id!]);
    await org.undelete('Account', [account!.id!]);

    const [deleted, undeleted] = events();
    assert.equal(deleted![EVENT_FIELDS.operationType], 'DELETE');
    assert.equal(deleted![EVENT_FIELDS.newPayload], null);
    assert.equal(payload(deleted!, EVENT_FIELDS.oldPayload)![EXTERNAL_ID_FIELD], 'GT-RIMU');
    assert.equal(undeleted![EVENT_FIELDS.operationType], 'UNDELETE');
    assert.equal(undeleted![EVENT_FIELDS.oldPayload], null);
    assert.equal(payload(undeleted!, EVENT_FIELDS.newPayload)!.Name, 'Rimu Power');
  });

  it("publishes nothing for the integration user's writes (Gentrack_Bypass_Publishing)", async () => {
    await org.insert('Account', { Name: 'By the relay' }, { as: org.users.integration });
    assert.deepEqual(events(), []);
    assert.equal(triggers.publishCalls, 0);
  });

  it('publishes nothing while the kill switch is on, and again once it is off', async () => {
    const [settings] = await org.insert('Gentrack_Connector_Settings__c', {
      SetupOwnerId: org.id,
      Disable_Publishing__c: true,
    });
    await org.insert('Account', { Name: 'During the switch' });
    assert.deepEqual(events(), []);
    await org.update('Gentrack_Connector_Settings__c', { Id: settings!.id, Disable_Publishing__c: false });
    await org.insert('Account', { Name: 'After the switch' });
    assert.equal(events().length, 1);
  });

  it('publishes nothing for a DML statement that fails', async () => {
    await assert.rejects(
      org.insert('Account', [{ Name: 'Fine' }, { Name: null }]),
      /Required fields are missing: \[Name\]/,
    );
    assert.deepEqual(events(), []);
  });

  it('publishes nothing from a transaction that rolls back after its triggers ran (PublishAfterCommit)', async () => {
    await assert.rejects(
      org.transactions.run(async () => {
        await org.insert('Account', { Name: 'First in the transaction' });
        await org.insert('Account', { Name: null });
      }),
      /Required fields are missing: \[Name\]/,
    );
    assert.equal(triggers.publishCalls, 1, 'the trigger of the first insert called EventBus.publish');
    assert.deepEqual(events(), [], 'and the rollback dropped its event');
  });

  it('holds well under the 6 MB heap limit for a chunk of 200 updates with every tracked field at its longest', async () => {
    const account = org.schema.object('Account')!;
    const longest = (version: string) =>
      Object.fromEntries(
        trackedFields(findObject(connectorModel, 'Account')!)
          .map((mapped) => account.field(mapped.name)!)
          .filter((field) => ['string', 'textarea', 'url', 'phone'].includes(field.type))
          .map((field) => [field.name, version.repeat(field.length).slice(0, field.length)]),
      );
    const inserted = await org.insert(
      'Account',
      Array.from({ length: 200 }, () => longest('a')),
      { as: org.users.integration },
    );
    await org.update(
      'Account',
      inserted.map((result) => ({ Id: result.id, ...longest('b') })),
    );
    assert.equal(events().length, 200);
    const heap = triggers.heapPeakBytes;
    assert.ok(heap > 200 * 2 * 1000, `the estimate counts the payloads (${heap} bytes)`);
    assert.ok(heap < 3_000_000, `${heap} bytes at the publish: under half the 6,000,000-byte limit`);
  });
});
