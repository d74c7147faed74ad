/**
 * The shape of config/connector.yaml, checked field by field. Rules that need more than one value at a time (a
 * standard field that must exist, a reference to another synced object, duplicate names) live in validate-model.ts.
 */
import { z } from 'zod';
import {
  DEPRECATED_OPERATION_NAMES,
  GENTRACK_OPERATION_NAMES,
  GENTRACK_READ_OPERATION_NAMES,
} from './gentrack-operations.js';
import { gentrackApiSchema } from './gentrack-api-schema.js';
import { inboundSchema } from './inbound-schema.js';

/** Salesforce API names: a letter first, then letters, digits and single underscores, no trailing underscore. */
const API_NAME = /^[A-Za-z](?:[A-Za-z0-9]|_(?!_))*(?<!_)$/;
const CUSTOM_FIELD_NAME = /^([A-Za-z](?:[A-Za-z0-9]|_(?!_))*(?<!_))__c$/;
const GENTRACK_PATH = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;

export const MAX_LABEL_LENGTH = 40;
export const MAX_CUSTOM_NAME_LENGTH = 40;

export const CUSTOM_FIELD_TYPES = [
  'Text',
  'TextArea',
  'LongTextArea',
  'Number',
  'Currency',
  'Percent',
  'Checkbox',
  'Date',
  'DateTime',
  'Email',
  'Phone',
  'Url',
  'Picklist',
] as const;
export type CustomFieldType = (typeof CUSTOM_FIELD_TYPES)[number];

export const MASTERS = ['Salesforce', 'Gentrack'] as const;
export type Master = (typeof MASTERS)[number];

export const DML_OPERATIONS = ['insert', 'update', 'delete', 'undelete'] as const;
export type DmlOperation = (typeof DML_OPERATIONS)[number];

export function isCustomName(name: string): boolean {
  return name.endsWith('__c');
}

export const apiNameSchema = z.string().superRefine((name, ctx) => {
  const custom = CUSTOM_FIELD_NAME.exec(name);
  if (custom) {
    if (custom[1]!.length > MAX_CUSTOM_NAME_LENGTH) {
      ctx.addIssue({
        code: 'custom',
        message: `API name "${name}" is too long: at most ${MAX_CUSTOM_NAME_LENGTH} characters before __c`,
      });
    }
    return;
  }
  if (!API_NAME.test(name)) {
    ctx.addIssue({
      code: 'custom',
      message: `"${name}" is not a legal Salesforce API name: start with a letter, then letters, digits and single underscores; custom fields end in __c`,
    });
  }
});

const labelSchema = z
  .string()
  .min(1, 'a label cannot be empty')
  .max(MAX_LABEL_LENGTH, `a label is at most ${MAX_LABEL_LENGTH} characters`);

const referenceSchema = z.strictObject({
  object: z.string(),
  field: z.string(),
});

const fieldSchema = z
  .strictObject({
    master: z.enum(MASTERS, { error: `master must be one of ${MASTERS.join(', ')}` }),
    gentrack: z.string().regex(GENTRACK_PATH, 'gentrack must be a property path such as account.name'),
    references: referenceSchema.optional(),
    // Custom fields only (the generator creates them):
    type: z.enum(CUSTOM_FIELD_TYPES, { error: `type must be one of ${CUSTOM_FIELD_TYPES.join(', ')}` }).optional(),
    label: labelSchema.optional(),
    description: z.string().max(1000).optional(),
    length: z.number().int().optional(),
    precision: z.number().int().optional(),
    scale: z.number().int().optional(),
    visibleLines: z.number().int().min(1).max(50).optional(),
    values: z.array(z.string().min(1).max(255)).min(1).optional(),
    defaultValue: z.boolean().optional(),
  })
  .superRefine((field, ctx) => {
    const problem = customFieldAttributeProblem(field);
    if (problem) ctx.addIssue({ code: 'custom', message: problem.message, path: problem.path });
  });
export type FieldInput = z.infer<typeof fieldSchema>;

/** Checks a custom field's type attributes; returns the first problem, or undefined when they fit the type. */
function customFieldAttributeProblem(field: FieldInput): { message: string; path: string[] } | undefined {
  const { type } = field;
  if (type === undefined) return undefined;
  const range = (name: 'length' | 'precision', min: number, max: number) => {
    const value = field[name];
    if (value === undefined) return { message: `${type} fields need ${name} (${min}..${max})`, path: [name] };
    if (value < min || value > max) {
      return { message: `${type} ${name} must be ${min}..${max} (got ${value})`, path: [name] };
    }
    return undefined;
  };
  switch (type) {
    case 'Text':
      return range('length', 1, 255);
    case 'LongTextArea':
      return range('length', 256, 131072);
    case 'Number':
    case 'Currency':
    case 'Percent': {
      const precision = range('precision', 1, 18);
      if (precision) return precision;
      if ((field.scale ?? 0) < 0 || (field.scale ?? 0) > field.precision!) {
        return { message: `scale must be 0..precision (${field.precision})`, path: ['scale'] };
      }
      return undefined;
    }
    case 'Picklist':
      if (!field.values) return { message: 'Picklist fields need values', path: ['values'] };
      return undefined;
    default:
      return undefined;
  }
}

const operationRuleSchema = z.strictObject({
  // Deprecated names are accepted here and renamed, with a warning, before the model is resolved.
  operation: z.enum(
    [...GENTRACK_OPERATION_NAMES, ...Object.keys(DEPRECATED_OPERATION_NAMES)] as [string, ...string[]],
    {
      error: (issue) =>
        `unknown Gentrack operation ${JSON.stringify(issue.input)}; known operations: ${GENTRACK_OPERATION_NAMES.join(', ')}`,
    },
  ),
  /** The rule fires when one of these fields changed (updates only; default: any Salesforce-mastered field). */
  whenChanged: z.array(z.string()).min(1).optional(),
  /** The field whose Gentrack reference fills {ref} in the operation's path (default: the External ID). */
  ref: z.string().optional(),
  /** Salesforce field <- property path in Gentrack's response, written back by the relay. */
  writeBack: z.record(z.string(), z.string().regex(GENTRACK_PATH, 'a response property path')).optional(),
});
export type OperationRuleInput = z.infer<typeof operationRuleSchema>;

const rulesSchema = z.union([operationRuleSchema, z.array(operationRuleSchema).min(1)]);

const objectSchema = z.strictObject({
  externalId: z.strictObject({
    label: labelSchema,
    length: z.number().int().min(1).max(255),
    description: z.string().max(1000).optional(),
    /** Property path of the reference in Gentrack records, e.g. accountNumber (the initial synchronisation reads it). */
    gentrack: z.string().regex(GENTRACK_PATH, 'gentrack must be a property path such as accountNumber').optional(),
  }),
  fields: z.record(apiNameSchema, fieldSchema),
  operations: z
    .strictObject({
      insert: rulesSchema.optional(),
      update: rulesSchema.optional(),
      delete: rulesSchema.optional(),
      undelete: rulesSchema.optional(),
    })
    .refine((ops) => Object.keys(ops).length > 0, 'map at least one of insert, update, delete, undelete'),
});
export type ObjectInput = z.infer<typeof objectSchema>;

/** A Gentrack tenant id as the relay's sync-jobs API puts it in its path (`/v1/salesforce/instances/:id`). */
const TENANT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * Where Salesforce reaches the relay for on-demand syncs (the Named Credential Gentrack_Relay, the LWC sync button).
 * Optional: without it nothing for on-demand sync is generated.
 */
const relaySchema = z.strictObject({
  /** The relay's public address; Salesforce callouts need https. */
  baseUrl: z
    .url({ protocol: /^https$/, error: 'baseUrl must be an https URL such as https://relay.example.com' })
    .refine((url) => !/[?#]/.test(url), 'baseUrl takes no query or fragment')
    .transform((url) => url.replace(/\/+$/, '')),
  /** The relay's `tenantId` (its relay configuration): the `:id` of /v1/salesforce/instances/:id. */
  tenantId: z
    .string()
    .regex(TENANT_ID, 'tenantId is the relay\'s tenantId: letters, digits, ".", "_" and "-", at most 64'),
  /** Objects with the "Sync with Gentrack" button, each with the Gentrack operation that reads one entity. */
  onDemandSync: z
    .record(
      apiNameSchema,
      z.strictObject({
        read: z.enum(GENTRACK_READ_OPERATION_NAMES as [string, ...string[]], {
          error: (issue) =>
            `unknown Gentrack read operation ${JSON.stringify(issue.input)}; known: ${GENTRACK_READ_OPERATION_NAMES.join(', ')}`,
        }),
      }),
    )
    .refine((objects) => Object.keys(objects).length > 0, 'name at least one object, or leave out onDemandSync'),
});
export type RelayInput = z.infer<typeof relaySchema>;

export const connectorModelSchema = z.strictObject({
  version: z.literal(1, { error: 'version must be 1' }),
  apiVersion: z
    .string()
    .regex(/^\d{2,3}\.0$/, 'apiVersion looks like "62.0"')
    .refine((v) => Number(v) >= 62, 'apiVersion must be 62.0 or later'),
  event: z.strictObject({
    publishBehavior: z.enum(['PublishImmediately', 'PublishAfterCommit']),
    payloadFieldLength: z.number().int().min(256).max(131072),
  }),
  objects: z.record(apiNameSchema, objectSchema).refine((o) => Object.keys(o).length > 0, 'sync at least one object'),
  /** Names of the generated Apex: the prefix keeps the trigger handler and triggers apart from an org's own. */
  apex: z
    .strictObject({
      namePrefix: z
        .string()
        .regex(
          /^[A-Z][A-Za-z0-9]{1,19}$/,
          'namePrefix is 2 to 20 letters and digits, starting with a capital, e.g. Gentrack',
        ),
    })
    .optional(),
  relay: relaySchema.optional(),
  /** Gentrack -> Salesforce: how Gentrack's webhook events change records (see inbound-schema.ts). */
  inbound: inboundSchema.optional(),
  /** Salesforce -> Gentrack API calls through the relay's gateway (see gentrack-api-schema.ts). */
  gentrackApi: gentrackApiSchema.optional(),
});
export type ConnectorModelInput = z.infer<typeof connectorModelSchema>;
