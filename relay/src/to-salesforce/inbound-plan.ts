/**
 * Gentrack event -> Salesforce change, the pure part: which record (object and External ID value), which
 * Gentrack-mastered fields with which values, which Gentrack read to make first, which Tasks follow. No I/O, so every
 * rule is tested without a server. (The entity a read returns is mapped by gentrack-entity-fields.ts; which fields
 * a newer value has already set is newer-wins.ts's rule.)
 */
import { findObject, type ConnectorModel, type SyncedObject } from '../../../model/connector-model.js';
import {
  inboundRuleFor,
  TEMPLATE_PLACEHOLDER,
  type InboundEventRule,
  type TaskFollowUp,
} from '../../../model/inbound-model.js';
import type { GentrackEnvelope } from './webhooks/gentrack-envelope.js';
import { getAtPath } from '../../../model/property-path.js';
import { RelayError } from '../platform/errors.js';
import { recordKey } from './record-locks.js';

export const INBOUND_EVENT_ERROR_CODES = ['NO_MAPPING', 'REFERENCE_MISSING'] as const;
export type InboundEventErrorCode = (typeof INBOUND_EVENT_ERROR_CODES)[number];

/** An event that can never be applied as it is: it is dead-lettered at once, with this code. */
export class InboundEventError extends RelayError {
  constructor(
    readonly code: InboundEventErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'InboundEventError';
  }
}

export interface PlannedTask {
  readonly Subject: string;
  readonly Description?: string;
  readonly Priority: TaskFollowUp['priority'];
  /** YYYY-MM-DD */
  readonly ActivityDate?: string;
}

export interface InboundPlan {
  readonly eventId: string;
  readonly eventType: string;
  readonly createdAtMs: number;
  readonly objectType: string;
  readonly externalIdField: string;
  /** The record's Gentrack reference: its External ID value. */
  readonly reference: string;
  /** `objectType:reference`: events of one record are never worked on at the same time. */
  readonly recordKey: string;
  /** The Gentrack read to make first, its path filled in. */
  readonly read?: { readonly operation: string; readonly path: string };
  /** Field values the event itself gives (constants and its data); fields it does not mention are absent. */
  readonly fields: Readonly<Record<string, unknown>>;
  readonly tasks: readonly PlannedTask[];
}

export function planInboundEvent(model: ConnectorModel, envelope: GentrackEnvelope): InboundPlan {
  const rule = inboundRuleFor(model.inbound, envelope.eventType);
  if (!rule) {
    const mapped = model.inbound?.events.map((candidate) => candidate.eventType).join(', ') || 'none';
    throw new InboundEventError(
      'NO_MAPPING',
      `no inbound rule for Gentrack event type "${envelope.eventType}" in ${model.sourcePath} (mapped: ${mapped}); add one under inbound.events, regenerate, then retry this dead letter`,
    );
  }
  const object = findObject(model, rule.object)!;
  const reference = referenceOf(rule, object, envelope);
  const fields: Record<string, unknown> = {};
  for (const field of rule.set) {
    if (field.source.kind === 'value') fields[field.field] = field.source.value;
    else {
      const value = getAtPath(envelope.data, field.source.path);
      // Absent from the event means "not told": the field keeps its value.
      if (value !== undefined) fields[field.field] = value;
    }
  }
  return {
    eventId: envelope.eventId,
    eventType: envelope.eventType,
    createdAtMs: envelope.createdAtMs,
    objectType: object.name,
    externalIdField: rule.externalIdField,
    reference,
    recordKey: recordKey(object.name, reference),
    ...(rule.read
      ? {
          read: {
            operation: rule.read.operation,
            path: rule.read.path.replace('{ref}', encodeURIComponent(reference)),
          },
        }
      : {}),
    fields,
    tasks: rule.tasks.map((task) => plannedTask(task, envelope)),
  };
}

function referenceOf(rule: InboundEventRule, object: SyncedObject, envelope: GentrackEnvelope): string {
  const value = getAtPath(envelope.data, rule.referencePath);
  const reference = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
  if (typeof reference !== 'string' || reference.trim() === '') {
    throw new InboundEventError(
      'REFERENCE_MISSING',
      `${envelope.eventType} event ${envelope.eventId}: data.${rule.referencePath} must hold the ${object.label}'s Gentrack reference, but it is ${value === undefined ? 'absent' : 'empty or not text'}`,
    );
  }
  if (reference.length > object.externalId.length) {
    throw new InboundEventError(
      'REFERENCE_MISSING',
      `${envelope.eventType} event ${envelope.eventId}: data.${rule.referencePath} is ${reference.length} characters, longer than ${object.name}.${object.externalId.field} (${object.externalId.length})`,
    );
  }
  return reference;
}

const SUBJECT_LENGTH = 255;
const DESCRIPTION_LENGTH = 32_000;

function plannedTask(task: TaskFollowUp, envelope: GentrackEnvelope): PlannedTask {
  const fill = (text: string) =>
    text.replace(TEMPLATE_PLACEHOLDER, (_match, path: string) => {
      const value = getAtPath(envelope.data, path);
      return value === undefined || value === null || typeof value === 'object' ? '' : String(value);
    });
  const planned: { -readonly [K in keyof PlannedTask]: PlannedTask[K] } = {
    Subject: fill(task.subject).slice(0, SUBJECT_LENGTH),
    Priority: task.priority,
  };
  if (task.description !== undefined) planned.Description = fill(task.description).slice(0, DESCRIPTION_LENGTH);
  if (task.dueInDays !== undefined) {
    const due = new Date(envelope.createdAtMs + task.dueInDays * 24 * 60 * 60 * 1000);
    planned.ActivityDate = due.toISOString().slice(0, 10);
  }
  return planned;
}
