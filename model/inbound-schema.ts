/**
 * The shape of the connector model's `inbound` key: how Gentrack's webhook events change Salesforce records. Rules
 * that need the rest of the model (the object is synced, the field is Gentrack-mastered, a picklist value exists)
 * live in resolve-inbound.ts.
 */
import { z } from 'zod';
import { GENTRACK_READ_OPERATION_NAMES } from './gentrack-operations.js';

/** Same grammar as the `gentrack:` paths of fields: dot-separated property names. */
const DATA_PATH = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;

export const INBOUND_DELIVERY_TARGETS = ['relay', 'apex'] as const;
export type InboundDeliveryTarget = (typeof INBOUND_DELIVERY_TARGETS)[number];

export const TASK_PRIORITIES = ['High', 'Normal', 'Low'] as const;
export type TaskPriority = (typeof TASK_PRIORITIES)[number];

const dataPath = (what: string) =>
  z.string().regex(DATA_PATH, `${what} must be a property path such as accountNumber or switch.date`);

/** One field an event sets: a constant (`value`, null clears the field) or a property of the event's data (`from`). */
const fieldSourceSchema = z
  .strictObject({
    value: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional(),
    from: dataPath('from').optional(),
  })
  .refine(
    (source) => 'value' in source !== 'from' in source,
    'give either value (a constant; null clears the field) or from (a property path in the event data), not both',
  );
export type InboundFieldSourceInput = z.infer<typeof fieldSourceSchema>;

const taskSchema = z.strictObject({
  /** `{path}` is replaced by that property of the event data, e.g. "Switch away from account {accountNumber}". */
  subject: z.string().min(1).max(255),
  description: z.string().min(1).max(32000).optional(),
  priority: z
    .enum(TASK_PRIORITIES, { error: `priority must be one of ${TASK_PRIORITIES.join(', ')}` })
    .default('Normal'),
  /** Due date: the event's createdAt date plus this many days; no due date when absent. */
  dueInDays: z.number().int().min(0).max(365).optional(),
});
export type TaskInput = z.infer<typeof taskSchema>;

const eventRuleSchema = z
  .strictObject({
    /** The record the event changes, found by its External ID: the value at `reference` in the event's data. */
    record: z.strictObject({
      object: z.string().min(1),
      reference: dataPath('reference'),
    }),
    /** Read the entity from Gentrack by that reference and apply the object's Gentrack-mastered fields. */
    read: z
      .enum(GENTRACK_READ_OPERATION_NAMES as [string, ...string[]], {
        error: (issue) =>
          `unknown Gentrack read operation ${JSON.stringify(issue.input)}; known: ${GENTRACK_READ_OPERATION_NAMES.join(', ')}`,
      })
      .optional(),
    /** Gentrack-mastered fields of the record and where their values come from. */
    set: z.record(z.string(), fieldSourceSchema).optional(),
    followUps: z
      .array(z.strictObject({ task: taskSchema }))
      .min(1)
      .optional(),
  })
  .refine(
    (rule) => rule.set !== undefined || rule.read !== undefined,
    'an event needs set, read or both: otherwise it changes nothing',
  );
export type InboundEventRuleInput = z.infer<typeof eventRuleSchema>;

export const inboundSchema = z.strictObject({
  /**
   * relay: the relay applies events (sObject Collections upsert as the integration user). apex: the relay hands each
   * verified event to the generated Apex REST endpoint, which applies the same rules in the org.
   */
  deliverTo: z
    .enum(INBOUND_DELIVERY_TARGETS, { error: `deliverTo must be one of ${INBOUND_DELIVERY_TARGETS.join(', ')}` })
    .default('relay'),
  events: z
    .record(z.string(), eventRuleSchema)
    .refine((events) => Object.keys(events).length > 0, 'map at least one event type, or leave out inbound'),
});
export type InboundInput = z.infer<typeof inboundSchema>;
