/**
 * "API calls to Gentrack" end to end on the sandbox: the Account summary's Apex controller, run by the sandbox org's
 * Apex runtime as a Lightning component calls it, as a service agent holding Gentrack_Connector_User, calls
 * GentrackApi -> the Named Credential Gentrack_Relay (OAuth client credentials against the relay's token endpoint)
 * -> the relay's Gentrack API gateway -> the Gentrack stand-in, and shows the stand-in's balance, bills and
 * payments. The relay refuses an operation the model keeps closed, naming the setting, and a revoked client.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import {
  RELAY_CREDENTIAL_PRINCIPAL,
  RELAY_EXTERNAL_CREDENTIAL,
  RELAY_NAMED_CREDENTIAL,
} from '../../model/connector-fields.js';
import { createCredentials, revokeCredentials } from '../../relay/src/platform/api-auth/credential-lifecycle.js';
import { createGentrackApi } from '../../relay/src/platform/gentrack/gentrack-api.js';
import { startRelayApi, type RelayApi } from '../../relay/src/relay-api.js';
import { invokeAuraAction, type AuraActionResult } from '../../sandbox/salesforce/apex/aura-actions.js';
import type { SandboxUser } from '../../sandbox/salesforce/org/users.js';
import { startE2E, type E2E } from './harness.js';

const CONTROLLER = 'GentrackAccountSummaryController';

let e2e: E2E;
let api: RelayApi;
let agent: SandboxUser;
let accountId: string;
let accountNumber: string;
let clientId: string;
let clientSecret: string;

function summaryAs(user: SandboxUser): Promise<AuraActionResult> {
  return invokeAuraAction(e2e.sandbox.apex, {
    user,
    className: CONTROLLER,
    methodName: 'getSummary',
    params: { accountId },
  });
}

before(async () => {
  e2e = await startE2E();
  const relay = await e2e.startRelay();
  api = (await startRelayApi({
    relay,
    config: e2e.config,
    secrets: { apiSigningKey: undefined },
    logger: pino({ level: 'silent' }),
  }))!;
  const { org } = e2e.sandbox.salesforce;
  // The operator's credentials create, and the admin's Setup: the principal's client id and secret, and the Named
  // Credential pointed at this relay.
  const issued = await createCredentials(relay.apiClients);
  clientId = issued.client.clientId;
  clientSecret = issued.clientSecret.reveal();
  org.namedCredentials.create(
    {
      externalCredential: RELAY_EXTERNAL_CREDENTIAL,
      principalName: RELAY_CREDENTIAL_PRINCIPAL,
      principalType: 'NamedPrincipal',
      authenticationProtocol: 'OAuth',
      credentials: {
        clientId: { value: clientId, encrypted: false },
        clientSecret: { value: clientSecret, encrypted: true },
      },
    },
    org.users.admin.username,
  );
  org.namedCredentials.pointAt(RELAY_NAMED_CREDENTIAL, `${api.url}/v1`, `${api.url}/oauth/token`);

  const { gentrack } = e2e.sandbox;
  accountNumber = gentrack.state.seedAccount({
    account: { name: 'Harbour View Cafe', accountClass: 'Business' },
    status: 'Active',
  }).accountNumber;
  gentrack.state.seedBillingHistory(accountNumber, { unpaidBills: 2 });
  // Written as the integration user (its bypass permission publishes nothing): the account as Gentrack knows it.
  const [account] = await org.insert(
    'Account',
    { Name: 'Harbour View Cafe', Gentrack_External_Id__c: accountNumber },
    { as: org.users.integration },
  );
  accountId = account!.id!;
  agent = org.users.create({
    username: 'agent@utility.example',
    lastName: 'Agent',
    permissionSets: ['Gentrack_Connector_User'],
  });
});

after(async () => {
  await api?.close();
  await e2e?.close();
});

test("the summary's controller shows the stand-in's balance, bills and payments through the Named Credential and the gateway", async () => {
  const result = await summaryAs(agent);
  assert.equal(result.state, 'SUCCESS', JSON.stringify(result));
  const summary = (result as { returnValue: Record<string, any> }).returnValue;

  // What Gentrack itself says, read directly with the relay's own client.
  const gentrack = createGentrackApi(e2e.relay.gentrack);
  const balance = (await gentrack.call('get-account-balance', { params: { ref: accountNumber } })).body;
  const bills = (await gentrack.call('get-account-bills', { params: { ref: accountNumber }, query: { limit: 3 } })).body
    .bills;
  const payments = (
    await gentrack.call('get-financial-transactions', {
      params: { ref: accountNumber },
      query: { type: 'Payment', limit: 5 },
    })
  ).body.transactions;

  assert.equal(summary.accountNumber, accountNumber);
  assert.equal(summary.balance.balance, balance.balance);
  assert.equal(summary.balance.overdueAmount, balance.overdueAmount);
  assert.ok(balance.balance > 0, 'two bills are unpaid');
  assert.deepEqual(
    summary.bills.map((bill: Record<string, unknown>) => [bill.billId, bill.amount, bill.status]),
    bills.map((bill) => [bill.billId, bill.amount, bill.status]),
  );
  assert.deepEqual(
    summary.payments.map((payment: Record<string, unknown>) => [payment.transactionId, payment.amount]),
    payments.map((payment) => [payment.transactionId, payment.amount]),
  );
  assert.ok(payments.length > 0, 'the history has payments');
  assert.ok(summary.meterReads.length > 0, "the newest bill's reads");

  // Through the Named Credential (a token from the relay) and the gateway, as the agent.
  const calls = e2e.sandbox.salesforce.org.callouts.log.map(
    (call) => `${call.method} ${new URL(call.url).pathname} ${call.status}`,
  );
  assert.ok(calls.includes(`GET /v1/gentrack/accounts/${accountNumber}/balance 200`), calls.join('\n'));
  api.gatewayCalls.flush();
  const recorded = api.gatewayCalls.recent(10);
  assert.ok(
    recorded.some(
      (call) =>
        call.operation === 'get-account-balance' && call.onBehalfOf === agent.username && call.clientId === clientId,
    ),
  );
  const sent = e2e.sandbox.gentrack.calls.list().filter((call) => call.operation === 'get-account-balance');
  assert.ok(
    sent.some((call) => call.headers['x-on-behalf-of'] === agent.username),
    "Gentrack's audit names the agent",
  );
});

test("a bill's PDF comes through for the account's own bills", async () => {
  const summary = ((await summaryAs(agent)) as { returnValue: { bills: { billId: string }[] } }).returnValue;
  const result = await invokeAuraAction(e2e.sandbox.apex, {
    user: agent,
    className: CONTROLLER,
    methodName: 'getBillPdf',
    params: { accountId, billId: summary.bills[0]!.billId },
  });
  assert.equal(result.state, 'SUCCESS', JSON.stringify(result));
  const pdf = (result as { returnValue: { contentType: string; content: string } }).returnValue;
  assert.equal(pdf.contentType, 'application/pdf');
  assert.ok(Buffer.from(pdf.content, 'base64').toString('latin1').startsWith('%PDF-'), 'a PDF');
});

test('an operation the model keeps closed is refused by the relay, naming the setting that opens it', async () => {
  const token = await fetch(`${api.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }),
  });
  const { access_token: bearer } = (await token.json()) as { access_token: string };
  const before = e2e.sandbox.gentrack.calls.list().length;
  const refused = await fetch(`${api.url}/v1/gentrack/accounts/${accountNumber}/payment-arrangements`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${bearer}`,
      'x-on-behalf-of': agent.username,
      'content-type': 'application/json',
    },
    body: JSON.stringify({
      frequency: 'Weekly',
      instalmentAmount: 50,
      numberOfInstalments: 5,
      startDate: '2099-01-01',
    }),
  });
  assert.equal(refused.status, 403);
  const body = (await refused.json()) as { errorCode: string; message: string };
  assert.equal(body.errorCode, 'OPERATION_NOT_ALLOWED');
  assert.match(
    body.message,
    /set gentrackApi\.operations\.create-payment-arrangement\.allow: true in config\/connector\.yaml/,
  );
  assert.equal(e2e.sandbox.gentrack.calls.list().length, before, 'Gentrack was not called');
});

test('a revoked client is refused: its token no longer works and no new one is issued', async () => {
  revokeCredentials(e2e.relay.apiClients);
  const before = e2e.sandbox.gentrack.calls.list().length;
  const result = await summaryAs(agent);
  assert.equal(result.state, 'ERROR');
  const { message } = result as { message: string };
  assert.match(message, /could not get an access token \(HTTP 401/, message);
  assert.match(message, /Gentrack_Relay named credential/, 'says what to check');
  const tail = e2e.sandbox.salesforce.org.callouts.log.slice(-1)[0];
  assert.equal(tail?.status, 401, "the gateway refused the revoked client's token");
  assert.equal(e2e.sandbox.gentrack.calls.list().length, before, 'Gentrack was not called');
});
