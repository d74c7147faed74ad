import { z } from 'zod';
import { optionalText, requiredText, reference, salesforceId } from './common.js';

export const ACCOUNT_CLASSES = ['Residential', 'Business', 'Government'] as const;

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
export const NEW_ACCOUNT_BODY_KEYS = ['account', 'parentAccountNumber', 'salesforceId'] as const;

/**
 * PUT /accounts/{ref}. A parentAccountNumber, when present, is applied like PUT /accounts/{ref}/parent (an update
 * carrying the whole record, e.g. after an undelete, includes it).
 */
export const accountUpdateBody = z.looseObject({
  account: accountPatch,
  parentAccountNumber: reference.nullish(),
  salesforceId,
});
export const ACCOUNT_UPDATE_BODY_KEYS = ['account', 'parentAccountNumber', 'salesforceId'] as const;

/** PUT /accounts/{ref}/parent: the property is required; `null` removes the parent. */
export const accountParentBody = z.looseObject({ parentAccountNumber: reference.nullable() });

/** POST /accounts/{ref}/review */
export const accountReviewBody = z.looseObject({ reason: optionalText(1000), salesforceId });
