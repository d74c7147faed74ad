import type { IncomingHttpHeaders } from 'node:http';
import { badRequest, type ErrorDetail } from '../api-error.js';

/** The headers Gentrack uses for de-duplication, ordering and audit, as received. */
export interface TransactionHeaders {
  transactionId?: string;
  partNumber?: string;
  partTotal?: string;
  dateTime?: string;
  traceId?: string;
  onBehalfOf?: string;
}

/** Validated transaction headers of a write. */
export interface WriteTransaction {
  transactionId: string;
  /** This request's place among the parts of a fragmented payload; 1 of 1 when the headers are absent. */
  partNumber: number;
  partTotal: number;
  dateTime: string;
  dateTimeMs: number;
}

/** Headers copied into the call log. */
export const RECORDED_HEADERS = [
  'x-transaction-id',
  'x-transaction-part-number',
  'x-transaction-part-total',
  'x-transaction-date-time',
  'x-trace-id',
  'x-on-behalf-of',
  'content-type',
  'accept',
] as const;

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export function readTransactionHeaders(headers: IncomingHttpHeaders): TransactionHeaders {
  const read: TransactionHeaders = {};
  const transactionId = single(headers['x-transaction-id']);
  if (transactionId !== undefined) read.transactionId = transactionId;
  const partNumber = single(headers['x-transaction-part-number']);
  if (partNumber !== undefined) read.partNumber = partNumber;
  const partTotal = single(headers['x-transaction-part-total']);
  if (partTotal !== undefined) read.partTotal = partTotal;
  const dateTime = single(headers['x-transaction-date-time']);
  if (dateTime !== undefined) read.dateTime = dateTime;
  const traceId = single(headers['x-trace-id']);
  if (traceId !== undefined) read.traceId = traceId;
  const onBehalfOf = single(headers['x-on-behalf-of']);
  if (onBehalfOf !== undefined) read.onBehalfOf = onBehalfOf;
  return read;
}

export function recordedHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const recorded: Record<string, string> = {};
  for (const name of RECORDED_HEADERS) {
    const value = single(headers[name]);
    if (value !== undefined) recorded[name] = value;
  }
  return recorded;
}

/**
 * ISO-8601 date and time with an explicit offset. Salesforce writes offsets without a colon (+0000), so both forms
 * are accepted.
 */
const DATE_TIME_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/;

export function parseDateTimeWithOffset(value: string): number | undefined {
  if (!DATE_TIME_WITH_OFFSET.test(value)) return undefined;
  const normalised = value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2').replace(/(\.\d{3})\d+/, '$1');
  const time = Date.parse(normalised);
  return Number.isNaN(time) ? undefined : time;
}

function parsePart(value: string | undefined): number | undefined | null {
  if (value === undefined) return undefined;
  return /^\d{1,9}$/.test(value.trim()) ? Number(value.trim()) : null;
}

/** Checks the transaction headers every write must carry; reports every problem at once. */
export function validateWriteTransaction(headers: TransactionHeaders): WriteTransaction {
  const problems: ErrorDetail[] = [];
  const transactionId = headers.transactionId?.trim();
  if (transactionId === undefined || transactionId === '') {
    problems.push({ path: 'headers.X-Transaction-Id', message: 'header X-Transaction-Id is required on writes' });
  } else if (transactionId.length > 255) {
    problems.push({
      path: 'headers.X-Transaction-Id',
      message: 'header X-Transaction-Id must be at most 255 characters',
    });
  }
  let dateTimeMs: number | undefined;
  if (headers.dateTime === undefined || headers.dateTime.trim() === '') {
    problems.push({
      path: 'headers.X-Transaction-Date-Time',
      message: 'header X-Transaction-Date-Time is required on writes',
    });
  } else {
    dateTimeMs = parseDateTimeWithOffset(headers.dateTime.trim());
    if (dateTimeMs === undefined) {
      problems.push({
        path: 'headers.X-Transaction-Date-Time',
        message: `header X-Transaction-Date-Time must be an ISO-8601 date and time with an offset (e.g. 2024-05-01T09:30:00.000+10:00), got '${headers.dateTime}'`,
      });
    }
  }
  const partNumber = parsePart(headers.partNumber);
  const partTotal = parsePart(headers.partTotal);
  if (partNumber === null || partNumber === 0) {
    problems.push({
      path: 'headers.X-Transaction-Part-Number',
      message: 'header X-Transaction-Part-Number must be an integer of at least 1',
    });
  }
  if (partTotal === null || partTotal === 0) {
    problems.push({
      path: 'headers.X-Transaction-Part-Total',
      message: 'header X-Transaction-Part-Total must be an integer of at least 1',
    });
  }
  if (partNumber === undefined && typeof partTotal === 'number' && partTotal > 1) {
    problems.push({
      path: 'headers.X-Transaction-Part-Number',
      message: `header X-Transaction-Part-Number is required when X-Transaction-Part-Total is ${partTotal}: which part of the payload is this?`,
    });
  }
  if (typeof partNumber === 'number' && partTotal !== null && partNumber > (partTotal ?? 1)) {
    problems.push({
      path: 'headers.X-Transaction-Part-Number',
      message: `header X-Transaction-Part-Number (${partNumber}) must not exceed X-Transaction-Part-Total (${partTotal ?? 'absent: 1'})`,
    });
  }
  if (problems.length > 0) {
    throw badRequest(problems.map((problem) => problem.message).join('; '), problems);
  }
  return {
    transactionId: transactionId!,
    partNumber: partNumber ?? 1,
    partTotal: partTotal ?? 1,
    dateTime: headers.dateTime!.trim(),
    dateTimeMs: dateTimeMs!,
  };
}
