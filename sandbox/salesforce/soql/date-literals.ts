/** SOQL date literals (TODAY, LAST_N_DAYS:n ...) as half-open ranges of UTC epoch milliseconds. */
import { startOfUtcDay } from '../org/datetime.js';

const DAY = 86_400_000;

export interface DayRange {
  readonly start: number;
  readonly end: number;
}

function monthRange(now: number, offset: number, months = 1): DayRange {
  const date = new Date(now);
  const start = Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + offset, 1);
  return { start, end: Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + offset + months, 1) };
}

function yearRange(now: number, offset: number): DayRange {
  const year = new Date(now).getUTCFullYear() + offset;
  return { start: Date.UTC(year, 0, 1), end: Date.UTC(year + 1, 0, 1) };
}

/** Weeks start on Sunday, as in the default (en_US) locale. */
function weekRange(now: number, offset: number): DayRange {
  const today = startOfUtcDay(now);
  const start = today - new Date(today).getUTCDay() * DAY + offset * 7 * DAY;
  return { start, end: start + 7 * DAY };
}

export function dateLiteralRange(name: string, n: number | undefined, now: number): DayRange {
  const today = startOfUtcDay(now);
  const days = n ?? 0;
  switch (name) {
    case 'TODAY':
      return { start: today, end: today + DAY };
    case 'YESTERDAY':
      return { start: today - DAY, end: today };
    case 'TOMORROW':
      return { start: today + DAY, end: today + 2 * DAY };
    case 'THIS_WEEK':
      return weekRange(now, 0);
    case 'LAST_WEEK':
      return weekRange(now, -1);
    case 'NEXT_WEEK':
      return weekRange(now, 1);
    case 'THIS_MONTH':
      return monthRange(now, 0);
    case 'LAST_MONTH':
      return monthRange(now, -1);
    case 'NEXT_MONTH':
      return monthRange(now, 1);
    case 'THIS_YEAR':
      return yearRange(now, 0);
    case 'LAST_YEAR':
      return yearRange(now, -1);
    case 'NEXT_YEAR':
      return yearRange(now, 1);
    // Salesforce counts today in LAST_N_DAYS and starts NEXT_N_DAYS tomorrow.
    case 'LAST_N_DAYS':
      return { start: today - (days - 1) * DAY, end: today + DAY };
    case 'NEXT_N_DAYS':
      return { start: today + DAY, end: today + (days + 1) * DAY };
    case 'N_DAYS_AGO':
      return { start: today - days * DAY, end: today - (days - 1) * DAY };
    case 'LAST_N_MONTHS':
      return { start: monthRange(now, -days).start, end: monthRange(now, 0).start };
    case 'NEXT_N_MONTHS':
      return monthRange(now, 1, days);
    default:
      throw new Error(`unknown date literal ${name}`);
  }
}
