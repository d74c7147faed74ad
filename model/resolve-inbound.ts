/**
 * Resolves the model's `inbound` key against the synced objects: event types must be Gentrack's, records must be
 * synced objects (they have the External ID), events may set Gentrack-mastered fields only (Salesforce owns the
 * rest), constants must fit their field, and task follow-ups need records that have an owner.
 */
import { CONNECTOR_FIELDS, EXTERNAL_ID_FIELD } from './connector-fields.js';
import type { MappedField, SyncedObject } from './connector-model.js';
import { GENTRACK_EVENT_TYPES, isGentrackEventType } from './gentrack-event-types.js';
import { GENTRACK_READ_OPERATIONS, type GentrackReadOperationName } from './gentrack-operations.js';
import {
  TEMPLATE_PLACEHOLDER,
  type InboundEventRule,
  type InboundFieldRule,
  type InboundModel,
  type TaskFollowUp,
} from './inbound-model.js';
import type { InboundEventRuleInput, InboundFieldSourceInput, InboundInput } from './inbound-schema.js';
import { findStandardField } from './standard-objects.js';

type ModelPath = readonly (string | number)[];
type Report = (path: ModelPath, message: string) => void;

const DATA_PATH = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const NUMERIC_TYPES = new Set(['double', 'currency', 'percent', 'int']);
const TEXT_TYPES = new Set(['string', 'textarea', 'email', 'phone', 'url', 'picklist', 'multipicklist']);

export function resolveInbound(input: InboundInput, objects: readonly SyncedObject[], report: Report): InboundModel {
  const events: InboundEventRule[] = [];
  for (const [eventType, rule] of Object.entries(input.events)) {
    const at: ModelPath = ['inbound', 'events', eventType];
    if (!isGentrackEventType(eventType)) {
      report(at, `unknown Gentrack event type "${eventType}"; Gentrack sends ${GENTRACK_EVENT_TYPES.join(', ')}`);
      continue;
    }
    const resolved = resolveEventRule(eventType, rule, objects, at, report);
    if (resolved) events.push(resolved);
  }
  return { deliverTo: input.deliverTo, events };
}

function resolveEventRule(
  eventType: InboundEventRule['eventType'],
  input: InboundEventRuleInput,
  objects: readonly SyncedObject[],
  at: ModelPath,
  report: Report,
): InboundEventRule | undefined {
  const object = objects.find((candidate) => candidate.name === input.record.object);
  if (!object) {
    report(
      [...at, 'record', 'object'],
      `${input.record.object} is not a synced object of this model, so it has no ${EXTERNAL_ID_FIELD} to find the record by (synced: ${objects.map((o) => o.name).join(', ')})`,
    );
    return undefined;
  }
  const mastered = object.fields.filter((field) => field.master === 'Gentrack');

  let read: InboundEventRule['read'];
  if (input.read !== undefined) {
    const operation = input.read as GentrackReadOperationName;
    if (mastered.length === 0) {
      report(
        [...at, 'read'],
        `${object.name} has no Gentrack-mastered fields, so reading the entity from Gentrack would change nothing`,
      );
    }
    read = { operation, method: 'GET', path: GENTRACK_READ_OPERATIONS[operation].path };
  }

  const set: InboundFieldRule[] = [];
  for (const [fieldName, source] of Object.entries(input.set ?? {})) {
    const resolved = resolveFieldRule(object, fieldName, source, [...at, 'set', fieldName], report);
    if (resolved) set.push(resolved);
  }

  const tasks: TaskFollowUp[] = [];
  (input.followUps ?? []).forEach((followUp, index) => {
    const taskAt: ModelPath = [...at, 'followUps', index, 'task'];
    if (!findStandardField(object.name, 'OwnerId')) {
      report(taskAt, `${object.name} records have no owner, so there is nobody to assign a Task to`);
      return;
    }
    for (const key of ['subject', 'description'] as const) {
      const text = followUp.task[key];
      if (text === undefined) continue;
      for (const [, placeholder] of text.matchAll(TEMPLATE_PLACEHOLDER)) {
        if (!DATA_PATH.test(placeholder!)) {
          report(
            [...taskAt, key],
            `{${placeholder}} is not a property path of the event data (write e.g. {accountNumber})`,
          );
        }
      }
    }
    tasks.push(
      definedOnly({
        subject: followUp.task.subject,
        description: followUp.task.description,
        priority: followUp.task.priority,
        dueInDays: followUp.task.dueInDays,
      }),
    );
  });

  return definedOnly({
    eventType,
    object: object.name,
    externalIdField: object.externalId.field,
    referencePath: input.record.reference,
    read,
    set,
    tasks,
  });
}

function resolveFieldRule(
  object: SyncedObject,
  fieldName: string,
  input: InboundFieldSourceInput,
  at: ModelPath,
  report: Report,
): InboundFieldRule | undefined {
  if ((CONNECTOR_FIELDS as readonly string[]).some((reserved) => reserved.toLowerCase() === fieldName.toLowerCase())) {
    report(at, `${fieldName} is the connector's own field; the relay maintains it`);
    return undefined;
  }
  const field = object.fields.find((candidate) => candidate.name === fieldName);
  if (!field) {
    report(
      at,
      `${fieldName} is not a mapped field of ${object.name}: add it under objects.${object.name}.fields with master: Gentrack`,
    );
    return undefined;
  }
  if (field.master !== 'Gentrack') {
    report(at, `${fieldName} is mastered by Salesforce: Gentrack events may only set Gentrack-mastered fields`);
    return undefined;
  }
  if (!('value' in input))
    return { field: fieldName, describeType: field.describeType, source: { kind: 'data', path: input.from! } };
  const value = input.value ?? null;
  const problem = value === null ? undefined : constantProblem(field, value);
  if (problem) report([...at, 'value'], problem);
  return { field: fieldName, describeType: field.describeType, source: { kind: 'value', value } };
}

/** Why a constant cannot go into the field, or undefined when it fits. */
function constantProblem(field: MappedField, value: string | number | boolean): string | undefined {
  const type = field.describeType;
  if (type === 'boolean')
    return typeof value === 'boolean' ? undefined : `${field.name} is a checkbox: the value must be true or false`;
  if (NUMERIC_TYPES.has(type))
    return typeof value === 'number' ? undefined : `${field.name} is a number: the value must be a number`;
  if (type === 'date') {
    return typeof value === 'string' && ISO_DATE.test(value)
      ? undefined
      : `${field.name} is a date: write the value as YYYY-MM-DD`;
  }
  if (TEXT_TYPES.has(type) && typeof value !== 'string') return `${field.name} takes text: quote the value`;
  const allowed = field.custom?.values;
  if (type === 'picklist' && allowed && !allowed.includes(String(value))) {
    return `"${value}" is not a value of the picklist ${field.name} (${allowed.join(', ')})`;
  }
  const length = field.custom?.length;
  if (typeof value === 'string' && length !== undefined && value.length > length) {
    return `the value is longer than ${field.name} allows (${length} characters)`;
  }
  return undefined;
}

function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
