/**
 * Payment arrangements, payment methods, payment terms, overdue payments, suggested amounts, the payment review date
 * and refund requests. The connector reference gives these operations' methods and paths only: every shape here is
 * chosen by us.
 */
import { z } from 'zod';
import {
  amount,
  currency,
  isoDate,
  nullableText,
  optionalText,
  positiveAmount,
  reference,
  requiredText,
  text,
} from './common-shapes.js';

export const PAYMENT_FREQUENCIES = ['Weekly', 'Fortnightly', 'Monthly'] as const;
export const PAYMENT_ARRANGEMENT_STATUSES = ['Active', 'Completed', 'Cancelled'] as const;
export const PAYMENT_METHOD_TYPES = ['DirectDebit', 'CreditCard'] as const;
export const CARD_BRANDS = ['Visa', 'Mastercard', 'Amex'] as const;

const frequency = z.enum(PAYMENT_FREQUENCIES, { error: `must be one of ${PAYMENT_FREQUENCIES.join(', ')}` });

export const paymentArrangement = z.looseObject({
  arrangementId: text,
  accountNumber: text,
  status: z.enum(PAYMENT_ARRANGEMENT_STATUSES),
  frequency: z.enum(PAYMENT_FREQUENCIES),
  instalmentAmount: amount,
  numberOfInstalments: z.number().int(),
  totalAmount: amount,
  startDate: text,
  endDate: text,
  paymentMethodId: nullableText,
  createdAt: text,
  cancelledAt: nullableText,
});

export const paymentArrangementsResponse = z.looseObject({
  accountNumber: text,
  paymentArrangements: z.array(paymentArrangement),
});

/** POST /accounts/{ref}/payment-arrangements */
export const newPaymentArrangementBody = z.looseObject({
  frequency,
  instalmentAmount: positiveAmount,
  numberOfInstalments: z
    .number('must be a number')
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(52, 'must be at most 52'),
  startDate: isoDate,
  paymentMethodId: reference.optional(),
});

const bankAccountDetails = z.looseObject({
  accountName: requiredText(80),
  bsb: z.string().regex(/^\d{3}-?\d{3}$/, 'must be a BSB of 6 digits (e.g. 062-000)'),
  accountNumber: z.string().regex(/^\d{6,10}$/, 'must be 6 to 10 digits'),
});

const cardDetails = z.looseObject({
  /** The payment gateway's token for the card; card numbers never travel through this API. */
  token: requiredText(255),
  brand: z.enum(CARD_BRANDS, { error: `must be one of ${CARD_BRANDS.join(', ')}` }),
  last4: z.string().regex(/^\d{4}$/, 'must be the last 4 digits'),
  expiryMonth: z.number('must be a number').int().min(1, 'must be 1 to 12').max(12, 'must be 1 to 12'),
  expiryYear: z
    .number('must be a number')
    .int()
    .min(2000, 'must be a 4-digit year')
    .max(2100, 'must be a 4-digit year'),
});

/** POST /accounts/{ref}/payment-methods: a direct debit bank account or a tokenised card. */
export const newPaymentMethodBody = z.discriminatedUnion(
  'type',
  [
    z.looseObject({
      type: z.literal('DirectDebit'),
      bankAccount: bankAccountDetails,
      isDefault: z.boolean().optional(),
    }),
    z.looseObject({ type: z.literal('CreditCard'), card: cardDetails, isDefault: z.boolean().optional() }),
  ],
  { error: `must be one of ${PAYMENT_METHOD_TYPES.join(', ')}` },
);

export const paymentMethod = z.looseObject({
  paymentMethodId: text,
  accountNumber: text,
  type: z.enum(PAYMENT_METHOD_TYPES),
  status: z.enum(['Active', 'Expired']),
  isDefault: z.boolean(),
  /** Masked: the account number's last 4 digits only. */
  bankAccount: z.looseObject({ accountName: text, bsb: text, accountNumberLast4: text }).optional(),
  card: z
    .looseObject({ brand: z.enum(CARD_BRANDS), last4: text, expiryMonth: z.number(), expiryYear: z.number() })
    .optional(),
  createdAt: text,
});

export const paymentMethodsResponse = z.looseObject({ accountNumber: text, paymentMethods: z.array(paymentMethod) });

/** GET /accounts/{ref}/payment-terms */
export const paymentTermsResponse = z.looseObject({
  accountNumber: text,
  termsCode: text,
  description: text,
  daysToPay: z.number().int(),
  latePaymentFee: amount,
  earlyPaymentDiscountPercent: z.number(),
  currency,
});

/** GET /accounts/{ref}/overdue-payments */
export const overduePaymentsResponse = z.looseObject({
  accountNumber: text,
  currency,
  totalOverdue: amount,
  overdueBills: z.array(
    z.looseObject({
      billId: text,
      billNumber: text,
      dueDate: text,
      amountOverdue: amount,
      daysOverdue: z.number().int(),
    }),
  ),
});

/** GET /accounts/{ref}/suggested-payment-amount?frequency=Weekly */
export const suggestedPaymentAmountQuery = z.object({ frequency });

export const suggestedPaymentAmountResponse = z.looseObject({
  accountNumber: text,
  frequency: z.enum(PAYMENT_FREQUENCIES),
  amount,
  currency,
  /** How the amount was worked out, in words an agent can read to the customer. */
  basis: text,
});

/** GET and PUT /accounts/{ref}/payment-review-date: when collections next look at the account. */
export const paymentReviewDateResponse = z.looseObject({
  accountNumber: text,
  paymentReviewDate: nullableText,
  reason: nullableText,
  updatedAt: nullableText,
});

export const paymentReviewDateBody = z.looseObject({ paymentReviewDate: isoDate, reason: optionalText(1000) });

/** POST /accounts/{ref}/refund-request: pay back (part of) a credit balance. */
export const refundRequestBody = z.looseObject({
  amount: positiveAmount,
  reason: requiredText(1000),
  paymentMethodId: reference.optional(),
});

export const refundRequestResponse = z.looseObject({
  refundRequestId: text,
  accountNumber: text,
  amount,
  currency,
  reason: text,
  paymentMethodId: nullableText,
  status: z.enum(['Requested']),
  createdAt: text,
});
