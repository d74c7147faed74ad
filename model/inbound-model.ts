/**
 * The resolved `inbound` key of the connector model: per Gentrack event type, the Salesforce record it changes, the
 * Gentrack-mastered fields it sets and what follows. The relay applies it (relay/src/to-salesforce/inbound-plan.ts) and,
 * with `deliverTo: apex`, the generated Apex REST endpoint does.
 */
import type { GentrackEventType } from './gentrack-event-types.js';
import type { GentrackReadOperationName } from './gentrack-operations.js';
import type { InboundDeliveryTarget, TaskPriority } from './inbound-schema.js';
import type { DescribeFieldType } from './standard-objects.js';

export interface InboundModel {
  readonly deliverTo: InboundDeliveryTarget;
  /** In model order. */
  readonly events: readonly InboundEventRule[];
}

export interface InboundEventRule {
  readonly eventType: GentrackEventType;
  /** The synced object whose record the event changes. */
  readonly object: string;
  /** The External ID field the record is found (upserted) by. */
  readonly externalIdField: string;
  /** Property path in the event's `data` that holds the record's Gentrack reference. */
  readonly referencePath: string;
  /** Read the entity from Gentrack and apply the object's Gentrack-mastered fields. */
  readonly read?: {
    readonly operation: GentrackReadOperationName;
    readonly method: 'GET';
    /** Below the tenant's base URI, `{ref}` where the reference goes. */
    readonly path: string;
  };
  readonly set: readonly InboundFieldRule[];
  readonly tasks: readonly TaskFollowUp[];
}

export type InboundFieldSource =
  | { readonly kind: 'value'; readonly value: string | number | boolean | null }
  | { readonly kind: 'data'; readonly path: string };

export interface InboundFieldRule {
  readonly field: string;
  readonly describeType: DescribeFieldType;
  readonly source: InboundFieldSource;
}

/** A Task for the record's owner, related to the record. */
export interface TaskFollowUp {
  /** May hold `{path}` placeholders, filled from the event's data. */
  readonly subject: string;
  readonly description?: string;
  readonly priority: TaskPriority;
  readonly dueInDays?: number;
}

export function inboundRuleFor(inbound: InboundModel | undefined, eventType: string): InboundEventRule | undefined {
  return inbound?.events.find((rule) => rule.eventType === eventType);
}

/** `{accountNumber}`, `{switch.date}`: placeholders of a task text. */
export const TEMPLATE_PLACEHOLDER = /\{([^{}]*)\}/g;
