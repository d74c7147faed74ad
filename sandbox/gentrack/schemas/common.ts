import { z } from 'zod';

/** Free text Salesforce may send; `null` means "cleared". */
export function optionalText(maxLength = 255) {
  return z.string().max(maxLength, `must be at most ${maxLength} characters`).nullish();
}

export function requiredText(maxLength: number) {
  return z.string().trim().min(1, 'must not be empty').max(maxLength, `must be at most ${maxLength} characters`);
}

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

function isCalendarDate(value: string): boolean {
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

/** A birth date: a valid date that is not in the future (compared with the sandbox clock's UTC day). */
export function pastDate(now: () => number) {
  return isoDate.refine(
    (value) => !isCalendarDate(value) || value <= new Date(now()).toISOString().slice(0, 10),
    'must not be in the future',
  );
}

export const email = z.email('must be a valid email address').max(254, 'must be at most 254 characters');

export const reference = z.string().trim().min(1, 'must not be empty').max(64, 'must be at most 64 characters');

/** The Salesforce record id the relay may add to bodies; stored and echoed, never interpreted. */
export const salesforceId = z.string().max(255, 'must be at most 255 characters').nullish();
