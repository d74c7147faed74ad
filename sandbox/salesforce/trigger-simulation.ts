/**
 * SIMULATES the generated Apex (GentrackTriggerHandler + GentrackCallout) in the sandbox org, from the same connector model,
 * so end-to-end tests exercise the real loop: a record change through REST publishes Gentrack_Object_Event__e on the
 * sandbox Pub/Sub bus exactly as the triggers would in an org. No Apex runs here; the Apex itself is verified by
 * the offline checks and by its own tests in an org. Keep this file in step with the Apex templates in
 * generators/templates/apex/ (ObjectTriggerHandler.cls.hbs, GentrackCallout.cls.hbs).
 */
import { randomUUID } from 'node:crypto';
import {
  BYPASS_PERMISSION,
  EVENT_FIELDS,
  EVENT_OPERATION_TYPES,
  EXTERNAL_ID_FIELD,
  KILL_SWITCH_FIELD,
  PLATFORM_EVENT,
  REFERENCES_KEY,
  SETTINGS_OBJECT,
} from '../../model/connector-fields.js';
import { findObject, trackedFields, type ConnectorModel, type SyncedObject } from '../../model/connector-model.js';
import type { AfterDmlEvent } from './org/dml-engine.js';
import type { SandboxOrg } from './org/sandbox-org.js';
import type { SandboxUser } from './org/users.js';

/** Where simulated events go: the sandbox event bus, with the publishing user. */
export type EventSink = (events: Record<string, unknown>[], user: SandboxUser) => void;

export interface TriggerSimulation {
  /** Publish calls made (one per trigger invocation that published), like GentrackCallout.publishCalls. */
  readonly publishCalls: number;
  detach(): void;
}

export function simulateConnectorTriggers(
  org: SandboxOrg,
  model: ConnectorModel,
  publish: EventSink,
): TriggerSimulation {
  let publishCalls = 0;
  const detach = org.onAfterDml((event) => {
    const object = findObject(model, event.objectType);
    if (!object || !object.triggerEvents.includes(event.operation) || !publishingAllowed(org, event.user)) return;
    const events = eventsFor(org, model, object, event);
    if (events.length === 0) return;
    publishCalls++;
    publish(events, event.user);
  });
  return {
    get publishCalls() {
      return publishCalls;
    },
    detach,
  };
}

function publishingAllowed(org: SandboxOrg, user: SandboxUser): boolean {
  if (user.hasCustomPermission(BYPASS_PERMISSION)) return false;
  const settings = org.customSettings.getInstance(SETTINGS_OBJECT, user) as Record<string, unknown> | undefined;
  return settings?.[KILL_SWITCH_FIELD] !== true;
}

function eventsFor(
  org: SandboxOrg,
  model: ConnectorModel,
  object: SyncedObject,
  event: AfterDmlEvent,
): Record<string, unknown>[] {
  const operationType = EVENT_OPERATION_TYPES[event.operation];
  const tracked = trackedFields(object).map((field) => field.name);
  const lookups = object.fields.filter((field) => field.references);
  const changedAt = org.now();
  const events: Record<string, unknown>[] = [];
  for (const { old: before, new: after } of event.records) {
    const current = event.operation === 'delete' ? before! : after!;
    let changedFields: string[] | null = null;
    if (event.operation === 'update') {
      changedFields = tracked.filter((name) => !sameValue(before?.[name], after?.[name]));
      if (changedFields.length === 0) continue;
    }
    const payloadOf = (record: Record<string, unknown>) => {
      const payload: Record<string, unknown> = {
        Id: record.Id,
        [EXTERNAL_ID_FIELD]: record[EXTERNAL_ID_FIELD] ?? null,
      };
      for (const name of tracked) payload[name] = record[name] ?? null;
      if (lookups.length > 0) {
        payload[REFERENCES_KEY] = Object.fromEntries(
          lookups.map((field) => {
            const parentId = record[field.name];
            const parent = typeof parentId === 'string' ? org.get(field.references!.object, parentId) : undefined;
            return [field.name, (parent?.[EXTERNAL_ID_FIELD] as string | undefined) ?? null];
          }),
        );
      }
      return payload;
    };
    const values = payloadOf(current);
    const oldValues = event.operation === 'delete' ? values : event.operation === 'update' ? payloadOf(before!) : null;
    const newValues = event.operation === 'delete' ? null : values;
    events.push(
      ...toEvents(model.event.payloadFieldLength, {
        objectType: object.name,
        operationType,
        recordId: String(current.Id),
        oldJson: oldValues && JSON.stringify(oldValues),
        newJson: newValues && JSON.stringify(newValues),
        changedFields,
        changedBy: event.user.username,
        changedAt,
      }),
    );
  }
  return events;
}

interface SimulatedChange {
  objectType: string;
  operationType: string;
  recordId: string;
  oldJson: string | null;
  newJson: string | null;
  changedFields: string[] | null;
  changedBy: string;
  changedAt: number;
}

/** GentrackCallout.toEvents: one message per part; all parts share the first part's UUID as transaction id. */
export function toEvents(partLength: number, change: SimulatedChange): Record<string, unknown>[] {
  const oldParts = splitText(change.oldJson, partLength);
  const newParts = splitText(change.newJson, partLength);
  const partTotal = Math.max(1, oldParts.length, newParts.length);
  const transactionId = randomUUID();
  return Array.from({ length: partTotal }, (_, index) => ({
    [EVENT_FIELDS.operationType]: change.operationType,
    [EVENT_FIELDS.objectType]: change.objectType,
    [EVENT_FIELDS.recordId]: change.recordId,
    [EVENT_FIELDS.transactionId]: transactionId,
    [EVENT_FIELDS.partNumber]: index + 1,
    [EVENT_FIELDS.partTotal]: partTotal,
    [EVENT_FIELDS.oldPayload]: oldParts[index] ?? null,
    [EVENT_FIELDS.newPayload]: newParts[index] ?? null,
    [EVENT_FIELDS.changedFields]: change.changedFields ? change.changedFields.join(',') : null,
    [EVENT_FIELDS.changedBy]: change.changedBy,
    [EVENT_FIELDS.changedAt]: change.changedAt,
  }));
}

/** GentrackCallout.split: parts of at most `partLength` UTF-16 units, never cutting a surrogate pair. */
export function splitText(text: string | null, partLength: number): string[] {
  const parts: string[] = [];
  if (!text) return parts;
  let start = 0;
  while (start < text.length) {
    let finish = Math.min(start + partLength, text.length);
    const last = text.charCodeAt(finish - 1);
    if (finish < text.length && last >= 0xd800 && last <= 0xdbff) finish--;
    parts.push(text.slice(start, finish));
    start = finish;
  }
  return parts;
}

/** GentrackTriggerHandler.sameValue: strings compare case-sensitively (Apex's == would not). */
function sameValue(before: unknown, after: unknown): boolean {
  return (before ?? null) === (after ?? null);
}

export const SIMULATED_EVENT_TOPIC = `/event/${PLATFORM_EVENT}`;
