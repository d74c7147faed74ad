import type { z } from 'zod';
import type {
  billsQuery,
  financialTransactionsQuery,
  fixBillBody,
} from '../../../model/gentrack-api/billing-shapes.js';
import { badRequest, notFound } from '../api-error.js';
import { ReferenceSequence } from '../store/reference-sequence.js';
import type { TenantState } from '../store/tenant-state.js';
import { renderPdf } from './bill-pdf.js';
import {
  PAYMENT_TERMS,
  TENANT_CURRENCY,
  type AccountBilling,
  type BillRecord,
  type FixRequestRecord,
  type LedgerTransaction,
} from './billing-records.js';
import { addMonths, daysBetween, roundCents } from './calendar-dates.js';

/** Filters, newest first, and at most `limit` (`date` is what the range applies to). */
function newestFirst<T>(
  items: readonly T[],
  date: (item: T) => string,
  query: { fromDate?: string | undefined; toDate?: string | undefined; limit?: number | undefined },
  defaultLimit: number,
): T[] {
  return items
    .filter(
      (item) =>
        (query.fromDate === undefined || date(item) >= query.fromDate) &&
        (query.toDate === undefined || date(item) <= query.toDate),
    )
    .reverse()
    .slice(0, query.limit ?? defaultLimit);
}

/**
 * Accounts' bills, financial transactions and balances, as Gentrack's billing keeps them. The balance is the
 * account's (TenantState), moved by every transaction: positive is owed, negative is credit. Payments settle the
 * oldest bills first.
 */
export class BillingLedger {
  private readonly billingByAccount = new Map<string, AccountBilling>();
  private readonly billsById = new Map<string, BillRecord>();
  private readonly fixRequests: FixRequestRecord[] = [];
  private readonly billIds = new ReferenceSequence('B');
  private readonly transactionIds = new ReferenceSequence('T');
  private readonly fixRequestIds = new ReferenceSequence('FX');

  constructor(private readonly state: TenantState) {}

  /** The account's billing; an account nobody billed yet has none, and gets the defaults of a new account. */
  of(accountNumber: string): AccountBilling {
    const account = this.state.requireAccount(accountNumber);
    let billing = this.billingByAccount.get(accountNumber);
    if (billing === undefined) {
      billing = {
        accountNumber,
        billingCycle: 'Monthly',
        billDelivery: 'Post',
        billingEmail: null,
        paymentTermsCode: account.account.accountClass === 'Business' ? 'NET30' : 'NET14',
        paymentReview: null,
        bills: [],
        transactions: [],
        arrangements: [],
        paymentMethods: [],
        refunds: [],
      };
      this.billingByAccount.set(accountNumber, billing);
    }
    return billing;
  }

  // ---- recording (seeding and the operations)

  /** Adds a bill and its transaction; the bill's id and number are given out here. */
  issueBill(
    accountNumber: string,
    bill: Omit<BillRecord, 'billId' | 'billNumber' | 'accountNumber' | 'amountPaid' | 'state'>,
  ): BillRecord {
    const billing = this.of(accountNumber);
    const billId = this.billIds.next();
    const record: BillRecord = {
      ...bill,
      billId,
      billNumber: `INV-${billId.slice(1)}`,
      accountNumber,
      amountPaid: 0,
      state: 'Issued',
    };
    billing.bills.push(record);
    this.billsById.set(billId, record);
    this.record(accountNumber, {
      type: 'Bill',
      date: bill.issueDate,
      amount: bill.amount,
      description: `Bill ${record.billNumber} for ${bill.periodStart} to ${bill.periodEnd}`,
      reference: billId,
    });
    return record;
  }

  /** A payment lowers the balance and settles the oldest bills first. */
  receivePayment(
    accountNumber: string,
    payment: { date: string; amount: number; description: string },
  ): LedgerTransaction {
    let left = payment.amount;
    for (const bill of this.of(accountNumber).bills) {
      if (left <= 0) break;
      if (bill.state === 'Cancelled') continue;
      const settled = Math.min(left, roundCents(bill.amount - bill.amountPaid));
      bill.amountPaid = roundCents(bill.amountPaid + settled);
      left = roundCents(left - settled);
    }
    return this.record(accountNumber, {
      type: 'Payment',
      date: payment.date,
      amount: -payment.amount,
      description: payment.description,
      reference: null,
    });
  }

  record(accountNumber: string, transaction: Omit<LedgerTransaction, 'transactionId'>): LedgerTransaction {
    const recorded = {
      transactionId: this.transactionIds.next(),
      ...transaction,
      amount: roundCents(transaction.amount),
    };
    this.of(accountNumber).transactions.push(recorded);
    const account = this.state.requireAccount(accountNumber);
    account.balance = roundCents(account.balance + recorded.amount);
    return recorded;
  }

  // ---- reading

  billStatus(bill: BillRecord): 'Issued' | 'PartPaid' | 'Paid' | 'Overdue' | 'UnderReview' | 'Cancelled' {
    if (bill.state !== 'Issued') return bill.state;
    if (bill.amountPaid >= bill.amount) return 'Paid';
    if (bill.dueDate < this.state.today()) return 'Overdue';
    return bill.amountPaid > 0 ? 'PartPaid' : 'Issued';
  }

  billView(bill: BillRecord) {
    const { billId, accountNumber, billNumber, issueDate, dueDate, periodStart, periodEnd, amount } = bill;
    return {
      billId,
      accountNumber,
      billNumber,
      issueDate,
      dueDate,
      periodStart,
      periodEnd,
      amount,
      amountDue: bill.state === 'Cancelled' ? 0 : roundCents(amount - bill.amountPaid),
      currency: TENANT_CURRENCY,
      status: this.billStatus(bill),
      hasImage: true,
    };
  }

  /** Bills past their due date with something left to pay, oldest first. */
  overdueBills(accountNumber: string): BillRecord[] {
    return this.of(accountNumber).bills.filter((bill) => this.billStatus(bill) === 'Overdue');
  }

  balance(accountNumber: string) {
    const account = this.state.requireAccount(accountNumber);
    const overdue = this.overdueBills(accountNumber).reduce((sum, bill) => sum + bill.amount - bill.amountPaid, 0);
    return {
      accountNumber,
      balance: account.balance,
      overdueAmount: roundCents(overdue),
      currency: TENANT_CURRENCY,
      asAt: this.state.nowIso(),
    };
  }

  bills(accountNumber: string, query: z.output<typeof billsQuery>) {
    const bills = newestFirst(this.of(accountNumber).bills, (bill) => bill.issueDate, query, 12);
    return { accountNumber, bills: bills.map((bill) => this.billView(bill)) };
  }

  requireBill(billId: string): BillRecord {
    const bill = this.billsById.get(billId);
    if (bill === undefined) throw notFound('Bill', billId);
    return bill;
  }

  billImage(billId: string) {
    const bill = this.requireBill(billId);
    const view = this.billView(bill);
    const account = this.state.requireAccount(bill.accountNumber);
    const pdf = renderPdf(
      [
        '#Tax invoice',
        `${String(account.account.name ?? '')}, account ${bill.accountNumber}`,
        `Bill ${bill.billNumber} issued ${bill.issueDate}`,
        `Billing period ${bill.periodStart} to ${bill.periodEnd}`,
        '',
        ...bill.lines.map((line) => `${line.description}: ${line.amount.toFixed(2)} ${TENANT_CURRENCY}`),
        `Total: ${bill.amount.toFixed(2)} ${TENANT_CURRENCY}`,
        `Amount due by ${bill.dueDate}: ${view.amountDue.toFixed(2)} ${TENANT_CURRENCY}`,
        '',
        ...bill.meterReads.map(
          (read) =>
            `Meter ${read.meterSerialNumber} register ${read.registerId}: ${read.previousReading} to ${read.reading} (${read.readType}), ${read.consumption} ${read.unit}`,
        ),
      ],
      `Bill ${bill.billNumber}`,
    );
    return {
      billId,
      contentType: 'application/pdf' as const,
      fileName: `${bill.billNumber}.pdf`,
      sizeBytes: pdf.length,
      content: pdf.toString('base64'),
    };
  }

  billMeterReads(billId: string) {
    const bill = this.requireBill(billId);
    return { billId, accountNumber: bill.accountNumber, meterReads: bill.meterReads.map((read) => ({ ...read })) };
  }

  /** A bill already being fixed, or cancelled, cannot be fixed again. */
  fixBill(billId: string, body: z.output<typeof fixBillBody>) {
    const bill = this.requireBill(billId);
    if (bill.state !== 'Issued') {
      const message = `bill ${billId} is ${bill.state === 'Cancelled' ? 'cancelled' : 'already being fixed'}`;
      throw badRequest(`Bill ${billId} cannot be fixed: ${message}`, [{ path: '', message }]);
    }
    bill.state = 'UnderReview';
    const request: FixRequestRecord = {
      fixRequestId: this.fixRequestIds.next(),
      billId,
      fixType: body.fixType,
      reason: body.reason,
      createdAt: this.state.nowIso(),
    };
    this.fixRequests.push(request);
    return { ...request, status: 'Requested' as const };
  }

  billingInformation(accountNumber: string) {
    const billing = this.of(accountNumber);
    const lastBillDate = billing.bills.at(-1)?.issueDate ?? null;
    const from = lastBillDate ?? this.state.requireAccount(accountNumber).createdAt.slice(0, 10);
    let nextBillDate = addMonths(from, 1);
    while (nextBillDate < this.state.today()) nextBillDate = addMonths(nextBillDate, 1);
    return {
      accountNumber,
      billingCycle: billing.billingCycle,
      lastBillDate,
      nextBillDate,
      billDelivery: billing.billDelivery,
      billingEmail: billing.billingEmail,
      paymentTermsCode: billing.paymentTermsCode,
      currency: TENANT_CURRENCY,
    };
  }

  financialTransactions(accountNumber: string, query: z.output<typeof financialTransactionsQuery>) {
    const { transactions } = this.of(accountNumber);
    // The balance after each transaction, counted forward from the balance before the first one.
    let running = roundCents(
      this.state.requireAccount(accountNumber).balance - transactions.reduce((sum, t) => sum + t.amount, 0),
    );
    const withBalance = transactions.map((transaction) => {
      running = roundCents(running + transaction.amount);
      return { ...transaction, balanceAfter: running };
    });
    const matching = withBalance.filter((transaction) => query.type === undefined || transaction.type === query.type);
    return {
      accountNumber,
      currency: TENANT_CURRENCY,
      transactions: newestFirst(matching, (transaction) => transaction.date, query, 50),
    };
  }

  /** Days a bill of this account has to be paid in. */
  daysToPay(accountNumber: string): number {
    return PAYMENT_TERMS[this.of(accountNumber).paymentTermsCode].daysToPay;
  }

  daysOverdue(bill: BillRecord): number {
    return Math.max(0, daysBetween(bill.dueDate, this.state.today()));
  }

  reset(): void {
    this.billingByAccount.clear();
    this.billsById.clear();
    this.fixRequests.length = 0;
    for (const sequence of [this.billIds, this.transactionIds, this.fixRequestIds]) sequence.reset();
  }
}
