/**
 * Bills, bill images, the reads a bill used, fixing a bill, billing information and financial transactions. The
 * connector reference gives these operations' methods and paths only: every shape here is chosen by us.
 */
import { z } from 'zod';
import {
  FROM_AFTER_TO,
  amount,
  currency,
  dateRangeQuery,
  fromNotAfterTo,
  nullableText,
  requiredText,
  text,
} from './common-shapes.js';
import { METER_READ_TYPES } from './meter-shapes.js';

export const BILL_STATUSES = ['Issued', 'PartPaid', 'Paid', 'Overdue', 'UnderReview', 'Cancelled'] as const;
export const BILL_FIX_TYPES = ['Rebill', 'Cancel'] as const;
export const FINANCIAL_TRANSACTION_TYPES = ['Bill', 'Payment', 'Adjustment', 'Refund'] as const;
export const BILLING_CYCLES = ['Monthly', 'Bimonthly', 'Quarterly'] as const;
export const BILL_DELIVERY = ['Email', 'Post'] as const;

/** GET /accounts/{ref}/bills: newest first, at most `limit` (default 12). */
export const billsQuery = z.object(dateRangeQuery).refine(fromNotAfterTo, FROM_AFTER_TO);

export const bill = z.looseObject({
  billId: text,
  accountNumber: text,
  billNumber: text,
  issueDate: text,
  dueDate: text,
  periodStart: text,
  periodEnd: text,
  /** The bill's total. */
  amount,
  /** What is still to pay of it. */
  amountDue: amount,
  currency,
  status: z.enum(BILL_STATUSES),
  /** GET /bills/{billId}/image has a PDF for it. */
  hasImage: z.boolean(),
});

export const billsResponse = z.looseObject({ accountNumber: text, bills: z.array(bill) });

/** GET /bills/{billId}/image: the PDF travels base64-encoded in JSON, so every answer of the API is JSON. */
export const billImageResponse = z.looseObject({
  billId: text,
  contentType: z.literal('application/pdf'),
  fileName: text,
  sizeBytes: z.number().int(),
  content: z.base64(),
});

/** GET /bills/{billId}/meter-reads: the reads the bill was calculated from. */
export const billMeterReadsResponse = z.looseObject({
  billId: text,
  accountNumber: text,
  meterReads: z.array(
    z.looseObject({
      servicePointId: text,
      meterSerialNumber: text,
      registerId: text,
      readDate: text,
      reading: z.number(),
      previousReading: z.number(),
      consumption: z.number(),
      unit: text,
      readType: z.enum(METER_READ_TYPES),
    }),
  ),
});

/** POST /bills/{billId}/fix: ask for a wrong bill to be re-billed or cancelled. */
export const fixBillBody = z.looseObject({
  fixType: z.enum(BILL_FIX_TYPES, { error: `must be one of ${BILL_FIX_TYPES.join(', ')}` }),
  reason: requiredText(1000),
});

export const fixBillResponse = z.looseObject({
  fixRequestId: text,
  billId: text,
  fixType: z.enum(BILL_FIX_TYPES),
  status: z.enum(['Requested']),
  reason: text,
  createdAt: text,
});

/** GET /accounts/{ref}/billing-information */
export const billingInformationResponse = z.looseObject({
  accountNumber: text,
  billingCycle: z.enum(BILLING_CYCLES),
  lastBillDate: nullableText,
  nextBillDate: text,
  billDelivery: z.enum(BILL_DELIVERY),
  billingEmail: nullableText,
  paymentTermsCode: text,
  currency,
});

/** GET /accounts/{ref}/financial-transactions: newest first. */
export const financialTransactionsQuery = z
  .object({
    ...dateRangeQuery,
    type: z
      .enum(FINANCIAL_TRANSACTION_TYPES, { error: `must be one of ${FINANCIAL_TRANSACTION_TYPES.join(', ')}` })
      .optional(),
  })
  .refine(fromNotAfterTo, FROM_AFTER_TO);

export const financialTransaction = z.looseObject({
  transactionId: text,
  type: z.enum(FINANCIAL_TRANSACTION_TYPES),
  date: text,
  /** Positive raises the balance (a bill), negative lowers it (a payment). */
  amount,
  description: text,
  reference: nullableText,
  balanceAfter: amount,
});

export const financialTransactionsResponse = z.looseObject({
  accountNumber: text,
  currency,
  transactions: z.array(financialTransaction),
});
