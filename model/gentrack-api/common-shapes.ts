/**
 * Building blocks of the Gentrack API's request and response shapes (gentrack-operations.ts). Request parts say
 * what is wrong in words a caller can act on; response parts are loose (a newer Gentrack adding a property must not
 * break a reader).
 */
import { z } from 'zod';

/** Free text Salesforce may send; `null` means "cleared". */
export function optionalText(maxLength = 255) {
  return z.string().max(maxLength, `must be at most ${maxLength} characters`).nullish();
}

export function requiredText(maxLength: number) {
  return z.string().trim().min(1, 'must not be empty').max(maxLength, `must be at most ${maxLength} characters`);
}

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isCalendarDate(value: string): boolean {
  const match = DATE_PATTERN.exec(value);
  if (match === null) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** A calendar date as Salesforce sends Date fields: YYYY-MM-DD. */
export const isoDate = z
  .string()
  .regex(DATE_PATTERN, 'must be a date in the form YYYY-MM-DD')
  // Only a value in the right form can be an impossible date: report one problem per value.
  .refine((value) => !DATE_PATTERN.test(value) || isCalendarDate(value), 'is not a valid calendar date');

export const email = z.email('must be a valid email address').max(254, 'must be at most 254 characters');

export const reference = z.string().trim().min(1, 'must not be empty').max(64, 'must be at most 64 characters');

/** The Salesforce record id the relay may add to bodies; stored and echoed, never interpreted. */
export const salesforceId = z.string().max(255, 'must be at most 255 characters').nullish();

/** An amount of money in the tenant's currency, in cents precision. */
export const positiveAmount = z
  .number('must be a number')
  .positive('must be more than 0')
  .max(1_000_000_000, 'must be at most 1,000,000,000')
  .refine((value) => Math.abs(Math.round(value * 100) - value * 100) < 1e-6, 'must have at most 2 decimal places');

/** A whole number in a query string (`?limit=12`): typed as a number, sent as text. */
export function queryInteger(min: number, max: number) {
  return z.coerce
    .number<number>('must be a whole number')
    .int('must be a whole number')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);
}

/** `fromDate`/`toDate`/`limit` of the list reads; `fromDate` after `toDate` is refused. */
export const dateRangeQuery = {
  fromDate: isoDate.optional(),
  toDate: isoDate.optional(),
  limit: queryInteger(1, 100).optional(),
};

export function fromNotAfterTo(query: { fromDate?: string | undefined; toDate?: string | undefined }): boolean {
  return query.fromDate === undefined || query.toDate === undefined || query.fromDate <= query.toDate;
}

export const FROM_AFTER_TO = { message: 'must not be after toDate', path: ['fromDate'] };

// ---- response parts

/** Timestamps and dates in answers are read as text: their format is Gentrack's business, not a reason to fail. */
export const text = z.string();
export const nullableText = z.string().nullable();
export const amount = z.number();
export const currency = z.string().length(3);
