/**
 * The pure heart of the Salesforce -> Gentrack direction: which Gentrack calls one Salesforce change becomes, with
 * their bodies, paths and transaction part numbers, according to the connector model. No I/O: references that the
 * payload lacks come from a lookup the caller supplies (the relay's own record of references it has learnt).
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

/** The payload key under which the triggers put the Gentrack references of a record's lookups. */

export interface GentrackCall {
  readonly operation: GentrackOperationName;
  readonly method: 'POST' | 'PUT' | 'DELETE';
  /** Path below the tenant's base URI, reference filled in. */
  readonly path: string;
  readonly body: Record<string, unknown>;
  /** X-Transaction-Part-Number / -Total: one change can become several calls. */
  readonly partNumber: number;
  readonly partTotal: number;
  /** Salesforce field <- property path of Gentrack's response. */
  readonly writeBack: Readonly<Record<string, string>>;
}

/** The Gentrack reference the relay learnt for a Salesforce record, if any. */
export type ReferenceLookup = (objectType: string, recordId: string) => string | undefined;

/** A reference the call needs is not known yet (its record's own sync has not completed): try again later. */
export class MissingReferenceError extends RelayError {
  readonly code = 'REFERENCE_PENDING';
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

  return rules.map((rule, index) => {
    const bodyFields = rule.whenChanged
      ? rule.whenChanged.map((name) => fieldsByName.get(name)!)
      : trackedFields(object);
    const body: Record<string, unknown> = { salesforceId: change.recordId };
    for (const field of bodyFields) {
      const value = field.references ? referenceOf(field) : values[field.name];
      if (value !== undefined) setAtPath(body, field.gentrackPath, value);
    }
    if (dml === 'delete')
      body.reason = `${change.objectType} deleted in Salesforce by ${change.changedBy ?? 'an unknown user'}`;
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
      partNumber: index + 1,
      partTotal: rules.length,
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
