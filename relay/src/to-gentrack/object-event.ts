/**
 * One Gentrack_Object_Event__e message as the relay reads it, checked field by field. A message that fails here is
 * corrupt or foreign: it goes to the dead-letter store with the reason, never into delivery.
 */
import { z } from 'zod';
import { EVENT_FIELDS } from '../../../model/connector-fields.js';
import { RelayError } from '../platform/errors.js';

export const OPERATION_TYPES = ['INSERT', 'UPDATE', 'DELETE', 'UNDELETE'] as const;
export type OperationType = (typeof OPERATION_TYPES)[number];

export interface ObjectEventPart {
  readonly objectType: string;
  readonly operationType: OperationType;
  readonly recordId: string;
  readonly transactionId: string;
  readonly partNumber: number;
  readonly partTotal: number;
  readonly oldPayload: string | null;
  readonly newPayload: string | null;
  readonly changedFields: readonly string[];
  readonly changedBy: string | null;
  /** ISO-8601 time of the change in Salesforce. */
  readonly changedAt: string;
}

export class BadEventError extends RelayError {
  readonly code = 'BAD_EVENT';
}

const SALESFORCE_ID = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;

const eventSchema = z.object({
  [EVENT_FIELDS.objectType]: z.string().min(1),
  [EVENT_FIELDS.operationType]: z.enum(OPERATION_TYPES),
  [EVENT_FIELDS.recordId]: z.string().regex(SALESFORCE_ID, 'a Salesforce record id'),
  [EVENT_FIELDS.transactionId]: z.string().min(1).nullish(),
  [EVENT_FIELDS.partNumber]: z.number().int().min(1).nullish(),
  [EVENT_FIELDS.partTotal]: z.number().int().min(1).max(9999).nullish(),
  [EVENT_FIELDS.oldPayload]: z.string().nullish(),
  [EVENT_FIELDS.newPayload]: z.string().nullish(),
  [EVENT_FIELDS.changedFields]: z.string().nullish(),
  [EVENT_FIELDS.changedBy]: z.string().nullish(),
  [EVENT_FIELDS.changedAt]: z.number().nullish(),
  CreatedDate: z.number(),
});

/**
 * Reads a decoded event payload (Avro field names, DateTime as epoch ms). `fallbackTransactionId` identifies events
 * published without a transaction id (the replay id is unique per message).
 */
export function readObjectEvent(payload: Record<string, unknown>, fallbackTransactionId: string): ObjectEventPart {
  const parsed = eventSchema.safeParse(payload);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(event)'}: ${issue.message}`);
    throw new BadEventError(`not a valid ${'Gentrack_Object_Event__e'} message: ${problems.join('; ')}`);
  }
  const event = parsed.data;
  const partNumber = event[EVENT_FIELDS.partNumber] ?? 1;
  const partTotal = event[EVENT_FIELDS.partTotal] ?? 1;
  if (partNumber > partTotal) {
    throw new BadEventError(`part ${partNumber} of ${partTotal}: the part number exceeds the total`);
  }
  const changedFields = event[EVENT_FIELDS.changedFields];
  return {
    objectType: event[EVENT_FIELDS.objectType],
    operationType: event[EVENT_FIELDS.operationType],
    recordId: event[EVENT_FIELDS.recordId],
    transactionId: event[EVENT_FIELDS.transactionId] ?? fallbackTransactionId,
    partNumber,
    partTotal,
    oldPayload: event[EVENT_FIELDS.oldPayload] ?? null,
    newPayload: event[EVENT_FIELDS.newPayload] ?? null,
    changedFields: changedFields ? changedFields.split(',').filter((name) => name.length > 0) : [],
    changedBy: event[EVENT_FIELDS.changedBy] ?? null,
    changedAt: new Date(event[EVENT_FIELDS.changedAt] ?? event.CreatedDate).toISOString(),
  };
}
