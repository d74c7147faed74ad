/**
 * Trigger context variables (Apex Developer Guide, "Trigger Context Variables") of one after-trigger invocation.
 * The record lists and maps are built when the trigger first reads them, and a list's records when Apex first reads its
 * elements: a bulk load fires the triggers on every chunk of 200, the connector's handler reads Trigger.new and
 * Trigger.oldMap only, and a handler that finds publishing disabled never reads a record, so building the rest was
 * work nobody used. After-trigger records are read-only.
 */
import type { AfterDmlEvent } from '../org/dml-engine.js';
import type { OrgSchema } from '../org/schema.js';
import { sObjectFromRow } from './sobject-fields.js';
import { ApexEnum, ApexList, ApexMap, typeRef, type ApexSObject, type Value } from './values.js';

const TRIGGER_OPERATIONS: Readonly<Record<string, string>> = {
  insert: 'AFTER_INSERT',
  update: 'AFTER_UPDATE',
  delete: 'AFTER_DELETE',
  undelete: 'AFTER_UNDELETE',
};
/** System.TriggerOperation's ordinals: the before operations come first. */
const ORDINAL_OFFSET = 3;

/** What the interpreter reads: a variable by lower-cased name, and all of them (the heap estimate). */
export interface TriggerVariables {
  get(name: string): Value | undefined;
  values(): Iterable<Value>;
}

const NAMES = [
  'new',
  'old',
  'newmap',
  'oldmap',
  'operationtype',
  'isinsert',
  'isupdate',
  'isdelete',
  'isundelete',
  'isbefore',
  'isafter',
  'isexecuting',
  'size',
] as const;

export class AfterTriggerVariables implements TriggerVariables {
  private readonly built = new Map<string, Value>();

  constructor(
    private readonly schema: OrgSchema,
    private readonly event: AfterDmlEvent,
  ) {}

  get(name: string): Value | undefined {
    if (this.built.has(name)) return this.built.get(name);
    const value = this.build(name);
    if (value !== undefined) this.built.set(name, value);
    return value;
  }

  *values(): Iterable<Value> {
    for (const name of NAMES) yield this.get(name)!;
  }

  private build(name: string): Value | undefined {
    const { operation, records } = this.event;
    switch (name) {
      case 'new':
        return operation === 'delete' ? null : this.recordList('new');
      case 'old':
        return operation === 'update' || operation === 'delete' ? this.recordList('old') : null;
      case 'newmap':
        return operation === 'delete' ? null : this.recordMap(this.get('new') as ApexList);
      case 'oldmap':
        return operation === 'update' || operation === 'delete' ? this.recordMap(this.get('old') as ApexList) : null;
      case 'operationtype': {
        const constant = TRIGGER_OPERATIONS[operation]!;
        const ordinal = Object.values(TRIGGER_OPERATIONS).indexOf(constant) + ORDINAL_OFFSET;
        return new ApexEnum('System.TriggerOperation', constant, ordinal);
      }
      case 'isinsert':
        return operation === 'insert';
      case 'isupdate':
        return operation === 'update';
      case 'isdelete':
        return operation === 'delete';
      case 'isundelete':
        return operation === 'undelete';
      case 'isbefore':
        return false;
      case 'isafter':
      case 'isexecuting':
        return true;
      case 'size':
        return records.length;
      default:
        return undefined;
    }
  }

  private recordList(side: 'new' | 'old'): ApexList {
    const { objectType, records } = this.event;
    return new ApexList(typeRef(objectType), () =>
      records.map((change) => sObjectFromRow(this.schema, objectType, change[side]!, false, true)),
    );
  }

  /** Keyed by the rows' ids, so building the map converts no record. */
  private recordMap(list: ApexList): ApexMap {
    const map = new ApexMap(typeRef('Id'), typeRef(this.event.objectType));
    const items = list.items as ApexSObject[];
    this.event.records.forEach((change, index) => {
      const id = String((change.new ?? change.old)!.Id);
      map.entries.set(`s:${id}`, [id, items[index]!]);
    });
    return map;
  }
}
