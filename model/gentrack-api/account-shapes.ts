/**
 * Accounts: customer-sync, account create/read/update, parent, review, balance (request and response shapes). The
 * connector reference gives no shapes: these are chosen by us, with the model's `gentrack:` paths (`account.name`).
 */
import { z } from 'zod';
import {
  amount,
  currency,
  nullableText,
  optionalText,
  reference,
  requiredText,
  salesforceId,
  text,
} from './common-shapes.js';

export const ACCOUNT_CLASSES = ['Residential', 'Business', 'Government'] as const;

/** Account statuses of the connector model's Gentrack_Account_Status__c. New accounts start Pending. */
export const ACCOUNT_STATUSES = ['Pending', 'Active', 'Suspended', 'Final', 'Closed'] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

const billingAddress = z.looseObject({
  street: optionalText(255),
  city: optionalText(40),
  state: optionalText(80),
  postcode: optionalText(20),
  country: optionalText(80),
});

const optionalAccountFields = {
  phone: optionalText(40),
  website: optionalText(255),
  tradingName: optionalText(255),
  companyNumber: optionalText(40),
  accountClass: z.enum(ACCOUNT_CLASSES, { error: `must be one of ${ACCOUNT_CLASSES.join(', ')}` }).nullish(),
  billingAddress: billingAddress.nullish(),
};

const newAccount = z.looseObject({ name: requiredText(255), ...optionalAccountFields });

/** Only what changed is sent; the name, when sent, cannot be cleared. */
const accountPatch = z.looseObject({ name: requiredText(255).optional(), ...optionalAccountFields });

/** POST /customer-sync and POST /accounts. */
export const newAccountBody = z.looseObject({
  account: newAccount,
  parentAccountNumber: reference.nullish(),
  salesforceId,
});

/**
 * PUT /accounts/{ref}. A parentAccountNumber, when present, is applied like PUT /accounts/{ref}/parent (an update
 * carrying the whole record, e.g. after an undelete, includes it).
 */
export const accountUpdateBody = z.looseObject({
  account: accountPatch,
  parentAccountNumber: reference.nullish(),
  salesforceId,
});

/** PUT /accounts/{ref}/parent: the property is required; `null` removes the parent. */
export const accountParentBody = z.looseObject({ parentAccountNumber: reference.nullable() });

/** POST /accounts/{ref}/review */
export const accountReviewBody = z.looseObject({ reason: optionalText(1000), salesforceId });

// ---- responses

/** POST /customer-sync answers with the new account's number only. */
export const customerSyncResponse = z.looseObject({ accountNumber: text, status: z.enum(ACCOUNT_STATUSES) });

/** Entity fields under `account` (as in requests, so the model's `gentrack:` paths address both); system fields on top. */
export const accountResponse = z.looseObject({
  accountNumber: text,
  status: z.enum(ACCOUNT_STATUSES),
  parentAccountNumber: nullableText,
  salesforceId: text.optional(),
  account: z.looseObject({ name: text.optional(), status: z.enum(ACCOUNT_STATUSES) }),
  createdAt: text,
  updatedAt: text,
});

export const accountReviewResponse = z.looseObject({
  reviewId: text,
  accountNumber: text,
  status: z.enum(['Open', 'Closed']),
  reason: nullableText,
  salesforceId: text.optional(),
  createdAt: text,
});

/** GET /accounts/{ref}/balance: positive is owed by the customer, negative is credit. */
export const accountBalanceResponse = z.looseObject({
  accountNumber: text,
  balance: amount,
  overdueAmount: amount,
  currency,
  asAt: text,
});
