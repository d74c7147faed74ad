/** Calendar dates (YYYY-MM-DD, UTC) as billing counts them: days between reads, months between bills. */

const DAY_MS = 86_400_000;

export function dateOf(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}

function timeOf(date: string): number {
  return Date.parse(`${date}T00:00:00.000Z`);
}

export function addDays(date: string, days: number): string {
  return dateOf(timeOf(date) + days * DAY_MS);
}

/** The same day `months` later, or the month's last day when it has fewer days (31 Jan + 1 month = 29 Feb). */
export function addMonths(date: string, months: number): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const first = new Date(Date.UTC(year, month - 1 + months, 1));
  const lastDay = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  return dateOf(Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), Math.min(day, lastDay)));
}

export function daysBetween(from: string, to: string): number {
  return Math.round((timeOf(to) - timeOf(from)) / DAY_MS);
}

/** First and last day of the month `offset` months from the one `date` is in. */
export function monthAround(date: string, offset: number): { start: string; end: string } {
  const start = addMonths(`${date.slice(0, 7)}-01`, offset);
  return { start, end: addDays(addMonths(start, 1), -1) };
}

export function roundCents(amount: number): number {
  return Math.round(amount * 100) / 100;
}
