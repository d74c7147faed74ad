/**
 * Apex meets the sandbox org: inline SOQL runs on the org's SOQL engine, DML statements and Database methods go
 * through the org's DML engine (validation, partial success, after-DML hook), and that hook runs the org's Apex
 * triggers in the interpreter. Governor limits, MIXED_DML_OPERATION, user mode (user-mode.ts) and System.runAs are
 * applied here.
 */
import { cannotWriteFields, SalesforceError } from '../errors.js';
import { TriggerError, type AfterDmlEvent, type DmlResult } from '../org/dml-engine.js';
import type { SandboxOrg } from '../org/sandbox-org.js';
import type { SandboxUser } from '../org/users.js';
import { compileQuery } from '../soql/compile.js';
import { parseSoql } from '../soql/parser.js';
import { runQuery } from '../soql/run-query.js';
import type { Site, TriggerDecl } from './ast.js';
import { ApexThrow } from './exceptions.js';
import type { Interpreter, OrgHost } from './interpreter.js';
import type { ApexProgram } from './program.js';
import { checkMixedDml, dmlKindOf, SETUP_OBJECTS } from './setup-objects.js';
import { insertSetupRecords } from './setup-dml.js';
import { fieldOf, sObjectFromRow, toStoreValue } from './sobject-fields.js';
import { runSteps, type Step } from './steps.js';
import { TransactionContext } from './transaction-context.js';
import { AfterTriggerVariables } from './trigger-variables.js';
import { inaccessibleFields, inaccessibleFieldsMessage, objectAccessDenied, type AccessMode } from './user-mode.js';
import { ApexDate, ApexDatetime, ApexDecimal, ApexList, ApexSet, ApexSObject, typeRef, type Value } from './values.js';

export type DmlOperation = 'insert' | 'update' | 'delete' | 'undelete' | 'upsert';

/** One record's outcome, as Database.SaveResult (and friends) report it. */
export interface ApexDmlResult {
  readonly id: string | null;
  readonly success: boolean;
  readonly created?: boolean;
  readonly errors: readonly {
    readonly statusCode: string;
    readonly message: string;
    readonly fields: readonly string[];
  }[];
}

const OPERATION_WORDS: Record<DmlOperation, string> = {
  insert: 'Insert',
  update: 'Update',
  delete: 'Delete',
  undelete: 'Undelete',
  upsert: 'Upsert',
};

/** Triggers firing triggers through DML nest at most this deep. */
const MAX_TRIGGER_DEPTH = 16;

export class OrgBridge implements OrgHost {
  private readonly externalContexts = new WeakMap<object, TransactionContext>();
  /** EventBus.publish calls made through this bridge (the sandbox reports it as the triggers' publish count). */
  publishCalls = 0;

  constructor(
    readonly org: SandboxOrg,
    readonly program: ApexProgram,
  ) {}

  isSObjectType(name: string): string | undefined {
    const object = this.org.schema.object(name);
    if (object) return object.name;
    return name.toLowerCase() === 'permissionsetassignment' ? 'PermissionSetAssignment' : undefined;
  }

  // ---- SOQL --------------------------------------------------------------------------------------------------

  query(interpreter: Interpreter, text: string, binds: Value[], site: Site): Value {
    interpreter.spendLimit('queries', 1, site);
    let soql = text.replace(/:(\d+)/g, (_, index: string) =>
      this.bindLiteral(interpreter, binds[Number(index)] ?? null, site),
    );
    const allRows = /\bALL\s+ROWS\s*$/i.test(soql);
    if (allRows) soql = soql.replace(/\bALL\s+ROWS\s*$/i, '');
    let rows;
    try {
      const parsed = parseSoql(soql);
      if (parsed.security === 'SECURITY_ENFORCED') interpreter.unsupported('SOQL WITH SECURITY_ENFORCED', site);
      // WITH USER_MODE: what the running user cannot read does not exist for the query (user-mode.ts).
      const readable = parsed.security === 'USER_MODE' ? interpreter.context.runningUser.access : undefined;
      rows = runQuery(compileQuery(parsed, this.org.schema, this.org.store, this.org.now(), readable), this.org.store, {
        includeDeleted: allRows,
      });
    } catch (error) {
      if (error instanceof SalesforceError) interpreter.fail('QueryException', error.message, site);
      throw error;
    }
    if (/^\s*SELECT\s+COUNT\s*\(\s*\)/i.test(soql)) {
      interpreter.spendLimit('queryRows', rows.totalSize, site);
      return rows.totalSize;
    }
    interpreter.spendLimit('queryRows', rows.records.length, site);
    const objectName = this.org.schema.object(/\bFROM\s+(\w+)/i.exec(soql)![1]!)!.name;
    return new ApexList(
      typeRef(objectName),
      rows.records.map((row) => sObjectFromRow(this.org.schema, objectName, row, true)),
    );
  }

  /** A bind as a SOQL literal; an empty collection matches nothing. */
  private bindLiteral(interpreter: Interpreter, value: Value, site: Site): string {
    if (value instanceof ApexList || value instanceof ApexSet) {
      const items = value instanceof ApexList ? value.items : [...value.members.values()];
      if (items.length === 0) return "('\u0000')";
      return `(${items.map((item) => this.bindLiteral(interpreter, item, site)).join(', ')})`;
    }
    if (value === null) return 'null';
    if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    if (value instanceof ApexDecimal) return String(value.value);
    if (value instanceof ApexDate) return value.toString();
    if (value instanceof ApexDatetime) return value.toIso().replace(/\.\d{3}Z$/, 'Z');
    if (value instanceof ApexSObject) return this.bindLiteral(interpreter, value.fields.get('id')?.value ?? null, site);
    return interpreter.unsupported(`SOQL bind of ${interpreter.runtimeTypeName(value)}`, site);
  }

  // ---- DML ---------------------------------------------------------------------------------------------------

  /** A DML statement: all or none; the first failure throws System.DmlException in Salesforce's words. */
  async dml(
    interpreter: Interpreter,
    operation: DmlOperation,
    target: Value,
    site: Site,
    externalIdField: string | null,
    mode: AccessMode,
  ): Promise<void> {
    const records = this.recordsOf(interpreter, target, site);
    const results = await this.execute(interpreter, operation, records, true, site, externalIdField, mode);
    const failed = results.findIndex(
      (result) => !result.success && result.errors[0]?.statusCode !== 'ALL_OR_NONE_OPERATION_ROLLED_BACK',
    );
    const index = failed >= 0 ? failed : results.findIndex((result) => !result.success);
    if (index >= 0) {
      const error = results[index]!.errors[0]!;
      interpreter.fail(
        'DmlException',
        `${OPERATION_WORDS[operation]} failed. First exception on row ${index}; first error: ${error.statusCode}, ${error.message}: [${error.fields.join(', ')}]`,
        site,
      );
    }
  }

  recordsOf(interpreter: Interpreter, target: Value, site: Site): ApexSObject[] {
    if (target === null) interpreter.nullDereference(site);
    const items = target instanceof ApexList ? target.items : [target];
    return items.map((item) => {
      if (item instanceof ApexSObject) return item;
      if (item === null) return interpreter.fail('DmlException', 'Invalid list: null record', site);
      return interpreter.unsupported(`DML on ${interpreter.runtimeTypeName(item)}`, site);
    });
  }

  /** Runs one DML operation (statement or Database method) and sets the ids of inserted records. */
  async execute(
    interpreter: Interpreter,
    operation: DmlOperation,
    records: ApexSObject[],
    allOrNone: boolean,
    site: Site,
    externalIdField: string | null = null,
    mode: AccessMode = 'system',
  ): Promise<ApexDmlResult[]> {
    const context = interpreter.context;
    interpreter.spendLimit('dmlStatements', 1, site);
    interpreter.spendLimit('dmlRows', records.length, site);
    if (records.length === 0) return [];
    const objectName = records[0]!.objectName;
    if (records.some((record) => record.objectName !== objectName) && operation !== 'insert') {
      interpreter.unsupported(`${operation} of a list mixing sObject types`, site);
    }
    if (mode === 'user') this.checkObjectAccess(interpreter, operation, records, site);
    const kind = dmlKindOf(
      objectName,
      this.org.schema.object(objectName)?.kind,
      operation,
      records.some((record) => record.fields.get('userroleid')?.value != null),
    );
    const mixed = checkMixedDml(context.mixedDmlScope, objectName, kind);
    if (mixed)
      return records.map(() => ({
        id: null,
        success: false,
        errors: [{ statusCode: 'MIXED_DML_OPERATION', message: mixed, fields: [] }],
      }));

    let results: ApexDmlResult[];
    if (SETUP_OBJECTS.has(objectName.toLowerCase())) {
      if (operation !== 'insert') interpreter.unsupported(`${operation} of ${objectName}`, site);
      results = insertSetupRecords(interpreter, this.org, records, allOrNone, site);
    } else {
      results = await this.saveThroughEngine(interpreter, operation, records, allOrNone, site, externalIdField, mode);
    }
    if (context.pendingFatal) {
      const fatal = context.pendingFatal;
      context.pendingFatal = null;
      throw fatal;
    }
    results.forEach((result, index) => {
      if (!result.success) return;
      const record = records[index]!;
      if (result.id && (operation === 'insert' || operation === 'upsert'))
        record.fields.set('id', { name: 'Id', value: result.id });
      // Saved values are no longer changes: a later update writes only what is assigned after this (an unchanged
      // non-updateable field such as AccountContactRelation.AccountId is not written again).
      if (operation !== 'delete' && operation !== 'undelete') record.assigned.clear();
    });
    context.uncommittedWork = true;
    return results;
  }

  /**
   * Platform event messages: validated like records, delivered to subscribers at once or when the transaction
   * commits, as the event's publish behaviour says; an Apex test's messages reach no subscriber.
   */
  async publishEvents(interpreter: Interpreter, events: ApexSObject[], site: Site): Promise<ApexDmlResult[]> {
    this.publishCalls++;
    const results = await this.org.dml.insert(
      events.map((event) => ({
        objectType: event.objectName,
        values: this.valuesOf(interpreter, event, 'insert', site),
      })),
      { user: interpreter.context.runningUser, allOrNone: false, testContext: interpreter.context.isTest },
    );
    return results.map(fromEngine);
  }

  /**
   * Non-setup records through the DML engine. In user mode a record that sets a field the user may not set fails
   * before the engine sees it: the whole call when all or none, else that record alone (user-mode.ts).
   */
  private async saveThroughEngine(
    interpreter: Interpreter,
    operation: DmlOperation,
    records: ApexSObject[],
    allOrNone: boolean,
    site: Site,
    externalIdField: string | null,
    mode: AccessMode,
  ): Promise<ApexDmlResult[]> {
    const values =
      operation === 'delete' || operation === 'undelete'
        ? null
        : records.map((record) =>
            this.valuesOf(interpreter, record, operation === 'update' ? 'update' : 'insert', site),
          );
    const refused = records.map((record, index) =>
      mode === 'user' && values && (operation === 'insert' || operation === 'update')
        ? inaccessibleFields(
            interpreter.context.runningUser,
            this.org.schema,
            record.objectName,
            Object.keys(values[index]!),
            operation,
          )
        : [],
    );
    const firstRefused = refused.findIndex((fields) => fields.length > 0);
    if (firstRefused >= 0 && allOrNone)
      interpreter.fail('DmlException', inaccessibleFieldsMessage(records[firstRefused]!.objectName), site);
    const saved = records.flatMap((_, index) => (refused[index]!.length === 0 ? [index] : []));
    const engineResults = (
      await this.runEngine(
        interpreter,
        operation,
        saved.map((index) => records[index]!),
        values && saved.map((index) => values[index]!),
        allOrNone,
        externalIdField,
      )
    ).map(fromEngine);
    return records.map((_, index): ApexDmlResult => {
      const fields = refused[index]!;
      if (fields.length === 0) return engineResults[saved.indexOf(index)]!;
      const error = cannotWriteFields(fields);
      return {
        id: null,
        success: false,
        errors: [{ statusCode: error.errorCode, message: error.message, fields: error.fields }],
      };
    });
  }

  /** `values`: what each record writes (valuesOf), for insert, update and upsert. */
  private async runEngine(
    interpreter: Interpreter,
    operation: DmlOperation,
    records: ApexSObject[],
    values: Record<string, unknown>[] | null,
    allOrNone: boolean,
    externalIdField: string | null,
  ): Promise<DmlResult[]> {
    if (records.length === 0) return [];
    const options = { user: interpreter.context.runningUser, allOrNone };
    const idOf = (record: ApexSObject) => {
      const id = record.fields.get('id')?.value;
      return typeof id === 'string' ? id : '';
    };
    switch (operation) {
      case 'insert':
        return this.org.dml.insert(
          records.map((record, index) => ({ objectType: record.objectName, values: values![index]! })),
          options,
        );
      case 'update':
        return this.org.dml.update(
          records.map((record, index) => ({
            objectType: record.objectName,
            id: idOf(record),
            values: values![index]!,
          })),
          options,
        );
      case 'delete':
        return this.org.dml.delete(records.map(idOf), options);
      case 'undelete':
        return this.org.dml.undelete(records.map(idOf), options);
      case 'upsert': {
        const field = externalIdField ?? 'Id';
        return this.org.dml.upsert(
          records[0]!.objectName,
          field,
          records.map((record, index) => ({
            ...values![index]!,
            ...(field === 'Id' ? { Id: idOf(record) || null } : {}),
          })),
          options,
        );
      }
    }
  }

  /**
   * User mode: the running user must be allowed to create, edit or delete each object the records are of (else
   * System.SecurityException). Upsert and undelete in user mode, and DML on setup objects, are not modelled.
   */
  private checkObjectAccess(
    interpreter: Interpreter,
    operation: DmlOperation,
    records: readonly ApexSObject[],
    site: Site,
  ): void {
    if (operation === 'upsert' || operation === 'undelete') interpreter.unsupported(`${operation} in user mode`, site);
    for (const objectName of new Set(records.map((record) => record.objectName))) {
      const object = this.org.schema.object(objectName);
      if (!object || SETUP_OBJECTS.has(objectName.toLowerCase()))
        interpreter.unsupported(`DML on ${objectName} in user mode`, site);
      const denied = objectAccessDenied(interpreter.context.runningUser, object, operation);
      if (denied) interpreter.fail('SecurityException', denied, site);
    }
  }

  /** The field values DML writes: on insert every field set; on update the fields Apex code assigned. */
  private valuesOf(
    interpreter: Interpreter,
    record: ApexSObject,
    operation: 'insert' | 'update',
    site: Site,
  ): Record<string, unknown> {
    const values: Record<string, unknown> = {};
    for (const [lower, field] of record.fields) {
      if (lower === 'id' || field.value instanceof ApexSObject) continue;
      const schema = fieldOf(this.org.schema, record.objectName, field.name)?.schema;
      if (operation === 'update' && !record.assigned.has(lower)) continue;
      if (operation === 'insert' && !record.assigned.has(lower) && !schema?.createable) continue;
      // EventUuid is the platform's to fill; the runtime keeps the Apex-side value for publish callbacks.
      if (lower === 'eventuuid') continue;
      try {
        values[field.name] = toStoreValue(field.value);
      } catch {
        interpreter.unsupported(
          `storing a ${interpreter.runtimeTypeName(field.value)} in ${record.objectName}.${field.name}`,
          site,
        );
      }
    }
    return values;
  }

  // ---- System.runAs ------------------------------------------------------------------------------------------

  /**
   * Starts a block run as `user`, in its own mixed-DML scope (Apex Developer Guide, "Using the runAs Method": runAs
   * is for test methods only and lets a test mix setup and non-setup DML); returns what ends it. It does not reset
   * governor limits.
   */
  enterRunAs(interpreter: Interpreter, user: Value, site: Site): () => void {
    const context = interpreter.context;
    if (!context.isTest) interpreter.fail('UnexpectedException', 'System.runAs can only be used in test methods', site);
    if (!(user instanceof ApexSObject) || user.objectName !== 'User')
      return interpreter.unsupported('System.runAs of something other than a User', site);
    const id = user.fields.get('id')?.value;
    const runAs = (typeof id === 'string' && (context.createdUsers.get(id) ?? this.org.users.get(id))) || null;
    if (!runAs) return interpreter.unsupported('System.runAs of a User that was not inserted', site);
    const previous = context.runningUser;
    context.runningUser = runAs;
    context.mixedDml.push({ setupObject: null, nonSetupObject: null });
    return () => {
      context.mixedDml.pop();
      context.runningUser = previous;
    };
  }

  // ---- triggers ----------------------------------------------------------------------------------------------

  /**
   * Fires the program's after triggers on every DML the org makes while attached, in the running Apex transaction
   * (or a new one, for DML from the REST API). An exception in a trigger fails the DML; a LimitException also ends
   * the Apex transaction that made the DML.
   */
  attachTriggers(interpreter: Interpreter, newContext: (user: SandboxUser) => TransactionContext): () => void {
    return this.org.onAfterDml((event) => {
      const triggers = this.program.triggersOn(event.objectType, `after ${event.operation}`);
      if (triggers.length === 0) return;
      const context = interpreter.contexts.getStore() ?? this.contextOfDmlCall(event.user, newContext);
      // Apex Developer Guide, "Execution Governors and Limits": triggers that fire triggers through DML nest at most
      // 16 deep. The DML that would go deeper fails, and so, unless caught, does each DML below it.
      if (context.triggerStack.length >= MAX_TRIGGER_DEPTH) {
        const operation = event.operation[0]!.toUpperCase() + event.operation.slice(1);
        const ids = event.records.map((change) => String((change.new ?? change.old)!.Id));
        throw new TriggerError(
          triggers[0]!.name,
          `maximum trigger depth exceeded ${event.objectType} trigger event After${operation} for [${ids.join(', ')}]`,
          true,
        );
      }
      return interpreter.contexts.run(context, () => runSteps(this.triggerRuns(interpreter, context, triggers, event)));
    });
  }

  /** The triggers on one chunk, in order: synchronously unless one waits for the org. */
  private *triggerRuns(
    interpreter: Interpreter,
    context: TransactionContext,
    triggers: readonly TriggerDecl[],
    event: AfterDmlEvent,
  ): Step<void> {
    const variables = new AfterTriggerVariables(this.org.schema, event);
    for (const trigger of triggers) {
      try {
        yield* interpreter.runTrigger(trigger, variables);
      } catch (error) {
        if (error instanceof ApexThrow) {
          if (error.uncatchable) context.pendingFatal = error;
          // Salesforce shows the stack down to the trigger, not the code whose DML fired it.
          const bottom = error.stack_.findIndex((line) => line.startsWith('Trigger.'));
          throw new TriggerError(trigger.name, `${error.message}\n\n${error.stack_.slice(0, bottom + 1).join('\n')}`);
        }
        throw error;
      }
    }
  }

  /**
   * DML from outside Apex (REST, Bulk API, the code API): one Apex transaction per org transaction, so the
   * trigger chunks of one call share statics and limits as they do in an org.
   */
  private contextOfDmlCall(
    user: SandboxUser,
    newContext: (user: SandboxUser) => TransactionContext,
  ): TransactionContext {
    const log = this.org.transactions.currentLog();
    if (!log) return newContext(user);
    let context = this.externalContexts.get(log);
    if (!context) this.externalContexts.set(log, (context = newContext(user)));
    return context;
  }
}

function fromEngine(result: DmlResult): ApexDmlResult {
  return {
    id: result.id ?? null,
    success: result.success,
    ...(result.created === undefined ? {} : { created: result.created }),
    errors: result.errors.map((error) => ({
      statusCode: error.errorCode,
      message: error.message,
      fields: error.fields,
    })),
  };
}
