/**
 * Insert, update, upsert, delete and undelete, as the platform runs them: field-level validation, defaults and audit
 * fields, unique and External ID checks, the object rules in dml-rules.ts, all-or-none or partial success, and the
 * after-DML trigger hook fired once per operation and object in chunks of 200 records. The REST API and the code API
 * both come through here.
 */
import { randomUUID } from 'node:crypto';
import {
  SalesforceError,
  allOrNoneRolledBack,
  cannotWriteFields,
  entityIsDeleted,
  invalidCrossReferenceKey,
  invalidType,
  malformedId,
  noSuchColumn,
  type SalesforceErrorDetail,
} from '../errors.js';
import { formatDateTime } from './datetime.js';
import type { DmlPrimitives, ObjectRules } from './dml-rules.js';
import { coerceFieldValue } from './field-values.js';
import { keyPrefixOf, toId18, type IdSequence } from './ids.js';
import type { RecordStore } from './record-store.js';
import type { FieldSchema, FieldValue, OrgSchema, SObjectRecord, SObjectSchema } from './schema.js';
import type { TransactionLog, Transactions } from './transactions.js';
import type { SandboxUser } from './users.js';

export type DmlOperation = 'insert' | 'update' | 'delete' | 'undelete';

export interface RecordChange {
  readonly old?: SObjectRecord;
  readonly new?: SObjectRecord;
}

/** What a trigger on `objectType` sees: one call per DML operation and chunk of at most 200 records. */
export interface AfterDmlEvent {
  readonly objectType: string;
  readonly operation: DmlOperation;
  readonly records: readonly RecordChange[];
  readonly user: SandboxUser;
}

/** Runs after the change is applied; throwing fails and rolls back the whole DML call, as a trigger exception does. */
export type AfterDmlListener = (event: AfterDmlEvent) => void | Promise<void>;

/** One applied record change, as the change feed keeps it. */
export interface AppliedChange extends RecordChange {
  readonly objectType: string;
  readonly operation: DmlOperation;
  readonly user: SandboxUser;
  /** A cascade the platform makes without running triggers (contacts deleted with their account). */
  readonly silent: boolean;
}

/** A platform event message published by an insert on a `__e` object. */
export interface PublishedEvent {
  readonly eventType: string;
  readonly event: SObjectRecord;
  readonly user: SandboxUser;
}

export interface DmlResult {
  readonly id?: string;
  readonly success: boolean;
  readonly errors: readonly SalesforceErrorDetail[];
  /** Upsert only: whether the record was created. */
  readonly created?: boolean;
}

export interface DmlOptions {
  readonly user: SandboxUser;
  /** Roll every record back if one fails (REST single-record calls and Apex DML statements); default false. */
  readonly allOrNone?: boolean;
  /** An Apex test's DML: its platform events go to the test event bus, never to the org's subscribers. */
  readonly testContext?: boolean;
}

export type RecordValues = Readonly<Record<string, unknown>>;

/**
 * A foreign key given by the parent's External ID, as a Bulk API relationship column (`Account.Gentrack_External_Id__c`)
 * gives it: the same as `{ Account: { Gentrack_External_Id__c: value } }` in a REST body, without an object with a
 * computed key to build and take apart for every cell of a load.
 */
export class ExternalIdReference {
  constructor(
    readonly field: string,
    readonly value: unknown,
  ) {}
}

/** Raised by a single-record upsert whose External ID value matches several records (REST answers 300). */
export class MultipleMatchesError extends SalesforceError {
  constructor(
    readonly objectType: string,
    readonly ids: readonly string[],
    field: FieldSchema,
    value: FieldValue,
  ) {
    super(
      'DUPLICATE_EXTERNAL_ID',
      `${field.label}: more than one record found for external id field: [${ids.join(', ')}]`,
      [],
      300,
    );
    void value;
  }
}

export const TRIGGER_CHUNK_SIZE = 200;

/** The errors of every successful result (shared: results are read, never changed). */
const NO_ERRORS: readonly SalesforceErrorDetail[] = Object.freeze([]);

/** A partial save tries at most three times (Apex Developer Guide, "Bulk DML Exception Handling"). */
const PARTIAL_SAVE_ATTEMPTS = 3;
/** The guide gives the message, not a status code: UNKNOWN_EXCEPTION is what the API reports for such failures. */
const TOO_MANY_RETRIES: Pick<DmlResult, 'success' | 'errors'> = {
  success: false,
  errors: [
    new SalesforceError(
      'UNKNOWN_EXCEPTION',
      'Too many batch retries in the presence of Apex triggers and partial failures.',
    ).toDetail(),
  ],
};

type Log = TransactionLog<AppliedChange, PublishedEvent>;

interface Call {
  readonly user: SandboxUser;
  readonly now: string;
  readonly log: Log;
  /** PublishImmediately messages published by this call, handed out as soon as its records are done. */
  readonly immediate: PublishedEvent[];
  /** The rules' view of this call, made once per call (not per record). */
  primitives?: DmlPrimitives;
}

export class DmlEngine {
  private readonly listeners: AfterDmlListener[] = [];
  private readonly autoNumbers = new Map<string, number>();

  constructor(
    private readonly schema: OrgSchema,
    private readonly store: RecordStore,
    private readonly ids: IdSequence,
    private readonly transactions: Transactions<AppliedChange, PublishedEvent>,
    private readonly rules: ReadonlyMap<string, ObjectRules>,
    private readonly orgId: string,
    private readonly clock: () => number,
    /** Hands PublishImmediately messages to subscribers, outside any transaction. */
    private readonly deliverNow: (events: PublishedEvent[]) => void,
  ) {}

  onAfterDml(listener: AfterDmlListener): () => void {
    this.listeners.push(listener);
    return () => {
      const index = this.listeners.indexOf(listener);
      if (index >= 0) this.listeners.splice(index, 1);
    };
  }

  /** Inserts records, of one or several types (sObject Collections allow mixed types). */
  insert(items: readonly { objectType: string; values: RecordValues }[], options: DmlOptions): Promise<DmlResult[]> {
    return this.execute('insert', options, items.length, (call, index) =>
      this.attempt(call, undefined, () => {
        const item = items[index]!;
        const object = this.requireObject(item.objectType);
        const record =
          object.kind === 'platformEvent'
            ? this.publishEvent(call, object, item.values)
            : this.insertRecord(call, object, item.values);
        return { id: record.Id, success: true, errors: NO_ERRORS };
      }),
    );
  }

  /** Updates records by id; `objectType` (when given) must match the id's object. */
  update(
    items: readonly { objectType?: string; id: string; values: RecordValues }[],
    options: DmlOptions,
  ): Promise<DmlResult[]> {
    return this.execute('update', options, items.length, (call, index) => {
      const item = items[index]!;
      return this.attempt(call, item.id, () => {
        const { object, record } = this.requireLive(item.id, item.objectType);
        this.updateRecord(call, object, record.Id, item.values);
        return { id: record.Id, success: true, errors: NO_ERRORS };
      });
    });
  }

  /**
   * Upserts records of one type matched on `externalIdField` (an External ID field, or Id). Each record carries its
   * own match value in that field.
   */
  async upsert(
    objectType: string,
    externalIdField: string,
    records: readonly RecordValues[],
    options: DmlOptions,
  ): Promise<DmlResult[]> {
    const object = this.requireObject(objectType);
    const field = object.field(externalIdField);
    if (!field || !(field.externalId || field.name === 'Id')) {
      throw new SalesforceError(
        'INVALID_FIELD',
        `Field name provided, ${externalIdField} is not an External ID or indexed field for ${object.name}`,
      );
    }
    // Each record's match value, and how often it occurs in this call (case-insensitively), read once per record.
    const raws: unknown[] = new Array(records.length);
    const keys: string[] = new Array(records.length);
    const seen = new Map<string, number>();
    for (let index = 0; index < records.length; index++) {
      const values = records[index]!;
      const name = keyOf(values, field.name);
      const raw = name === undefined ? null : values[name];
      const key = String(raw ?? '').toLowerCase();
      raws[index] = raw;
      keys[index] = key;
      if (key !== '') seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    return this.execute('upsert', options, records.length, (call, index) =>
      this.attempt(call, undefined, () => {
        const values = records[index]!;
        const raw = raws[index];
        if (keys[index] !== '' && seen.get(keys[index]!)! > 1) {
          throw new SalesforceError('DUPLICATE_EXTERNAL_ID', `Duplicate external id specified: ${String(raw)}`, [
            field.name,
          ]);
        }
        const match = this.matchExternalId(object, field, raw);
        if (match === undefined) {
          // matchExternalId just found no record holding this value: its uniqueness needs no second lookup.
          const record = this.insertRecord(
            call,
            object,
            field.name === 'Id' ? withoutKey(values, field.name) : values,
            {},
            field.name,
          );
          return { id: record.Id, success: true, errors: NO_ERRORS, created: true };
        }
        this.updateRecord(call, object, match.Id, withoutKey(values, field.name));
        return { id: match.Id, success: true, errors: NO_ERRORS, created: false };
      }),
    );
  }

  delete(ids: readonly string[], options: DmlOptions & { objectType?: string }): Promise<DmlResult[]> {
    return this.execute('delete', options, ids.length, (call, index) =>
      this.attempt(call, ids[index], () => {
        const { object, record } = this.requireLive(ids[index]!, options.objectType);
        this.deleteRecord(call, object, record, {});
        return { id: record.Id, success: true, errors: NO_ERRORS };
      }),
    );
  }

  undelete(ids: readonly string[], options: DmlOptions): Promise<DmlResult[]> {
    return this.execute('undelete', options, ids.length, (call, index) => {
      const id = ids[index]!;
      return this.attempt(call, id, () => {
        const found = toId18(id) === undefined ? undefined : this.store.find(toId18(id)!);
        if (!found || found.record['IsDeleted'] !== true || !found.object.supportsUndelete) {
          throw new SalesforceError('UNDELETE_FAILED', 'Entity is not in the recycle bin');
        }
        this.undeleteRecord(call, found.object, found.record, {});
        return { id: found.record.Id, success: true, errors: NO_ERRORS };
      });
    });
  }

  /** The record an upsert would update: undefined for none, MultipleMatchesError for several. */
  matchExternalId(object: SObjectSchema, field: FieldSchema, raw: unknown): SObjectRecord | undefined {
    if (raw === null || raw === undefined || raw === '') {
      if (field.name === 'Id') return undefined;
      throw new SalesforceError('REQUIRED_FIELD_MISSING', `Required fields are missing: [${field.name}]`, [field.name]);
    }
    if (field.name === 'Id') return this.requireLive(String(raw), object.name).record;
    const value = coerceFieldValue(field, raw, this.schema);
    const matches = [...this.store.findBy(object.name, field.name, value)];
    if (matches.length > 1) throw new MultipleMatchesError(object.name, matches, field, value);
    return matches.length === 1 ? this.store.get(object.name, matches[0]!) : undefined;
  }

  // ---- one DML call ------------------------------------------------------------------------------------------

  /**
   * One DML call over `count` records, `runOne` doing each record's work. All or none: any failure rolls the call
   * back. Partial success with triggers attached is the platform's partial save (Apex Developer Guide, "Bulk DML
   * Exception Handling"): the records that failed are set aside, everything is rolled back and the rest are saved
   * again, triggers firing again, up to three attempts; if the third still has failures the whole call fails with
   * "Too many batch retries in the presence of Apex triggers and partial failures." Events published immediately
   * during a rolled-back attempt stay published, as they do on the platform.
   */
  private execute(
    operation: DmlOperation | 'upsert',
    options: DmlOptions,
    count: number,
    runOne: (call: Call, index: number) => DmlResult,
  ): Promise<DmlResult[]> {
    return this.transactions.run(async (log) => {
      const keepId = (result: DmlResult) =>
        operation === 'insert' || operation === 'upsert' || result.id === undefined ? {} : { id: result.id };
      const results: DmlResult[] = new Array(count);
      let pending = Array.from({ length: count }, (_, index) => index);
      for (let attempt = 1; ; attempt++) {
        const savepoint = this.transactions.savepoint(log);
        const firstChange = log.changes.length;
        const call: Call = { user: options.user, now: formatDateTime(this.clock()), log, immediate: [] };
        const outcome = pending.map((index) => runOne(call, index));
        if (options.allOrNone && outcome.some((result) => !result.success)) {
          savepoint.rollback();
          pending.forEach((index, position) => {
            const result = outcome[position]!;
            results[index] = result.success
              ? { ...keepId(result), success: false, errors: [allOrNoneRolledBack().toDetail()] }
              : result;
          });
          return results;
        }
        this.publishNow(call, options);
        try {
          await this.fireTriggers(log.changes.slice(firstChange), options.user);
        } catch (error) {
          if (!(error instanceof SalesforceError)) throw error;
          savepoint.rollback();
          const failure = error.toDetail();
          pending.forEach((index, position) => {
            const result = outcome[position]!;
            results[index] = result.success ? { ...keepId(result), success: false, errors: [failure] } : result;
          });
          return results;
        }
        pending.forEach((index, position) => (results[index] = outcome[position]!));
        const saved = pending.filter((_, position) => outcome[position]!.success);
        const partial = saved.length > 0 && saved.length < pending.length;
        if (!partial || this.listeners.length === 0) return results;
        savepoint.rollback();
        if (attempt === PARTIAL_SAVE_ATTEMPTS) {
          for (const index of saved) results[index] = { ...keepId(results[index]!), ...TOO_MANY_RETRIES };
          return results;
        }
        pending = saved;
      }
    });
  }

  /** PublishImmediately messages of this call go out now, whatever becomes of its transaction. */
  private publishNow(call: Call, options: DmlOptions): void {
    if (call.immediate.length === 0 || options.testContext) return;
    this.deliverNow(call.immediate.splice(0));
  }

  /** Runs one record's work; a SalesforceError fails that record only and undoes its partial writes. */
  private attempt(call: Call, failureId: string | undefined, work: () => DmlResult): DmlResult {
    const mark = this.transactions.mark(call.log);
    try {
      return work();
    } catch (error) {
      if (!(error instanceof SalesforceError)) throw error;
      this.transactions.rollbackTo(call.log, mark);
      const id = failureId === undefined ? undefined : (toId18(failureId) ?? failureId);
      return { ...(id === undefined ? {} : { id }), success: false, errors: [error.toDetail()] };
    }
  }

  private async fireTriggers(changes: readonly AppliedChange[], user: SandboxUser): Promise<void> {
    if (this.listeners.length === 0) return;
    // Grouped by object, then operation, in the order each group first appears.
    const groups: AppliedChange[][] = [];
    let last: AppliedChange[] | undefined;
    for (const change of changes) {
      if (change.silent) continue;
      let group =
        last && last[0]!.objectType === change.objectType && last[0]!.operation === change.operation ? last : undefined;
      group ??= groups.find(
        (candidate) => candidate[0]!.objectType === change.objectType && candidate[0]!.operation === change.operation,
      );
      if (!group) groups.push((group = []));
      group.push(change);
      last = group;
    }
    for (const group of groups) {
      const { objectType, operation } = group[0]!;
      for (let start = 0; start < group.length; start += TRIGGER_CHUNK_SIZE) {
        // An applied change is the record change a trigger sees (its old and new only set when there is one).
        const records: readonly RecordChange[] = group.slice(start, start + TRIGGER_CHUNK_SIZE);
        for (const listener of [...this.listeners]) {
          try {
            await listener({ objectType, operation, records, user });
          } catch (error) {
            throw triggerFailure(objectType, operation, error);
          }
        }
      }
    }
  }

  // ---- record primitives -------------------------------------------------------------------------------------

  private primitives(call: Call): DmlPrimitives {
    return (call.primitives ??= {
      store: this.store,
      orgId: this.orgId,
      insert: (objectType, values, system, live) =>
        this.insertRecord(call, this.requireObject(objectType), values, system, undefined, live),
      update: (objectType, id, values, system) =>
        this.updateRecord(call, this.requireObject(objectType), id, values, system),
      delete: (objectType, record, options) =>
        this.deleteRecord(call, this.requireObject(objectType), record, options ?? {}),
      undelete: (objectType, record, options) =>
        this.undeleteRecord(call, this.requireObject(objectType), record, options ?? {}),
    });
  }

  private insertRecord(
    call: Call,
    object: SObjectSchema,
    values: RecordValues,
    system: Readonly<Record<string, FieldValue>> = {},
    checkedUnique?: string,
    live: readonly string[] = [],
  ): SObjectRecord {
    // Defaults first: a field given (even as null) replaces its default.
    const draft = object.newRecord();
    draft['Id'] = this.ids.mint(object.keyPrefix);
    // Ids known to be live records: the caller's, then those resolved by External ID.
    const resolved: string[] = [...live];
    this.applyInput(object, draft, values, 'insert', resolved);
    for (const key in system) {
      const value = system[key]!;
      // A system null does not clear the default of a field the input left out.
      const field = value === null ? object.field(key) : undefined;
      draft[key] =
        field && field.defaultValue !== null && !this.givesField(object, values, field) ? field.defaultValue : value;
    }
    for (const field of object.autoNumberFields) draft[field.name] = this.nextAutoNumber(object, field);
    if (object.field('OwnerId') && draft['OwnerId'] === null) draft['OwnerId'] = call.user.id;
    // A custom object record saved without a name is named after its id.
    if (object.kind === 'custom' && draft['Name'] === null && object.field('Name')?.createable)
      draft['Name'] = draft['Id'];
    const rules = this.rules.get(object.name);
    const dml = this.primitives(call);
    rules?.applyDefaults?.(draft, dml);
    draft['IsDeleted'] = false;
    draft['CreatedDate'] = call.now;
    draft['CreatedById'] = call.user.id;
    draft['LastModifiedDate'] = call.now;
    draft['LastModifiedById'] = call.user.id;
    draft['SystemModstamp'] = call.now;
    this.derive(object, draft);
    this.checkRequired(object, draft, undefined);
    this.checkReferences(call, object, draft, undefined, resolved);
    this.checkUnique(object, draft, undefined, checkedUnique);
    rules?.validate?.(draft, undefined, dml);
    const record = Object.freeze(draft) as SObjectRecord;
    this.store.add(object.name, record);
    this.record(call, object, 'insert', undefined, record, false);
    rules?.afterInsert?.(record, dml);
    return record;
  }

  private updateRecord(
    call: Call,
    object: SObjectSchema,
    id: string,
    values: RecordValues,
    system: Readonly<Record<string, FieldValue>> = {},
  ): SObjectRecord {
    const old = this.store.get(object.name, id);
    if (!old) throw invalidCrossReferenceKey();
    if (old['IsDeleted'] === true) throw entityIsDeleted();
    const draft: Record<string, FieldValue> = { ...old };
    const resolved: string[] = [];
    this.applyInput(object, draft, values, 'update', resolved);
    Object.assign(draft, system, {
      LastModifiedDate: call.now,
      LastModifiedById: call.user.id,
      SystemModstamp: call.now,
    });
    this.derive(object, draft);
    this.checkRequired(object, draft, old);
    this.checkReferences(call, object, draft, old, resolved);
    this.checkUnique(object, draft, old);
    const rules = this.rules.get(object.name);
    const dml = this.primitives(call);
    rules?.validate?.(draft, old, dml);
    const record = Object.freeze(draft) as SObjectRecord;
    this.store.put(object.name, record);
    this.record(call, object, 'update', old, record, false);
    rules?.afterUpdate?.(old, record, dml);
    return record;
  }

  private deleteRecord(
    call: Call,
    object: SObjectSchema,
    record: SObjectRecord,
    options: { cascade?: boolean; silent?: boolean },
  ): void {
    const rules = this.rules.get(object.name);
    const dml = this.primitives(call);
    if (!options.cascade) rules?.beforeDelete?.(record, dml);
    if (object.supportsUndelete) {
      this.store.put(object.name, Object.freeze({ ...record, IsDeleted: true, SystemModstamp: call.now }));
    } else {
      this.store.remove(object.name, record.Id);
    }
    this.record(call, object, 'delete', record, undefined, options.silent ?? false);
    rules?.afterDelete?.(record, dml);
  }

  private undeleteRecord(
    call: Call,
    object: SObjectSchema,
    deleted: SObjectRecord,
    options: { silent?: boolean },
  ): void {
    const restored: Record<string, FieldValue> = {
      ...deleted,
      IsDeleted: false,
      LastModifiedDate: call.now,
      LastModifiedById: call.user.id,
      SystemModstamp: call.now,
    };
    this.checkUnique(object, restored, undefined);
    const record = Object.freeze(restored) as SObjectRecord;
    this.store.put(object.name, record);
    this.record(call, object, 'undelete', undefined, record, options.silent ?? false);
    this.rules.get(object.name)?.afterUndelete?.(record, this.primitives(call));
  }

  /** Platform events are not stored: they are validated like records and handed to the event bus on commit. */
  private publishEvent(call: Call, object: SObjectSchema, values: RecordValues): SObjectRecord {
    const draft = object.newRecord();
    this.applyInput(object, draft, values, 'insert');
    Object.assign(draft, {
      Id: this.ids.mint(object.keyPrefix),
      EventUuid: randomUUID(),
      CreatedDate: call.now,
      CreatedById: call.user.id,
    });
    this.checkRequired(object, draft, undefined);
    const event = Object.freeze(draft) as SObjectRecord;
    const published = { eventType: object.name, event, user: call.user };
    if (object.publishBehavior === 'PublishImmediately') call.immediate.push(published);
    else call.log.events.push(published);
    return event;
  }

  private record(
    call: Call,
    object: SObjectSchema,
    operation: DmlOperation,
    old: SObjectRecord | undefined,
    next: SObjectRecord | undefined,
    silent: boolean,
  ): void {
    const change: { -readonly [K in keyof AppliedChange]: AppliedChange[K] } = {
      objectType: object.name,
      operation,
      user: call.user,
      silent,
    };
    if (old) change.old = old;
    if (next) change.new = next;
    call.log.changes.push(change);
  }

  // ---- validation --------------------------------------------------------------------------------------------

  /**
   * Copies the given values into the draft; returns the names of the fields given. Ids found through External ID
   * references (live records, by the index) are added to `resolved`, so they are not looked up again.
   */
  private applyInput(
    object: SObjectSchema,
    draft: Record<string, FieldValue>,
    values: RecordValues,
    operation: 'insert' | 'update',
    resolved?: string[],
  ): void {
    for (const key in values) {
      if (key === 'attributes' || !Object.hasOwn(values, key)) continue;
      const raw = values[key];
      let field = raw instanceof ExternalIdReference ? undefined : object.field(key);
      let value: FieldValue;
      if (!field) {
        const reference = object.relationship(key);
        if (!reference || raw === null || typeof raw !== 'object' || Array.isArray(raw))
          throw noSuchColumn(key, object.name);
        field = reference;
        value = this.resolveForeignKey(reference, raw as Record<string, unknown> | ExternalIdReference, resolved);
      } else {
        if (field.name === 'Id') {
          if (operation === 'update' && typeof raw === 'string' && toId18(raw) === draft['Id']) continue;
          throw cannotWriteFields([field.name]);
        }
        value = coerceFieldValue(field, raw, this.schema);
      }
      if (operation === 'insert' ? !field.createable : !field.updateable) throw cannotWriteFields([field.name]);
      // A checkbox is never null: clearing it unchecks it.
      draft[field.name] = value === null && field.type === 'boolean' ? false : value;
    }
  }

  /** Whether `values` sets `field`, by its name or its relationship's. */
  private givesField(object: SObjectSchema, values: RecordValues, field: FieldSchema): boolean {
    return Object.keys(values).some(
      (key) => key !== 'attributes' && (object.field(key) ?? object.relationship(key)) === field,
    );
  }

  /** `{"Account": {"Gentrack_External_Id__c": "A1"}}`, or a Bulk API column's ExternalIdReference -> the id of that account. */
  private resolveForeignKey(
    reference: FieldSchema,
    raw: Record<string, unknown> | ExternalIdReference,
    resolved?: string[],
  ): string {
    const byColumn = raw instanceof ExternalIdReference;
    const typeName =
      (byColumn ? undefined : (raw['attributes'] as { type?: unknown } | undefined)?.type) ??
      (reference.referenceTo.length === 1 ? reference.referenceTo[0] : undefined);
    const target = typeof typeName === 'string' ? this.schema.object(typeName) : undefined;
    if (!target || !reference.referenceTo.includes(target.name)) {
      throw new SalesforceError(
        'INVALID_FIELD',
        `${reference.relationshipName}: name the referenced object type in attributes.type (one of ${reference.referenceTo.join(', ')})`,
        [reference.name],
      );
    }
    let key: string | undefined;
    let value: unknown;
    if (byColumn) {
      key = raw.field;
      value = raw.value;
    } else {
      // The one key besides attributes (counted without copying).
      let keys = 0;
      for (const name in raw) {
        if (name === 'attributes' || !Object.hasOwn(raw, name)) continue;
        key = name;
        keys++;
      }
      if (keys !== 1 || key === undefined) {
        throw new SalesforceError(
          'INVALID_FIELD',
          `A foreign key reference to ${target.name} must give exactly one External ID field`,
          [reference.name],
        );
      }
      value = raw[key];
    }
    const keyField = target.field(key);
    if (!keyField || !(keyField.externalId || keyField.name === 'Id')) {
      throw new SalesforceError(
        'INVALID_FIELD',
        `Field name provided, ${key} is not an External ID or indexed field for ${target.name}`,
        [reference.name],
      );
    }
    if (keyField.name === 'Id') return coerceFieldValue(reference, value, this.schema) as string;
    const matches = this.store.findBy(target.name, keyField.name, coerceFieldValue(keyField, value, this.schema));
    if (matches.length !== 1) {
      throw new SalesforceError(
        'INVALID_FIELD',
        matches.length === 0
          ? `Foreign key external ID: ${String(value)} not found for field ${keyField.name} in entity ${target.name}`
          : `Foreign key external ID: ${String(value)} matched more than one record for field ${keyField.name} in entity ${target.name}`,
        [reference.name],
      );
    }
    resolved?.push(matches[0]!);
    return matches[0]!;
  }

  private derive(object: SObjectSchema, draft: Record<string, FieldValue>): void {
    for (const field of object.derivedFields) draft[field.name] = field.derive!(draft);
  }

  private checkRequired(
    object: SObjectSchema,
    draft: Readonly<Record<string, FieldValue>>,
    old: SObjectRecord | undefined,
  ): void {
    let missing: string[] | undefined;
    for (const field of object.requiredFields) {
      if (draft[field.name] === null && (!old || old[field.name] !== null)) (missing ??= []).push(field.name);
    }
    if (missing) {
      throw new SalesforceError(
        'REQUIRED_FIELD_MISSING',
        `Required fields are missing: [${missing.join(', ')}]`,
        missing,
      );
    }
  }

  private checkReferences(
    call: Call,
    object: SObjectSchema,
    draft: Readonly<Record<string, FieldValue>>,
    old: SObjectRecord | undefined,
    resolved: readonly string[],
  ): void {
    for (const field of object.writableReferenceFields) {
      const id = draft[field.name];
      // The calling user exists, and ids just resolved by External ID are live records.
      if (typeof id !== 'string' || (old && old[field.name] === id) || id === call.user.id || resolved.includes(id))
        continue;
      const target = this.store.findRecord(id);
      if (!target) throw invalidCrossReferenceKey(`${field.label}: invalid cross reference id`, [field.name]);
      if (target['IsDeleted'] === true)
        throw new SalesforceError('ENTITY_IS_DELETED', 'entity is deleted', [field.name]);
    }
  }

  private checkUnique(
    object: SObjectSchema,
    draft: Readonly<Record<string, FieldValue>>,
    old: SObjectRecord | undefined,
    checked?: string,
  ): void {
    for (const field of object.uniqueFields) {
      if (field.name === checked) continue;
      const value = draft[field.name] ?? null;
      if (value === null || (old && old[field.name] === value)) continue;
      for (const id of this.store.findBy(object.name, field.name, value)) {
        if (id !== draft['Id']) {
          throw new SalesforceError(
            'DUPLICATE_VALUE',
            `duplicate value found: ${field.name} duplicates value on record with id: ${id}`,
            [field.name],
          );
        }
      }
    }
  }

  // ---- lookups -----------------------------------------------------------------------------------------------

  private requireObject(objectType: string): SObjectSchema {
    const object = this.schema.object(objectType);
    if (!object) throw invalidType(objectType);
    return object;
  }

  /** The live record behind an id; `objectType`, when given, must be the id's object. */
  private requireLive(rawId: string, objectType?: string): { object: SObjectSchema; record: SObjectRecord } {
    const id = toId18(rawId);
    if (!id) throw malformedId(rawId);
    const object = this.schema.objectForKeyPrefix(keyPrefixOf(id));
    if (!object || (objectType !== undefined && object.name.toLowerCase() !== objectType.toLowerCase())) {
      throw malformedId(rawId);
    }
    const record = this.store.get(object.name, id);
    if (!record) throw invalidCrossReferenceKey();
    if (record['IsDeleted'] === true) throw entityIsDeleted();
    return { object, record };
  }

  private nextAutoNumber(object: SObjectSchema, field: FieldSchema): string {
    const key = `${object.name}.${field.name}`;
    const next = (this.autoNumbers.get(key) ?? 0) + 1;
    this.autoNumbers.set(key, next);
    return field.autoNumberFormat!.replace(/\{(0+)\}/, (_, zeros: string) => String(next).padStart(zeros.length, '0'));
  }
}

/** The first key of `values` naming `field` (field names are case-insensitive), or undefined. */
function keyOf(values: RecordValues, field: string): string | undefined {
  let lower: string | undefined;
  for (const key in values) {
    if (key === field) return key;
    // Only a key of the same length can differ from the name in case alone.
    if (key.length === field.length && key.toLowerCase() === (lower ??= field.toLowerCase())) return key;
  }
  return undefined;
}

function withoutKey(values: RecordValues, field: string): RecordValues {
  const lower = field.toLowerCase();
  return Object.fromEntries(Object.entries(values).filter(([key]) => key.toLowerCase() !== lower));
}

/** An exception a trigger listener raises in the name of a trigger (the Apex runtime names the trigger that failed). */
export class TriggerError extends Error {
  constructor(
    readonly triggerName: string,
    message: string,
    /** The platform refused to run the trigger at all: its words follow the trigger's name, with no "caused by". */
    readonly refused = false,
  ) {
    super(message);
  }
}

/** How Salesforce reports an exception a trigger did not handle. */
function triggerFailure(objectType: string, operation: DmlOperation, error: unknown): SalesforceError {
  const message = error instanceof Error ? error.message : String(error);
  const event = `After${operation[0]!.toUpperCase()}${operation.slice(1)}`;
  const trigger = error instanceof TriggerError ? error.triggerName : `${objectType}Trigger`;
  if (error instanceof TriggerError && error.refused)
    return new SalesforceError('CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY', `${trigger}: ${message}`);
  return new SalesforceError(
    'CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY',
    `${trigger}: execution of ${event}\n\ncaused by: ${message}`,
  );
}
