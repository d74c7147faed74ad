/**
 * The pure heart of the Salesforce -> Gentrack direction: which Gentrack calls one Salesforce change becomes, with
 * their bodies, paths and transaction ids, according to the connector model. No I/O: references that the payload
 * lacks come from a lookup the caller supplies (the relay's own record of references it has learnt).
 */
import { EXTERNAL_ID_FIELD, REFERENCES_KEY } from '../../../model/connector-fields.js';
import {
  findObject,
  trackedFields,
  type ConnectorModel,
  type MappedField,
  type OperationRule,
  type SyncedObject,
} from '../../../model/connector-model.js';
import type { GentrackOperationName } from '../../../model/gentrack-operations.js';
import { BadEventError } from './object-event.js';
import { setAtPath } from '../../../model/property-path.js';
import type { ObjectChange, RecordValues } from './reassemble.js';
import { RelayError } from '../platform/errors.js';

export interface GentrackCall {
  readonly operation: GentrackOperationName;
  readonly method: 'POST' | 'PUT' | 'DELETE';
  /** Path below the tenant's base URI, reference filled in. */
  readonly path: string;
  readonly body: Record<string, unknown>;
  /**
   * Names the call among its change's calls: the operation, with `-2`, `-3` ... when the change calls the same
   * operation again. The call's X-Transaction-Id is the change's id and this key (`callTransactionId`).
   */
  readonly key: string;
  /** Salesforce field <- property path of Gentrack's response. */
  readonly writeBack: Readonly<Record<string, string>>;
}

/** The Gentrack reference the relay learnt for a Salesforce record, if any. */
export type ReferenceLookup = (objectType: string, recordId: string) => string | undefined;

/** A reference the call needs is not known yet (its record's own sync has not completed): try again later. */
export class MissingReferenceError extends RelayError {
  readonly code = 'REFERENCE_PENDING';
}

/**
 * X-Transaction-Id of one call: every call is a transaction of its own for Gentrack, which de-duplicates by this id
 * (and would take calls sharing an id for the parts of one fragmented payload). Derived from the change's transaction
 * id and the call's key only, so a redelivery of the change repeats each call's id exactly.
 */
export function callTransactionId(changeTransactionId: string, call: Pick<GentrackCall, 'key'>): string {
  return `${changeTransactionId}:${call.key}`;
}

/** A DELETE's calls are planned from the record's old values; every other change's from its new values only. */
export function plannedFromOldValues(change: Pick<ObjectChange, 'operationType'>): boolean {
  return change.operationType === 'DELETE';
}

export function planGentrackCalls(
  model: ConnectorModel,
  change: ObjectChange,
  lookup: ReferenceLookup,
): GentrackCall[] {
  const object = findObject(model, change.objectType);
  if (!object) {
    throw new BadEventError(`${change.objectType} is not an object of the connector model (${model.sourcePath})`);
  }
  let dml = change.operationType.toLowerCase() as 'insert' | 'update' | 'delete' | 'undelete';
  // Gentrack already has the record (the relay learnt its reference, or the payload carries it): creating it again
  // would make a duplicate, e.g. when an on-demand sync and the record's insert event both went out as inserts.
  // The insert is sent as an update of every field instead.
  const wholeRecord =
    dml === 'insert' && (object.operations.update?.length ?? 0) > 0 && ownReference(change, lookup) !== undefined;
  if (wholeRecord) dml = 'update';
  const rules = (object.operations[dml] ?? []).filter(
    (rule) =>
      dml !== 'update' ||
      wholeRecord ||
      !rule.whenChanged ||
      rule.whenChanged.some((field) => change.changedFields.includes(field)),
  );
  if (rules.length === 0) return [];

  const fromOld = plannedFromOldValues(change);
  const values = fromOld ? change.oldValues : change.newValues;
  if (!values) {
    throw new BadEventError(
      `${change.operationType} of ${change.objectType} ${change.recordId} carries no ${fromOld ? 'old' : 'new'} values`,
    );
  }
  const fieldsByName = fieldsByNameOf(object);
  const referenceOf = (field: MappedField): string | null => {
    const fromPayload = (values[REFERENCES_KEY] as Record<string, unknown> | undefined)?.[field.name];
    if (typeof fromPayload === 'string' && fromPayload.length > 0) return fromPayload;
    const parentId = values[field.name];
    if (typeof parentId !== 'string' || parentId.length === 0) return null;
    const learnt = lookup(field.references!.object, parentId);
    if (learnt === undefined) {
      throw new MissingReferenceError(
        `${change.objectType} ${change.recordId}: ${field.name} points at ${field.references!.object} ${parentId}, which has no Gentrack reference yet`,
      );
    }
    return learnt;
  };

  const seen = new Map<string, number>();
  return rules.map((rule) => {
    const occurrence = (seen.get(rule.operation) ?? 0) + 1;
    seen.set(rule.operation, occurrence);
    const bodyFields = rule.whenChanged
      ? rule.whenChanged.map((name) => fieldsByName.get(name)!)
      : trackedFields(object);
    const body: Record<string, unknown> = { salesforceId: change.recordId };
    for (const field of bodyFields) {
      const value = field.references ? referenceOf(field) : values[field.name];
      if (value !== undefined) setAtPath(body, field.gentrackPath, value);
    }
    // The change's id in the reason lets a redelivery find the effect of an operation Gentrack does not
    // de-duplicate (see create-once.ts), and tells Gentrack's users which Salesforce change it was.
    if (dml === 'delete')
      body.reason = `${change.objectType} deleted in Salesforce by ${change.changedBy ?? 'an unknown user'} (Salesforce change ${change.transactionId})`;
    return {
      operation: rule.operation,
      method: rule.method,
      path:
        rule.ref === undefined
          ? rule.path
          : rule.path.replace(
              '{ref}',
              encodeURIComponent(pathReference(rule, change, values, fieldsByName, referenceOf, lookup)),
            ),
      body,
      key: occurrence === 1 ? rule.operation : `${rule.operation}-${occurrence}`,
      writeBack: rule.writeBack,
    };
  });
}

/** An object's fields by name, built once per object of the model rather than once per change. */
const fieldIndexes = new WeakMap<SyncedObject, ReadonlyMap<string, MappedField>>();

function fieldsByNameOf(object: SyncedObject): ReadonlyMap<string, MappedField> {
  let index = fieldIndexes.get(object);
  if (!index) {
    index = new Map(object.fields.map((field) => [field.name, field]));
    fieldIndexes.set(object, index);
  }
  return index;
}

/** The record's own Gentrack reference: its External ID in the payload, or the one the relay learnt. */
function ownReference(change: ObjectChange, lookup: ReferenceLookup): string | undefined {
  const own = change.newValues?.[EXTERNAL_ID_FIELD];
  if (typeof own === 'string' && own.length > 0) return own;
  return lookup(change.objectType, change.recordId) || undefined;
}

function pathReference(
  rule: OperationRule,
  change: ObjectChange,
  values: RecordValues,
  fieldsByName: ReadonlyMap<string, MappedField>,
  referenceOf: (field: MappedField) => string | null,
  lookup: ReferenceLookup,
): string {
  let reference: string | null | undefined;
  if (rule.ref === EXTERNAL_ID_FIELD) {
    const own = values[EXTERNAL_ID_FIELD];
    reference = typeof own === 'string' && own.length > 0 ? own : lookup(change.objectType, change.recordId);
  } else {
    reference = referenceOf(fieldsByName.get(rule.ref!)!);
  }
  if (!reference) {
    throw new MissingReferenceError(
      `${change.objectType} ${change.recordId}: ${rule.operation} needs ${rule.ref === EXTERNAL_ID_FIELD ? 'its' : `${rule.ref}'s`} Gentrack reference, which is not known yet`,
    );
  }
  return reference;
}
