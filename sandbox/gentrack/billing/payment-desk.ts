import type { z } from 'zod';
import type {
  newPaymentArrangementBody,
  newPaymentMethodBody,
  paymentReviewDateBody,
  refundRequestBody,
} from '../../../model/gentrack-api/payment-shapes.js';
import { badRequest, notFound } from '../api-error.js';
import { ReferenceSequence } from '../store/reference-sequence.js';
import type { TenantState } from '../store/tenant-state.js';
import type { BillingLedger } from './billing-ledger.js';
import { PAYMENT_TERMS, TENANT_CURRENCY, type ArrangementRecord, type PaymentMethodRecord } from './billing-records.js';
import { addDays, addMonths, daysBetween, roundCents } from './calendar-dates.js';

type Frequency = ArrangementRecord['frequency'];

const PAYMENTS_PER_YEAR: Record<Frequency, number> = { Weekly: 52, Fortnightly: 26, Monthly: 12 };

/** The date of the instalment `index` (0 = the first) of a schedule starting on `start`. */
function instalmentDate(start: string, frequency: Frequency, index: number): string {
  if (frequency === 'Monthly') return addMonths(start, index);
  return addDays(start, index * (frequency === 'Weekly' ? 7 : 14));
}

function refuse(path: string, message: string, summary = `The request cannot be accepted: ${message}`) {
  return badRequest(summary, [{ path, message }]);
}

/**
 * Collections and payments around an account's balance: payment arrangements, payment methods, payment terms,
 * overdue bills, a suggested regular payment, the payment review date and refund requests, with the rules Gentrack
 * applies before it accepts one.
 */
export class PaymentDesk {
  private readonly arrangementsById = new Map<string, ArrangementRecord>();
  private readonly arrangementIds = new ReferenceSequence('PA');
  private readonly paymentMethodIds = new ReferenceSequence('PM');
  private readonly refundIds = new ReferenceSequence('RF');

  constructor(
    private readonly state: TenantState,
    private readonly ledger: BillingLedger,
  ) {}

  // ---- payment arrangements

  private arrangementView(record: ArrangementRecord) {
    const { cancelled: _cancelled, ...fields } = record;
    const status = record.cancelled ? 'Cancelled' : record.endDate < this.state.today() ? 'Completed' : 'Active';
    return {
      ...fields,
      status: status as 'Active' | 'Completed' | 'Cancelled',
      totalAmount: roundCents(record.instalmentAmount * record.numberOfInstalments),
    };
  }

  arrangements(accountNumber: string) {
    const { arrangements } = this.ledger.of(accountNumber);
    return { accountNumber, paymentArrangements: arrangements.map((record) => this.arrangementView(record)) };
  }

  /**
   * One active arrangement per account; it starts within the next 30 days and its instalments cover what the
   * account owes.
   */
  createArrangement(accountNumber: string, body: z.output<typeof newPaymentArrangementBody>) {
    const billing = this.ledger.of(accountNumber);
    const today = this.state.today();
    if (body.startDate < today) throw refuse('startDate', `must not be in the past (today is ${today})`);
    if (body.startDate > addDays(today, 30)) throw refuse('startDate', 'must be within the next 30 days');
    const active = billing.arrangements.find((record) => this.arrangementView(record).status === 'Active');
    if (active !== undefined) {
      throw refuse('', `account ${accountNumber} already has an active payment arrangement, ${active.arrangementId}`);
    }
    const { balance } = this.state.requireAccount(accountNumber);
    if (balance <= 0) throw refuse('', `account ${accountNumber} owes nothing (balance ${balance.toFixed(2)})`);
    const total = roundCents(body.instalmentAmount * body.numberOfInstalments);
    if (total < balance) {
      throw refuse(
        'instalmentAmount',
        `the instalments total ${total.toFixed(2)}, less than the balance of ${balance.toFixed(2)} ${TENANT_CURRENCY}`,
      );
    }
    if (body.paymentMethodId !== undefined) this.requirePaymentMethod(accountNumber, body.paymentMethodId);
    const record: ArrangementRecord = {
      arrangementId: this.arrangementIds.next(),
      accountNumber,
      cancelled: false,
      frequency: body.frequency,
      instalmentAmount: body.instalmentAmount,
      numberOfInstalments: body.numberOfInstalments,
      startDate: body.startDate,
      endDate: instalmentDate(body.startDate, body.frequency, body.numberOfInstalments - 1),
      paymentMethodId: body.paymentMethodId ?? null,
      createdAt: this.state.nowIso(),
      cancelledAt: null,
    };
    billing.arrangements.push(record);
    this.arrangementsById.set(record.arrangementId, record);
    return { body: this.arrangementView(record), entity: accountNumber };
  }

  cancelArrangement(arrangementId: string) {
    const record = this.arrangementsById.get(arrangementId);
    if (record === undefined) throw notFound('Payment arrangement', arrangementId);
    const { status } = this.arrangementView(record);
    if (status !== 'Active') {
      throw refuse('', `payment arrangement ${arrangementId} is ${status.toLowerCase()}, so it cannot be cancelled`);
    }
    record.cancelled = true;
    record.cancelledAt = this.state.nowIso();
    return { body: this.arrangementView(record), entity: record.accountNumber };
  }

  // ---- payment methods

  private paymentMethodView(record: PaymentMethodRecord) {
    const expired =
      record.card !== undefined &&
      `${record.card.expiryYear}-${String(record.card.expiryMonth).padStart(2, '0')}` < this.state.today().slice(0, 7);
    return { ...record, status: (expired ? 'Expired' : 'Active') as 'Active' | 'Expired' };
  }

  paymentMethods(accountNumber: string) {
    const { paymentMethods } = this.ledger.of(accountNumber);
    return { accountNumber, paymentMethods: paymentMethods.map((record) => this.paymentMethodView(record)) };
  }

  requirePaymentMethod(accountNumber: string, paymentMethodId: string): PaymentMethodRecord {
    const found = this.ledger.of(accountNumber).paymentMethods.find((m) => m.paymentMethodId === paymentMethodId);
    if (found === undefined)
      throw notFound(`Payment method of account ${accountNumber}`, paymentMethodId, 'paymentMethodId');
    return found;
  }

  /** The first method is the default; a new default takes over from the old one. Expired cards are refused. */
  addPaymentMethod(accountNumber: string, body: z.output<typeof newPaymentMethodBody>) {
    const billing = this.ledger.of(accountNumber);
    const record: PaymentMethodRecord = {
      paymentMethodId: this.paymentMethodIds.next(),
      accountNumber,
      type: body.type,
      isDefault: body.isDefault === true || billing.paymentMethods.length === 0,
      createdAt: this.state.nowIso(),
    };
    if (body.type === 'DirectDebit') {
      const { accountName, bsb, accountNumber: bankAccountNumber } = body.bankAccount;
      const digits = bsb.replace('-', '');
      record.bankAccount = {
        accountName,
        bsb: `${digits.slice(0, 3)}-${digits.slice(3)}`,
        accountNumberLast4: bankAccountNumber.slice(-4),
      };
    } else {
      const { brand, last4, expiryMonth, expiryYear } = body.card;
      const expiry = `${expiryYear}-${String(expiryMonth).padStart(2, '0')}`;
      if (expiry < this.state.today().slice(0, 7)) {
        throw refuse('card.expiryYear', `the card expired in ${String(expiryMonth).padStart(2, '0')}/${expiryYear}`);
      }
      record.card = { brand, last4, expiryMonth, expiryYear };
    }
    if (record.isDefault) for (const other of billing.paymentMethods) other.isDefault = false;
    billing.paymentMethods.push(record);
    return { body: this.paymentMethodView(record), entity: accountNumber };
  }

  // ---- terms, overdue, suggested amount, review date

  paymentTerms(accountNumber: string) {
    const code = this.ledger.of(accountNumber).paymentTermsCode;
    return { accountNumber, termsCode: code, ...PAYMENT_TERMS[code], currency: TENANT_CURRENCY };
  }

  overduePayments(accountNumber: string) {
    const overdue = this.ledger.overdueBills(accountNumber).map((bill) => ({
      billId: bill.billId,
      billNumber: bill.billNumber,
      dueDate: bill.dueDate,
      amountOverdue: roundCents(bill.amount - bill.amountPaid),
      daysOverdue: this.ledger.daysOverdue(bill),
    }));
    return {
      accountNumber,
      currency: TENANT_CURRENCY,
      totalOverdue: roundCents(overdue.reduce((sum, bill) => sum + bill.amountOverdue, 0)),
      overdueBills: overdue,
    };
  }

  /**
   * A regular payment that pays what is owed now over the next year and the coming year's bills, estimated from
   * the last 12 months' bills (per day billed, times 365).
   */
  suggestedPaymentAmount(accountNumber: string, frequency: Frequency) {
    const bills = this.ledger
      .of(accountNumber)
      .bills.filter((bill) => bill.state !== 'Cancelled')
      .slice(-12);
    const daysBilled = bills.reduce((sum, bill) => sum + daysBetween(bill.periodStart, bill.periodEnd) + 1, 0);
    const yearly = daysBilled === 0 ? 0 : (bills.reduce((sum, bill) => sum + bill.amount, 0) / daysBilled) * 365;
    const owed = Math.max(0, this.state.requireAccount(accountNumber).balance);
    const perPayment = Math.ceil(((yearly + owed) / PAYMENTS_PER_YEAR[frequency]) * 100) / 100;
    const basis =
      bills.length === 0
        ? `No bills yet: the amount pays the balance of ${owed.toFixed(2)} over a year`
        : `${bills.length} bills over ${daysBilled} days, about ${yearly.toFixed(2)} a year, plus the balance of ${owed.toFixed(2)} over a year`;
    return { accountNumber, frequency, amount: perPayment, currency: TENANT_CURRENCY, basis };
  }

  paymentReviewDate(accountNumber: string) {
    const review = this.ledger.of(accountNumber).paymentReview;
    return {
      accountNumber,
      paymentReviewDate: review?.date ?? null,
      reason: review?.reason ?? null,
      updatedAt: review?.updatedAt ?? null,
    };
  }

  /** The date must be between today and a year from now. */
  setPaymentReviewDate(accountNumber: string, body: z.output<typeof paymentReviewDateBody>) {
    const billing = this.ledger.of(accountNumber);
    const today = this.state.today();
    if (body.paymentReviewDate < today)
      throw refuse('paymentReviewDate', `must not be in the past (today is ${today})`);
    if (body.paymentReviewDate > addDays(today, 365)) throw refuse('paymentReviewDate', 'must be within a year');
    billing.paymentReview = {
      date: body.paymentReviewDate,
      reason: body.reason ?? null,
      updatedAt: this.state.nowIso(),
    };
    return { body: this.paymentReviewDate(accountNumber), entity: accountNumber };
  }

  // ---- refunds

  /** Only credit can be refunded: the amount may not exceed the credit balance less the refunds already asked for. */
  requestRefund(accountNumber: string, body: z.output<typeof refundRequestBody>) {
    const billing = this.ledger.of(accountNumber);
    if (body.paymentMethodId !== undefined) this.requirePaymentMethod(accountNumber, body.paymentMethodId);
    const credit = Math.max(0, -this.state.requireAccount(accountNumber).balance);
    const pending = billing.refunds.reduce((sum, refund) => sum + refund.amount, 0);
    const available = roundCents(credit - pending);
    if (body.amount > available) {
      throw refuse(
        'amount',
        `must not exceed the account's available credit of ${available.toFixed(2)} ${TENANT_CURRENCY}`,
      );
    }
    const refund = {
      refundRequestId: this.refundIds.next(),
      accountNumber,
      amount: body.amount,
      reason: body.reason,
      paymentMethodId: body.paymentMethodId ?? null,
      createdAt: this.state.nowIso(),
    };
    billing.refunds.push(refund);
    return { body: { ...refund, currency: TENANT_CURRENCY, status: 'Requested' as const }, entity: accountNumber };
  }

  reset(): void {
    this.arrangementsById.clear();
    for (const sequence of [this.arrangementIds, this.paymentMethodIds, this.refundIds]) sequence.reset();
  }
}
