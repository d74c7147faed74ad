import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import {
  GENTRACK_API_OPERATIONS,
  GENTRACK_API_OPERATION_NAMES,
  type GentrackApiOperationName,
} from '../../../../model/gentrack-operations.js';
import type { GentrackErrorType } from '../../../../model/gentrack-error-types.js';
import { startGentrackSandbox, type GentrackSandbox } from '../../../../sandbox/gentrack/index.js';
import { TestClock } from '../../../../sandbox/gentrack/sandbox-test-client.js';
import {
  createGentrackApi,
  GentrackResponseShapeError,
  InvalidGentrackApiCallError,
  type GentrackApi,
  type GentrackTransactionHeaders,
} from './gentrack-api.js';
import { GentrackCallError } from './gentrack-call-error.js';
import { createGentrackClient, type GentrackClient } from './gentrack-client.js';

const CLIENT_ID = 'gentrack-api-test';
const CLIENT_SECRET = 'gentrack-api-secret';
/** 20 June 2024: the seeded histories run from December to May; April's bill (due 2 June on 30-day terms) is overdue. */
const TODAY = '2024-06-20';

function write(): GentrackTransactionHeaders {
  return { transactionId: randomUUID(), transactionDateTime: `${TODAY}T10:00:00.000+10:00` };
}

/** Awaits a call expected to fail with Gentrack's error type (and status, and a detail at `path`), and returns it. */
async function refused(
  call: Promise<unknown>,
  errorType: GentrackErrorType,
  expected: { status?: number; path?: string; message?: RegExp } = {},
): Promise<GentrackCallError> {
  const error = await call.then(
    () => assert.fail(`expected ${errorType}, the call succeeded`),
    (thrown: unknown) => thrown,
  );
  assert.ok(error instanceof GentrackCallError, `expected a GentrackCallError, got ${String(error)}`);
  assert.equal(error.errorType, errorType, error.message);
  assert.equal(error.retryable, false, 'a refusal is not retried');
  if (expected.status !== undefined) assert.equal(error.status, expected.status);
  if (expected.path !== undefined) {
    assert.ok(
      error.details.some((detail) => detail.path === expected.path),
      `no detail at ${expected.path}: ${JSON.stringify(error.details)}`,
    );
  }
  if (expected.message !== undefined) assert.match(error.message, expected.message);
  return error;
}

interface Fixture {
  tenant: GentrackSandbox;
  api: GentrackApi;
  /** Active business account: six monthly electricity bills, the last two unpaid (April's overdue), direct debit. */
  home: { accountNumber: string; servicePointId: string; meterSerialNumber: string; billIds: string[] };
  /** Household gas account with 300.00 credit and every bill paid, paying by card. */
  credit: { accountNumber: string };
  contact: string;
  customer: string;
  organisation: string;
  /** A new account with a history of its own, for writes that would disturb the others. */
  freshAccount(name: string): string;
}

interface OperationCases {
  /** The happy path: the answer, parsed by the client, holds what the stand-in was given. */
  ok(fixture: Fixture): Promise<void>;
  /** A request Gentrack refuses, and the error type the client surfaces. */
  refused(fixture: Fixture): Promise<void>;
}

/** One entry per operation of the table: a missing one does not compile. */
const CASES: { [N in GentrackApiOperationName]: OperationCases } = {
  // ---- accounts
  'customer-sync': {
    async ok({ api }) {
      const { status, body } = await api.call('customer-sync', {
        body: { account: { name: 'New Site' } },
        headers: write(),
      });
      assert.equal(status, 201);
      assert.match(body.accountNumber, /^A\d{8}$/);
      assert.equal(body.status, 'Pending');
    },
    async refused({ api }) {
      await refused(api.call('customer-sync', { body: { account: {} } as never, headers: write() }), 'BAD_REQUEST', {
        status: 400,
        path: 'account.name',
      });
    },
  },
  'create-account': {
    async ok({ api, home }) {
      const { status, body } = await api.call('create-account', {
        body: { account: { name: 'Branch', accountClass: 'Business' }, parentAccountNumber: home.accountNumber },
        headers: write(),
      });
      assert.equal(status, 201);
      assert.equal(body.account.name, 'Branch');
      assert.equal(body.parentAccountNumber, home.accountNumber);
    },
    async refused({ api }) {
      await refused(
        api.call('create-account', {
          body: { account: { name: 'Orphan' }, parentAccountNumber: 'A99999999' },
          headers: write(),
        }),
        'NOT_FOUND',
        { status: 404, path: 'parentAccountNumber' },
      );
    },
  },
  'get-account': {
    async ok({ api, home }) {
      const { body } = await api.call('get-account', { params: { ref: home.accountNumber } });
      assert.equal(body.accountNumber, home.accountNumber);
      assert.equal(body.account.name, 'Harbour View Cafe');
      assert.equal(body.status, 'Active');
    },
    async refused({ api }) {
      await refused(api.call('get-account', { params: { ref: 'A99999999' } }), 'NOT_FOUND', {
        message: /A99999999/,
      });
    },
  },
  'update-account': {
    async ok({ api, freshAccount }) {
      const ref = freshAccount('Renamed Later');
      const { body } = await api.call('update-account', {
        params: { ref },
        body: { account: { name: 'Renamed Now', phone: '+61 2 9000 0000' } },
        headers: write(),
      });
      assert.equal(body.account.name, 'Renamed Now');
      assert.equal(body.account.phone, '+61 2 9000 0000');
    },
    async refused({ api, home }) {
      await refused(
        api.call('update-account', {
          params: { ref: home.accountNumber },
          body: { account: { name: ' ' } },
          headers: write(),
        }),
        'BAD_REQUEST',
        { path: 'account.name' },
      );
    },
  },
  'update-account-parent': {
    async ok({ api, home, freshAccount }) {
      const ref = freshAccount('Child Site');
      const { body } = await api.call('update-account-parent', {
        params: { ref },
        body: { parentAccountNumber: home.accountNumber },
        headers: write(),
      });
      assert.equal(body.parentAccountNumber, home.accountNumber);
    },
    async refused({ api, home }) {
      await refused(
        api.call('update-account-parent', {
          params: { ref: home.accountNumber },
          body: { parentAccountNumber: home.accountNumber },
          headers: write(),
        }),
        'BAD_REQUEST',
        { path: 'parentAccountNumber', message: /cycle/ },
      );
    },
  },
  'create-account-review': {
    async ok({ api, freshAccount }) {
      const ref = freshAccount('Closing Down');
      const { status, body } = await api.call('create-account-review', {
        params: { ref },
        body: { reason: 'Deleted in Salesforce' },
      });
      assert.equal(status, 202);
      assert.equal(body.status, 'Open');
      assert.equal(body.reason, 'Deleted in Salesforce');
    },
    async refused({ api }) {
      await refused(api.call('create-account-review', { params: { ref: 'A99999999' }, body: {} }), 'NOT_FOUND');
    },
  },
  'get-account-review': {
    async ok({ api, freshAccount }) {
      const ref = freshAccount('Under Review');
      const created = await api.call('create-account-review', { params: { ref }, body: { reason: 'Check' } });
      const { body } = await api.call('get-account-review', { params: { ref } });
      assert.deepEqual(body, created.body);
    },
    async refused({ api, home }) {
      await refused(api.call('get-account-review', { params: { ref: home.accountNumber } }), 'NOT_FOUND', {
        message: /Review of account/,
      });
    },
  },
  // ---- customers
  'create-customer': {
    async ok({ api }) {
      const { status, body } = await api.call('create-customer', {
        body: { customer: { lastName: 'Nguyen', firstName: 'An', dateOfBirth: '1980-02-29' } },
        headers: write(),
      });
      assert.equal(status, 201);
      assert.match(body.customerNumber, /^C\d{8}$/);
    },
    async refused({ api }) {
      await refused(
        api.call('create-customer', {
          body: { customer: { lastName: 'Later', dateOfBirth: '2024-06-21' } },
          headers: write(),
        }),
        'BAD_REQUEST',
        { path: 'customer.dateOfBirth', message: /must not be in the future/ },
      );
    },
  },
  'get-customer': {
    async ok({ api, customer }) {
      const { body } = await api.call('get-customer', { params: { ref: customer } });
      assert.equal(body.customerNumber, customer);
      assert.equal(body.customer.lastName, 'Okafor');
    },
    async refused({ api }) {
      await refused(api.call('get-customer', { params: { ref: 'C99999999' } }), 'NOT_FOUND');
    },
  },
  'update-customer': {
    async ok({ api, customer }) {
      const { body } = await api.call('update-customer', {
        params: { ref: customer },
        body: { customer: { email: 'okafor@example.com' } },
        headers: write(),
      });
      assert.equal(body.customer.email, 'okafor@example.com');
      assert.equal(body.customer.lastName, 'Okafor');
    },
    async refused({ api, customer }) {
      await refused(
        api.call('update-customer', {
          params: { ref: customer },
          body: { customer: { email: 'nope' } },
          headers: write(),
        }),
        'BAD_REQUEST',
        { path: 'customer.email' },
      );
    },
  },
  // ---- contacts
  'create-contact': {
    async ok({ api, home }) {
      const { status, body } = await api.call('create-contact', {
        body: { contact: { lastName: 'Smith' }, accountNumber: home.accountNumber },
        headers: write(),
      });
      assert.equal(status, 201);
      const read = await api.call('get-contact', { params: { ref: body.customerNumber } });
      assert.equal(read.body.accountNumber, home.accountNumber);
    },
    async refused({ api }) {
      await refused(
        api.call('create-contact', {
          body: { contact: { lastName: 'Smith' }, accountNumber: 'A99999999' },
          headers: write(),
        }),
        'NOT_FOUND',
        { path: 'accountNumber' },
      );
    },
  },
  'get-contact': {
    async ok({ api, contact, home }) {
      const { body } = await api.call('get-contact', { params: { ref: contact } });
      assert.equal(body.contact.lastName, 'Harbour');
      assert.equal(body.relationships[0]?.accountNumber, home.accountNumber);
    },
    async refused({ api }) {
      await refused(api.call('get-contact', { params: { ref: 'C99999999' } }), 'NOT_FOUND');
    },
  },
  'update-contact': {
    async ok({ api, contact }) {
      const { body } = await api.call('update-contact', {
        params: { ref: contact },
        body: { contact: { mobile: '0400 000 000' } },
        headers: write(),
      });
      assert.equal(body.contact.mobile, '0400 000 000');
    },
    async refused({ api, contact }) {
      await refused(
        api.call('update-contact', { params: { ref: contact }, body: { contact: { lastName: '' } }, headers: write() }),
        'BAD_REQUEST',
        { path: 'contact.lastName' },
      );
    },
  },
  'delete-contact': {
    async ok({ api, home, tenant }) {
      const { customerNumber } = tenant.state.seedContact({
        contact: { lastName: 'Leaving' },
        accountNumber: home.accountNumber,
      });
      const { body } = await api.call('delete-contact', {
        params: { ref: customerNumber },
        body: { reason: 'Deleted in Salesforce' },
        headers: write(),
      });
      assert.equal(body.status, 'Removed');
      assert.equal(body.removal?.reason, 'Deleted in Salesforce');
    },
    async refused({ api }) {
      await refused(
        api.call('delete-contact', { params: { ref: 'C99999999' }, body: {}, headers: write() }),
        'NOT_FOUND',
      );
    },
  },
  'update-contact-relationships': {
    async ok({ api, contact, credit }) {
      const { body } = await api.call('update-contact-relationships', {
        params: { ref: contact },
        body: { relationship: { accountNumber: credit.accountNumber, roles: ['Billing Contact'] } },
        headers: write(),
      });
      const added = body.relationships.find((relationship) => relationship.accountNumber === credit.accountNumber);
      assert.deepEqual(added?.roles, ['Billing Contact']);
    },
    async refused({ api, contact }) {
      await refused(
        api.call('update-contact-relationships', {
          params: { ref: contact },
          body: { relationship: { accountNumber: 'A99999999' } },
          headers: write(),
        }),
        'NOT_FOUND',
        { path: 'relationship.accountNumber' },
      );
    },
  },
  'remove-contact-relationships': {
    async ok({ api, tenant, home, freshAccount }) {
      const other = freshAccount('Second Home');
      const { customerNumber } = tenant.state.seedContact({
        contact: { lastName: 'Two' },
        accountNumber: home.accountNumber,
      });
      await api.call('update-contact-relationships', {
        params: { ref: customerNumber },
        body: { relationship: { accountNumber: other } },
        headers: write(),
      });
      const { body } = await api.call('remove-contact-relationships', {
        params: { ref: customerNumber },
        body: { relationship: { accountNumber: other } },
        headers: write(),
      });
      assert.deepEqual(
        body.relationships.map((relationship) => relationship.accountNumber),
        [home.accountNumber],
      );
    },
    async refused({ api, contact, freshAccount }) {
      await refused(
        api.call('remove-contact-relationships', {
          params: { ref: contact },
          body: { relationship: { accountNumber: freshAccount('Never Related') } },
          headers: write(),
        }),
        'NOT_FOUND',
        { path: 'relationship.accountNumber' },
      );
    },
  },
  // ---- organisations
  'create-organisation': {
    async ok({ api }) {
      const { status, body } = await api.call('create-organisation', {
        body: { organisation: { name: 'Harbour Holdings', companyNumber: 'ACN 000 000 019' } },
        headers: write(),
      });
      assert.equal(status, 201);
      assert.match(body.organisationNumber, /^O\d{8}$/);
    },
    async refused({ api }) {
      await refused(
        api.call('create-organisation', { body: { organisation: { name: '' } }, headers: write() }),
        'BAD_REQUEST',
        { path: 'organisation.name' },
      );
    },
  },
  'get-organisation': {
    async ok({ api, organisation }) {
      const { body } = await api.call('get-organisation', { params: { ref: organisation } });
      assert.equal(body.organisationNumber, organisation);
      assert.equal(body.organisation.name, 'Harbour Group');
    },
    async refused({ api }) {
      await refused(api.call('get-organisation', { params: { ref: 'O99999999' } }), 'NOT_FOUND');
    },
  },
  'update-organisation': {
    async ok({ api, organisation }) {
      const { body } = await api.call('update-organisation', {
        params: { ref: organisation },
        body: { organisation: { tradingName: 'Harbour' } },
        headers: write(),
      });
      assert.equal(body.organisation.tradingName, 'Harbour');
    },
    async refused({ api }) {
      await refused(
        api.call('update-organisation', { params: { ref: 'O99999999' }, body: { organisation: {} }, headers: write() }),
        'NOT_FOUND',
      );
    },
  },
  'update-organisation-relationships': {
    async ok({ api, organisation, home }) {
      const { body } = await api.call('update-organisation-relationships', {
        params: { ref: organisation },
        body: { relationship: { accountNumber: home.accountNumber, roles: 'Owner;Payer' } },
        headers: write(),
      });
      assert.equal(body.organisationNumber, organisation);
      assert.deepEqual(body.relationships[0]?.roles, ['Owner', 'Payer']);
    },
    async refused({ api, organisation }) {
      await refused(
        api.call('update-organisation-relationships', {
          params: { ref: organisation },
          body: { relationship: { accountNumber: 'A99999999' } },
          headers: write(),
        }),
        'NOT_FOUND',
      );
    },
  },
  'remove-organisation-relationships': {
    async ok({ api, tenant, freshAccount }) {
      const account = freshAccount('Subsidiary');
      const { organisationNumber } = tenant.state.seedOrganisation({ organisation: { name: 'Short Lived' } });
      await api.call('update-organisation-relationships', {
        params: { ref: organisationNumber },
        body: { relationship: { accountNumber: account } },
        headers: write(),
      });
      const { body } = await api.call('remove-organisation-relationships', {
        params: { ref: organisationNumber },
        body: { relationship: { accountNumber: account } },
        headers: write(),
      });
      assert.deepEqual(body.relationships, []);
    },
    async refused({ api, organisation }) {
      await refused(
        api.call('remove-organisation-relationships', {
          params: { ref: organisation },
          body: { relationship: {} } as never,
          headers: write(),
        }),
        'BAD_REQUEST',
        { path: 'relationship.accountNumber' },
      );
    },
  },
  // ---- balances, bills and billing
  'get-account-balance': {
    async ok({ api, home }) {
      const bills = await api.call('get-account-bills', { params: { ref: home.accountNumber } });
      const [may, april] = bills.body.bills;
      const { body } = await api.call('get-account-balance', { params: { ref: home.accountNumber } });
      assert.equal(body.balance, Math.round((may!.amount + april!.amount) * 100) / 100, 'the two unpaid bills');
      assert.equal(body.overdueAmount, april!.amount, "April's bill is overdue");
      assert.equal(body.currency, 'AUD');
    },
    async refused({ api }) {
      await refused(api.call('get-account-balance', { params: { ref: 'A99999999' } }), 'NOT_FOUND');
    },
  },
  'get-account-bills': {
    async ok({ api, home }) {
      const { body } = await api.call('get-account-bills', { params: { ref: home.accountNumber } });
      assert.deepEqual(
        body.bills.map((bill) => [bill.periodStart, bill.status]),
        [
          ['2024-05-01', 'Issued'],
          ['2024-04-01', 'Overdue'],
          ['2024-03-01', 'Paid'],
          ['2024-02-01', 'Paid'],
          ['2024-01-01', 'Paid'],
          ['2023-12-01', 'Paid'],
        ],
      );
      const may = body.bills[0]!;
      assert.equal(may.issueDate, '2024-06-03');
      assert.equal(may.dueDate, '2024-07-03', 'business accounts have 30 days');
      assert.equal(may.amountDue, may.amount);
      assert.ok(may.amount > 50 && may.amount < 400, `a month of a cafe's electricity: ${may.amount}`);
      const recent = await api.call('get-account-bills', {
        params: { ref: home.accountNumber },
        query: { fromDate: '2024-02-01', limit: 2 },
      });
      assert.deepEqual(
        recent.body.bills.map((bill) => bill.periodStart),
        ['2024-05-01', '2024-04-01'],
      );
    },
    async refused({ api, home }) {
      await refused(
        api.call('get-account-bills', {
          params: { ref: home.accountNumber },
          query: { fromDate: '2024-06-01', toDate: '2024-01-01' },
        }),
        'BAD_REQUEST',
        { path: 'fromDate' },
      );
    },
  },
  'get-bill-image': {
    async ok({ api, home }) {
      const billId = home.billIds.at(-1)!;
      const { body } = await api.call('get-bill-image', { params: { billId } });
      const pdf = Buffer.from(body.content, 'base64');
      assert.equal(body.contentType, 'application/pdf');
      assert.equal(body.sizeBytes, pdf.length);
      const text = pdf.toString('latin1');
      assert.ok(text.startsWith('%PDF-1.4\n') && text.endsWith('%%EOF\n'));
      const xref = Number(/startxref\n(\d+)\n/.exec(text)?.[1]);
      assert.equal(text.slice(xref, xref + 4), 'xref', 'startxref points at the cross-reference table');
      const bill = (await api.call('get-account-bills', { params: { ref: home.accountNumber } })).body.bills[0]!;
      assert.match(text, new RegExp(`Bill ${bill.billNumber} issued ${bill.issueDate}`));
      assert.match(text, new RegExp(`Total: ${bill.amount.toFixed(2)} AUD`));
      assert.equal(body.fileName, `${bill.billNumber}.pdf`);
    },
    async refused({ api }) {
      await refused(api.call('get-bill-image', { params: { billId: 'B99999999' } }), 'NOT_FOUND', {
        message: /Bill 'B99999999'/,
      });
    },
  },
  'get-bill-meter-reads': {
    async ok({ api, home }) {
      const { body } = await api.call('get-bill-meter-reads', { params: { billId: home.billIds.at(-1)! } });
      const [read] = body.meterReads;
      assert.equal(read?.servicePointId, home.servicePointId);
      assert.equal(read?.meterSerialNumber, home.meterSerialNumber);
      assert.equal(read?.readDate, '2024-05-31');
      assert.equal(read?.unit, 'kWh');
      assert.equal(Math.round((read!.reading - read!.previousReading) * 100) / 100, read?.consumption);
    },
    async refused({ api }) {
      await refused(api.call('get-bill-meter-reads', { params: { billId: 'B99999999' } }), 'NOT_FOUND');
    },
  },
  'fix-bill': {
    async ok({ api, tenant, freshAccount }) {
      const ref = freshAccount('Wrong Bill');
      const billId = tenant.state.billing.of(ref).bills[0]!.billId;
      const { status, body } = await api.call('fix-bill', {
        params: { billId },
        body: { fixType: 'Rebill', reason: 'Estimated read was too high' },
        headers: write(),
      });
      assert.equal(status, 202);
      assert.equal(body.status, 'Requested');
      const bills = await api.call('get-account-bills', { params: { ref } });
      assert.equal(bills.body.bills.find((bill) => bill.billId === billId)?.status, 'UnderReview');
    },
    async refused({ api, tenant, freshAccount }) {
      const billId = tenant.state.billing.of(freshAccount('Fixed Twice')).bills[0]!.billId;
      const fix = { params: { billId }, body: { fixType: 'Cancel', reason: 'Moved out' } } as const;
      await api.call('fix-bill', { ...fix, headers: write() });
      await refused(api.call('fix-bill', { ...fix, headers: write() }), 'BAD_REQUEST', {
        message: /already being fixed/,
      });
      await refused(
        api.call('fix-bill', {
          params: { billId },
          body: { fixType: 'Refund', reason: 'x' } as never,
          headers: write(),
        }),
        'BAD_REQUEST',
        { path: 'fixType' },
      );
    },
  },
  'get-billing-information': {
    async ok({ api, home }) {
      const { body } = await api.call('get-billing-information', { params: { ref: home.accountNumber } });
      assert.deepEqual(
        { ...body },
        {
          accountNumber: home.accountNumber,
          billingCycle: 'Monthly',
          lastBillDate: '2024-06-03',
          nextBillDate: '2024-07-03',
          billDelivery: 'Email',
          billingEmail: 'accounts@harbourview.example',
          paymentTermsCode: 'NET30',
          currency: 'AUD',
        },
      );
    },
    async refused({ api }) {
      await refused(api.call('get-billing-information', { params: { ref: 'A99999999' } }), 'NOT_FOUND');
    },
  },
  'get-financial-transactions': {
    async ok({ api, home }) {
      const all = await api.call('get-financial-transactions', { params: { ref: home.accountNumber } });
      const balance = await api.call('get-account-balance', { params: { ref: home.accountNumber } });
      assert.equal(all.body.transactions.length, 6 + 4, 'six bills and four payments');
      assert.equal(all.body.transactions[0]?.balanceAfter, balance.body.balance, 'the newest leaves the balance');
      const payments = await api.call('get-financial-transactions', {
        params: { ref: home.accountNumber },
        query: { type: 'Payment' },
      });
      assert.equal(payments.body.transactions.length, 4);
      assert.ok(payments.body.transactions.every((transaction) => transaction.amount < 0));
    },
    async refused({ api, home }) {
      await refused(
        api.call('get-financial-transactions', {
          params: { ref: home.accountNumber },
          query: { type: 'Cheque' } as never,
        }),
        'BAD_REQUEST',
        { path: 'type' },
      );
    },
  },
  // ---- payments
  'get-payment-arrangements': {
    async ok({ api, freshAccount }) {
      const ref = freshAccount('Arranged');
      assert.deepEqual((await api.call('get-payment-arrangements', { params: { ref } })).body.paymentArrangements, []);
      await api.call('create-payment-arrangement', {
        params: { ref },
        body: { frequency: 'Fortnightly', instalmentAmount: 200, numberOfInstalments: 6, startDate: '2024-06-28' },
        headers: write(),
      });
      const { body } = await api.call('get-payment-arrangements', { params: { ref } });
      assert.deepEqual(
        body.paymentArrangements.map((arrangement) => [arrangement.status, arrangement.endDate]),
        [['Active', '2024-09-06']],
      );
    },
    async refused({ api }) {
      await refused(api.call('get-payment-arrangements', { params: { ref: 'A99999999' } }), 'NOT_FOUND');
    },
  },
  'create-payment-arrangement': {
    async ok({ api, freshAccount }) {
      const ref = freshAccount('Instalments');
      const { status, body } = await api.call('create-payment-arrangement', {
        params: { ref },
        body: { frequency: 'Monthly', instalmentAmount: 150.5, numberOfInstalments: 4, startDate: TODAY },
        headers: write(),
      });
      assert.equal(status, 201);
      assert.equal(body.totalAmount, 602);
      assert.equal(body.endDate, '2024-09-20');
    },
    async refused({ api, freshAccount }) {
      const ref = freshAccount('Too Little');
      await refused(
        api.call('create-payment-arrangement', {
          params: { ref },
          body: { frequency: 'Weekly', instalmentAmount: 1, numberOfInstalments: 2, startDate: TODAY },
          headers: write(),
        }),
        'BAD_REQUEST',
        { path: 'instalmentAmount', message: /less than the balance/ },
      );
      await refused(
        api.call('create-payment-arrangement', {
          params: { ref },
          body: { frequency: 'Weekly', instalmentAmount: 100, numberOfInstalments: 10, startDate: '2024-06-19' },
          headers: write(),
        }),
        'BAD_REQUEST',
        { path: 'startDate' },
      );
    },
  },
  'delete-payment-arrangement': {
    async ok({ api, freshAccount }) {
      const ref = freshAccount('Cancelling');
      const created = await api.call('create-payment-arrangement', {
        params: { ref },
        body: { frequency: 'Weekly', instalmentAmount: 100, numberOfInstalments: 10, startDate: TODAY },
        headers: write(),
      });
      const { body } = await api.call('delete-payment-arrangement', {
        params: { ref: created.body.arrangementId },
        headers: write(),
      });
      assert.equal(body.status, 'Cancelled');
      assert.ok(body.cancelledAt !== null);
    },
    async refused({ api }) {
      await refused(
        api.call('delete-payment-arrangement', { params: { ref: 'PA99999999' }, headers: write() }),
        'NOT_FOUND',
        { message: /Payment arrangement 'PA99999999'/ },
      );
    },
  },
  'get-payment-methods': {
    async ok({ api, home }) {
      const { body } = await api.call('get-payment-methods', { params: { ref: home.accountNumber } });
      assert.deepEqual(
        body.paymentMethods.map(({ type, isDefault, status, bankAccount }) => ({
          type,
          isDefault,
          status,
          bankAccount,
        })),
        [
          {
            type: 'DirectDebit',
            isDefault: true,
            status: 'Active',
            bankAccount: { accountName: 'Harbour View Cafe', bsb: '062-000', accountNumberLast4: '5678' },
          },
        ],
      );
    },
    async refused({ api }) {
      await refused(api.call('get-payment-methods', { params: { ref: 'A99999999' } }), 'NOT_FOUND');
    },
  },
  'create-payment-method': {
    async ok({ api, freshAccount }) {
      const ref = freshAccount('New Card');
      const { status, body } = await api.call('create-payment-method', {
        params: { ref },
        body: {
          type: 'CreditCard',
          card: { token: 'tok_abc', brand: 'Mastercard', last4: '5100', expiryMonth: 1, expiryYear: 2027 },
          isDefault: true,
        },
        headers: write(),
      });
      assert.equal(status, 201);
      assert.equal(body.card?.last4, '5100');
      const methods = (await api.call('get-payment-methods', { params: { ref } })).body.paymentMethods;
      assert.deepEqual(
        methods.map((method) => [method.type, method.isDefault]),
        [
          ['DirectDebit', false],
          ['CreditCard', true],
        ],
      );
    },
    async refused({ api, home }) {
      await refused(
        api.call('create-payment-method', {
          params: { ref: home.accountNumber },
          body: {
            type: 'CreditCard',
            card: { token: 'tok_old', brand: 'Visa', last4: '4242', expiryMonth: 5, expiryYear: 2024 },
          },
          headers: write(),
        }),
        'BAD_REQUEST',
        { path: 'card.expiryYear', message: /expired in 05\/2024/ },
      );
      await refused(
        api.call('create-payment-method', {
          params: { ref: home.accountNumber },
          body: { type: 'DirectDebit', bankAccount: { accountName: 'X', bsb: '12', accountNumber: '1' } },
          headers: write(),
        }),
        'BAD_REQUEST',
        { path: 'bankAccount.bsb' },
      );
    },
  },
  'get-payment-terms': {
    async ok({ api, home, credit }) {
      const business = await api.call('get-payment-terms', { params: { ref: home.accountNumber } });
      assert.equal(business.body.termsCode, 'NET30');
      assert.equal(business.body.daysToPay, 30);
      const household = await api.call('get-payment-terms', { params: { ref: credit.accountNumber } });
      assert.equal(household.body.daysToPay, 14);
    },
    async refused({ api }) {
      await refused(api.call('get-payment-terms', { params: { ref: 'A99999999' } }), 'NOT_FOUND');
    },
  },
  'get-overdue-payments': {
    async ok({ api, home, credit }) {
      const { body } = await api.call('get-overdue-payments', { params: { ref: home.accountNumber } });
      assert.equal(body.overdueBills.length, 1);
      assert.equal(body.overdueBills[0]?.dueDate, '2024-06-02');
      assert.equal(body.overdueBills[0]?.daysOverdue, 18);
      assert.equal(body.totalOverdue, body.overdueBills[0]?.amountOverdue);
      const none = await api.call('get-overdue-payments', { params: { ref: credit.accountNumber } });
      assert.equal(none.body.totalOverdue, 0);
    },
    async refused({ api }) {
      await refused(api.call('get-overdue-payments', { params: { ref: 'A99999999' } }), 'NOT_FOUND');
    },
  },
  'get-suggested-payment-amount': {
    async ok({ api, home }) {
      const monthly = await api.call('get-suggested-payment-amount', {
        params: { ref: home.accountNumber },
        query: { frequency: 'Monthly' },
      });
      const weekly = await api.call('get-suggested-payment-amount', {
        params: { ref: home.accountNumber },
        query: { frequency: 'Weekly' },
      });
      assert.ok(monthly.body.amount > 0);
      assert.ok(Math.abs(weekly.body.amount - (monthly.body.amount * 12) / 52) < 0.02, 'the same yearly total');
      assert.match(monthly.body.basis, /6 bills/);
    },
    async refused({ api, home }) {
      await refused(
        api.call('get-suggested-payment-amount', {
          params: { ref: home.accountNumber },
          query: { frequency: 'Daily' } as never,
        }),
        'BAD_REQUEST',
        { path: 'frequency' },
      );
    },
  },
  'get-payment-review-date': {
    async ok({ api, freshAccount }) {
      const ref = freshAccount('Not Reviewed');
      const { body } = await api.call('get-payment-review-date', { params: { ref } });
      assert.equal(body.paymentReviewDate, null);
    },
    async refused({ api }) {
      await refused(api.call('get-payment-review-date', { params: { ref: 'A99999999' } }), 'NOT_FOUND');
    },
  },
  'update-payment-review-date': {
    async ok({ api, freshAccount }) {
      const ref = freshAccount('Review Soon');
      await api.call('update-payment-review-date', {
        params: { ref },
        body: { paymentReviewDate: '2024-07-15', reason: 'Promised to pay after payday' },
        headers: write(),
      });
      const { body } = await api.call('get-payment-review-date', { params: { ref } });
      assert.equal(body.paymentReviewDate, '2024-07-15');
      assert.equal(body.reason, 'Promised to pay after payday');
    },
    async refused({ api, home }) {
      await refused(
        api.call('update-payment-review-date', {
          params: { ref: home.accountNumber },
          body: { paymentReviewDate: '2024-06-01' },
          headers: write(),
        }),
        'BAD_REQUEST',
        { path: 'paymentReviewDate', message: /must not be in the past/ },
      );
    },
  },
  'create-refund-request': {
    async ok({ api, credit }) {
      const { status, body } = await api.call('create-refund-request', {
        params: { ref: credit.accountNumber },
        body: { amount: 100, reason: 'Customer moved out' },
        headers: write(),
      });
      assert.equal(status, 201);
      assert.equal(body.status, 'Requested');
      assert.equal(body.amount, 100);
    },
    async refused({ api, credit, home }) {
      await refused(
        api.call('create-refund-request', {
          params: { ref: credit.accountNumber },
          body: { amount: 250, reason: 'More than is left' },
          headers: write(),
        }),
        'BAD_REQUEST',
        { path: 'amount', message: /available credit of 200.00 AUD/ },
      );
      await refused(
        api.call('create-refund-request', {
          params: { ref: home.accountNumber },
          body: { amount: 0.001, reason: 'x' },
          headers: write(),
        }),
        'BAD_REQUEST',
        { path: 'amount' },
      );
    },
  },
  // ---- service points and meters
  'get-meter-structure': {
    async ok({ api, home }) {
      const { body } = await api.call('get-meter-structure', { params: { id: home.servicePointId } });
      assert.equal(body.accountNumber, home.accountNumber);
      assert.equal(body.utility, 'Electricity');
      assert.deepEqual(
        body.meters.map((meter) => meter.meterSerialNumber),
        [home.meterSerialNumber],
      );
      assert.deepEqual(
        body.meters[0]?.registers.map(({ registerId, unit, dials }) => ({ registerId, unit, dials })),
        [{ registerId: '001', unit: 'kWh', dials: 6 }],
      );
    },
    async refused({ api }) {
      await refused(api.call('get-meter-structure', { params: { id: 'SP99999999' } }), 'NOT_FOUND', {
        message: /Service point 'SP99999999'/,
      });
    },
  },
  'get-meter-read-history': {
    async ok({ api, home }) {
      const { body } = await api.call('get-meter-read-history', {
        params: { id: home.servicePointId },
        query: { toDate: '2024-05-31' },
      });
      assert.equal(body.reads.length, 7, 'the opening read and one a month');
      assert.equal(body.reads[0]?.readDate, '2024-05-31');
      assert.equal(body.reads.at(-1)?.consumption, null, 'the first read has nothing before it');
      assert.equal(body.reads[1]?.readType, 'Estimated');
    },
    async refused({ api, home }) {
      await refused(
        api.call('get-meter-read-history', { params: { id: home.servicePointId }, query: { limit: 0 } }),
        'BAD_REQUEST',
        { path: 'limit' },
      );
    },
  },
  'validate-meter-reads': {
    async ok({ api, home, tenant }) {
      const last = tenant.state.servicePoints.require(home.servicePointId).reads.at(-1)!;
      const { status, body } = await api.call('validate-meter-reads', {
        params: { id: home.servicePointId },
        body: {
          reads: [
            {
              meterSerialNumber: home.meterSerialNumber,
              registerId: '001',
              readDate: TODAY,
              reading: last.reading + 250,
            },
            {
              meterSerialNumber: home.meterSerialNumber,
              registerId: '001',
              readDate: '2024-06-19',
              reading: last.reading - 1,
            },
            { meterSerialNumber: 'X0000000', registerId: '001', readDate: TODAY, reading: 5 },
          ],
        },
        headers: write(),
      });
      assert.equal(status, 200);
      assert.equal(body.valid, false);
      assert.deepEqual(
        body.results.map((result) => [result.valid, result.consumption, result.problems.map((p) => p.rule)]),
        [
          [true, 250, []],
          [false, null, ['READ_DATE_NOT_AFTER_LAST_READ', 'READING_BELOW_PREVIOUS']],
          [false, null, ['UNKNOWN_METER']],
        ],
      );
      assert.equal(
        tenant.state.servicePoints.require(home.servicePointId).reads.at(-1),
        last,
        'validating stores nothing',
      );
    },
    async refused({ api, home }) {
      await refused(
        api.call('validate-meter-reads', {
          params: { id: home.servicePointId },
          body: { reads: [] },
          headers: write(),
        }),
        'BAD_REQUEST',
        { path: 'reads', message: /at least one read/ },
      );
    },
  },
  'submit-meter-reads': {
    async ok({ api, tenant }) {
      const ref = tenant.state.seedAccount({ account: { name: 'Reads Own Meter' }, status: 'Active' }).accountNumber;
      const history = tenant.state.seedBillingHistory(ref, { utility: 'Water' });
      const last = tenant.state.servicePoints.require(history.servicePointId).reads.at(-1)!;
      const read = {
        meterSerialNumber: history.meterSerialNumber,
        registerId: '001',
        readDate: TODAY,
        reading: last.reading + 8,
      };
      const { status, body } = await api.call('submit-meter-reads', {
        params: { id: history.servicePointId },
        body: { reads: [read] },
        headers: write(),
      });
      assert.equal(status, 201);
      assert.equal(body.reads[0]?.readType, 'Customer');
      const newest = await api.call('get-meter-read-history', {
        params: { id: history.servicePointId },
        query: { limit: 1 },
      });
      assert.deepEqual(newest.body.reads, body.reads);
    },
    async refused({ api, home, tenant }) {
      const before = tenant.state.servicePoints.require(home.servicePointId).reads.length;
      const last = tenant.state.servicePoints.require(home.servicePointId).reads.at(-1)!;
      const error = await refused(
        api.call('submit-meter-reads', {
          params: { id: home.servicePointId },
          body: {
            reads: [
              {
                meterSerialNumber: home.meterSerialNumber,
                registerId: '001',
                readDate: '2024-06-18',
                reading: last.reading + 10,
              },
              { meterSerialNumber: home.meterSerialNumber, registerId: '002', readDate: TODAY, reading: 1 },
              { meterSerialNumber: home.meterSerialNumber, registerId: '001', readDate: TODAY, reading: 99_999_999 },
            ],
          },
          headers: write(),
        }),
        'BAD_REQUEST',
        { path: 'reads.1.registerId' },
      );
      assert.deepEqual(
        error.details.map((detail) => [detail.path, detail.message.split(':')[0]]),
        [
          ['reads.1.registerId', 'UNKNOWN_REGISTER'],
          ['reads.2.reading', 'READING_EXCEEDS_DIALS'],
        ],
      );
      assert.equal(tenant.state.servicePoints.require(home.servicePointId).reads.length, before, 'all or none');
    },
  },
};

describe('the typed Gentrack API against the Gentrack stand-in: every operation of the reference', () => {
  const fixture = {} as Fixture;
  let client: GentrackClient;

  before(async () => {
    const clock = new TestClock(Date.parse(`${TODAY}T00:00:00.000Z`));
    const tenant = await startGentrackSandbox({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, now: clock.now });
    client = createGentrackClient({
      baseUrl: tenant.baseUrl,
      tokenUrl: tenant.tokenUrl,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
    });
    const { state } = tenant;
    const homeAccount = state.seedAccount({
      account: { name: 'Harbour View Cafe', accountClass: 'Business' },
      status: 'Active',
    }).accountNumber;
    const homeHistory = state.seedBillingHistory(homeAccount, {
      unpaidBills: 2,
      billingEmail: 'accounts@harbourview.example',
    });
    const creditAccount = state.seedAccount({ account: { name: 'Credit Household' }, status: 'Active' }).accountNumber;
    state.seedBillingHistory(creditAccount, {
      unpaidBills: 0,
      credit: 300,
      utility: 'Gas',
      paymentMethod: 'CreditCard',
    });
    Object.assign(fixture, {
      tenant,
      api: createGentrackApi(client),
      home: {
        accountNumber: homeAccount,
        servicePointId: homeHistory.servicePointId,
        meterSerialNumber: homeHistory.meterSerialNumber,
        billIds: homeHistory.bills.map((bill) => bill.billId),
      },
      credit: { accountNumber: creditAccount },
      contact: state.seedContact({ contact: { lastName: 'Harbour' }, accountNumber: homeAccount }).customerNumber,
      customer: state.seedCustomer({ customer: { lastName: 'Okafor' } }).customerNumber,
      organisation: state.seedOrganisation({ organisation: { name: 'Harbour Group' } }).organisationNumber,
      freshAccount(name: string) {
        const { accountNumber } = state.seedAccount({ account: { name }, status: 'Active' });
        state.seedBillingHistory(accountNumber, { months: 3 });
        return accountNumber;
      },
    } satisfies Fixture);
  });
  after(async () => {
    await client.close();
    await fixture.tenant.close();
  });

  test('the cases cover every operation of the table, and the stand-in serves every one', () => {
    assert.deepEqual(Object.keys(CASES).sort(), [...GENTRACK_API_OPERATION_NAMES].sort());
    assert.deepEqual(
      fixture.tenant.operations.map((operation) => operation.name).sort(),
      [...GENTRACK_API_OPERATION_NAMES].sort(),
    );
    assert.equal(GENTRACK_API_OPERATION_NAMES.length, 43);
  });

  for (const name of GENTRACK_API_OPERATION_NAMES) {
    const { method, path } = GENTRACK_API_OPERATIONS[name];
    describe(`${name} (${method} ${path})`, () => {
      test('answers in its shape', () => CASES[name].ok(fixture));
      test("is refused with Gentrack's error type", () => CASES[name].refused(fixture));
    });
  }

  test('each operation gets the headers the table gives it: transaction headers on writes (one part of one), audit on all', async () => {
    const { api, tenant, home } = fixture;
    tenant.calls.clear();
    await api.call('get-account', {
      params: { ref: home.accountNumber },
      headers: { onBehalfOf: 'agent@utility.example', traceId: 'trace-read' },
    });
    await api.call('update-payment-review-date', {
      params: { ref: home.accountNumber },
      body: { paymentReviewDate: '2024-08-01' },
      headers: {
        transactionId: 'tx-review-date',
        transactionDateTime: '2024-06-20T09:00:00.000+10:00',
        onBehalfOf: 'agent@utility.example',
      },
    });
    await api.call('create-account-review', { params: { ref: home.accountNumber }, body: {} });
    const [read, update, review] = tenant.calls.list();
    assert.deepEqual(read?.headers, {
      'x-trace-id': 'trace-read',
      'x-on-behalf-of': 'agent@utility.example',
      accept: 'application/json',
    });
    assert.equal(update?.headers['x-transaction-id'], 'tx-review-date');
    assert.equal(update?.headers['x-transaction-date-time'], '2024-06-20T09:00:00.000+10:00');
    // Every payload goes whole: one part of one (README, "Transaction and part headers").
    assert.equal(update?.headers['x-transaction-part-number'], '1');
    assert.equal(update?.headers['x-transaction-part-total'], '1');
    assert.equal(review?.headers['x-transaction-id'], undefined, 'the reference lists the review without them');
    assert.match(review?.headers['x-trace-id'] ?? '', /^[0-9a-f-]{36}$/, 'a trace id of its own');
  });

  test('a missing or empty path parameter is refused before anything is sent', async () => {
    const { api, tenant } = fixture;
    tenant.calls.clear();
    await assert.rejects(
      api.call('get-bill-image', { params: { billId: ' ' } }),
      (error: unknown) =>
        error instanceof InvalidGentrackApiCallError && /needs the path parameter billId/.test(error.message),
    );
    await assert.rejects(api.call('get-account', {} as never), InvalidGentrackApiCallError);
    assert.equal(tenant.calls.list().length, 0);
  });

  test('path parameters are percent-encoded', async () => {
    const { api } = fixture;
    await refused(api.call('get-account', { params: { ref: 'A1/../balance' } }), 'NOT_FOUND', {
      message: /A1%2F\.\.%2Fbalance/,
    });
  });
});

describe('the typed Gentrack API against an answer of the wrong shape', () => {
  test("a 2xx body that is not the operation's shape is GENTRACK_RESPONSE_INVALID naming the operation and paths", async () => {
    const tenant = await startGentrackSandbox({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
    const origin = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ accountNumber: 'A1', balance: '12.00' }));
    });
    await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
    const client = createGentrackClient({
      baseUrl: `http://127.0.0.1:${(origin.address() as AddressInfo).port}/v1`,
      tokenUrl: tenant.tokenUrl,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
    });
    try {
      const error = await createGentrackApi(client)
        .call('get-account-balance', { params: { ref: 'A1' } })
        .then(
          () => assert.fail('the wrong shape was accepted'),
          (thrown: unknown) => thrown,
        );
      assert.ok(error instanceof GentrackResponseShapeError);
      assert.equal(error.code, 'GENTRACK_RESPONSE_INVALID');
      assert.equal(error.operation, 'get-account-balance');
      assert.match(error.message, /balance: .*number/);
      assert.match(error.message, /overdueAmount/);
    } finally {
      await client.close();
      origin.close();
      await tenant.close();
    }
  });
});
