/**
 * A realistic billing history for an account, so a demo or a test has something to show: a service point with a
 * meter, monthly reads with seasonal use, a bill per month priced from them (usage, daily supply charge, GST) with
 * its PDF, payments of all but the last bills (the unpaid one past its due date is overdue), a default payment
 * method. Deterministic: the same seed gives the same history.
 */
import { seededRandom } from '../faults/prng.js';
import type { ServicePoints } from '../meters/service-points.js';
import type { ServicePointRecord } from '../meters/meter-records.js';
import type { TenantState } from '../store/tenant-state.js';
import type { BillingLedger } from './billing-ledger.js';
import type { BillRecord } from './billing-records.js';
import { addDays, daysBetween, monthAround, roundCents } from './calendar-dates.js';
import type { PaymentDesk } from './payment-desk.js';

export interface BillingHistoryOptions {
  /** Monthly bills to issue, the last one in the most recent month whose bill is out. Default 6. */
  months?: number;
  utility?: ServicePointRecord['utility'];
  /** How many of the newest bills stay unpaid. Default 1. */
  unpaidBills?: number;
  /** An adjustment crediting the account before the first bill (e.g. a solar or hardship rebate). Default 0. */
  credit?: number;
  /** Where bills go by email; without one they are posted. */
  billingEmail?: string;
  /** The default payment method, or none. Default DirectDebit. */
  paymentMethod?: 'DirectDebit' | 'CreditCard' | 'none';
  seed?: number;
}

export interface BillingHistory {
  servicePointId: string;
  meterSerialNumber: string;
  registerId: string;
  bills: BillRecord[];
}

/** Prices per unit and per day, before GST, and a typical household's use per day. */
const TARIFFS = {
  Electricity: { unit: 'kWh', meterType: 'Interval', dials: 6, perUnit: 0.3021, perDay: 1.1022, dailyUse: 14 },
  Gas: { unit: 'MJ', meterType: 'Basic', dials: 6, perUnit: 0.0389, perDay: 0.8151, dailyUse: 60 },
  Water: { unit: 'kL', meterType: 'Basic', dials: 5, perUnit: 2.412, perDay: 0.9534, dailyUse: 0.45 },
} as const;

const GST = 0.1;

export function seedBillingHistory(
  parts: { state: TenantState; ledger: BillingLedger; payments: PaymentDesk; servicePoints: ServicePoints },
  accountNumber: string,
  options: BillingHistoryOptions = {},
): BillingHistory {
  const { state, ledger, payments, servicePoints } = parts;
  const random = seededRandom(options.seed ?? (Number(accountNumber.replace(/\D/g, '')) || 1));
  const utility = options.utility ?? 'Electricity';
  const tariff = TARIFFS[utility];
  const months = options.months ?? 6;
  const today = state.today();
  const billing = ledger.of(accountNumber);
  if (options.billingEmail !== undefined) {
    billing.billingEmail = options.billingEmail;
    billing.billDelivery = 'Email';
  }
  const daysToPay = ledger.daysToPay(accountNumber);

  // The newest bill is of the last month whose bill (issued 3 days after the month ends) is out by today.
  const newest = monthAround(today, -1).end <= addDays(today, -3) ? -1 : -2;
  const periods = Array.from({ length: months }, (_, index) => monthAround(today, newest - (months - 1 - index)));

  const meterSerialNumber = `${utility.slice(0, 1)}${String(Math.floor(random() * 9_000_000) + 1_000_000)}`;
  const registerId = '001';
  const servicePoint = servicePoints.add({
    accountNumber,
    utility,
    meters: [
      {
        meterSerialNumber,
        meterType: tariff.meterType,
        installedOn: addDays(periods[0]!.start, -400),
        registers: [
          { registerId, description: 'General usage', unit: tariff.unit, dials: tariff.dials, multiplier: 1 },
        ],
      },
    ],
  });

  if ((options.credit ?? 0) > 0) {
    ledger.record(accountNumber, {
      type: 'Adjustment',
      date: addDays(periods[0]!.start, -1),
      amount: -options.credit!,
      description: 'Credit adjustment',
      reference: null,
    });
  }

  let reading = Math.round(10_000 + random() * 20_000);
  const opening = servicePoints.store(servicePoint, {
    meterSerialNumber,
    registerId,
    readDate: addDays(periods[0]!.start, -1),
    reading,
    readType: 'Actual',
    consumption: null,
  });
  let previous = opening.reading;
  const bills: BillRecord[] = [];
  for (const [index, period] of periods.entries()) {
    const days = daysBetween(period.start, period.end) + 1;
    const month = Number(period.start.slice(5, 7));
    const seasonal = 1 + 0.25 * Math.cos(((month - 7) / 12) * 2 * Math.PI); // southern winter peaks in July
    const use = Math.round(tariff.dailyUse * days * seasonal * (0.85 + random() * 0.3) * 100) / 100;
    reading = Math.round((previous + use) * 100) / 100;
    const readType = index === periods.length - 2 ? 'Estimated' : 'Actual';
    servicePoints.store(servicePoint, {
      meterSerialNumber,
      registerId,
      readDate: period.end,
      reading,
      readType,
      consumption: roundCents(reading - previous),
    });

    const usageCharge = roundCents(use * tariff.perUnit);
    const supplyCharge = roundCents(days * tariff.perDay);
    const gst = roundCents((usageCharge + supplyCharge) * GST);
    const issueDate = addDays(period.end, 3);
    bills.push(
      ledger.issueBill(accountNumber, {
        issueDate,
        dueDate: addDays(issueDate, daysToPay),
        periodStart: period.start,
        periodEnd: period.end,
        amount: roundCents(usageCharge + supplyCharge + gst),
        lines: [
          { description: `Usage ${use} ${tariff.unit} at ${tariff.perUnit} per ${tariff.unit}`, amount: usageCharge },
          { description: `Supply ${days} days at ${tariff.perDay} a day`, amount: supplyCharge },
          { description: 'GST', amount: gst },
        ],
        meterReads: [
          {
            servicePointId: servicePoint.servicePointId,
            meterSerialNumber,
            registerId,
            readDate: period.end,
            reading,
            previousReading: previous,
            consumption: roundCents(reading - previous),
            unit: tariff.unit,
            readType,
          },
        ],
      }),
    );
    previous = reading;
  }

  const paymentMethod = options.paymentMethod ?? 'DirectDebit';
  const paid = bills.slice(0, Math.max(0, bills.length - (options.unpaidBills ?? 1)));
  for (const bill of paid) {
    const paidOn = addDays(bill.dueDate, -2);
    ledger.receivePayment(accountNumber, {
      date: paidOn <= today ? paidOn : today,
      amount: bill.amount,
      description:
        paymentMethod === 'CreditCard'
          ? 'Card payment'
          : paymentMethod === 'DirectDebit'
            ? 'Direct debit payment'
            : 'BPAY payment',
    });
  }
  if (paymentMethod === 'DirectDebit') {
    payments.addPaymentMethod(accountNumber, {
      type: 'DirectDebit',
      bankAccount: {
        accountName: String(state.requireAccount(accountNumber).account.name ?? accountNumber).slice(0, 80),
        bsb: '062-000',
        accountNumber: '12345678',
      },
      isDefault: true,
    });
  } else if (paymentMethod === 'CreditCard') {
    const expiryYear = Number(today.slice(0, 4)) + 2;
    payments.addPaymentMethod(accountNumber, {
      type: 'CreditCard',
      card: { token: `tok_${accountNumber}`, brand: 'Visa', last4: '4242', expiryMonth: 12, expiryYear },
      isDefault: true,
    });
  }
  return { servicePointId: servicePoint.servicePointId, meterSerialNumber, registerId, bills };
}
