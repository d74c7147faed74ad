/**
 * Joins the parts of one change back into the record values the triggers serialised. Apex splits the JSON text of
 * Old_Payload__c and New_Payload__c across numbered parts; joining the texts in part order gives it back exactly.
 */
import { BadEventError, type ObjectEventPart, type OperationType } from './object-event.js';

export type RecordValues = Readonly<Record<string, unknown>>;

export interface ObjectChange {
  readonly transactionId: string;
  readonly objectType: string;
  readonly operationType: OperationType;
  readonly recordId: string;
  readonly oldValues: RecordValues | null;
  readonly newValues: RecordValues | null;
  readonly changedFields: readonly string[];
  readonly changedBy: string | null;
  readonly changedAt: string;
}

export function reassemble(parts: readonly ObjectEventPart[]): ObjectChange {
  const [first] = parts;
  if (!first) throw new BadEventError('a change needs at least one part');
  const ordered = [...parts].sort((a, b) => a.partNumber - b.partNumber);
  ordered.forEach((part, index) => {
    if (part.partNumber !== index + 1 || part.partTotal !== first.partTotal) {
      throw new BadEventError(
        `transaction ${first.transactionId}: parts ${ordered.map((p) => `${p.partNumber}/${p.partTotal}`).join(', ')} do not make a whole`,
      );
    }
    if (
      part.recordId !== first.recordId ||
      part.operationType !== first.operationType ||
      part.objectType !== first.objectType
    ) {
      throw new BadEventError(`transaction ${first.transactionId}: its parts describe different changes`);
    }
  });
  if (ordered.length !== first.partTotal) {
    throw new BadEventError(`transaction ${first.transactionId}: ${ordered.length} of ${first.partTotal} parts`);
  }
  const join = (pick: (part: ObjectEventPart) => string | null, name: string): RecordValues | null => {
    const texts = ordered.map(pick);
    if (texts.every((text) => text === null)) return null;
    const json = texts.map((text) => text ?? '').join('');
    try {
      const value: unknown = JSON.parse(json);
      if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not a JSON object');
      return value as RecordValues;
    } catch (error) {
      throw new BadEventError(
        `transaction ${first.transactionId}: ${name} is not valid JSON (${(error as Error).message})`,
      );
    }
  };
  return {
    transactionId: first.transactionId,
    objectType: first.objectType,
    operationType: first.operationType,
    recordId: first.recordId,
    oldValues: join((part) => part.oldPayload, 'Old_Payload__c'),
    newValues: join((part) => part.newPayload, 'New_Payload__c'),
    changedFields: first.changedFields,
    changedBy: first.changedBy,
    changedAt: first.changedAt,
  };
}
