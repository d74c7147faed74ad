/**
 * The `gentrackApi` section of config/connector.yaml: which Gentrack operations Salesforce may call through the
 * relay's gateway (/v1/gentrack/...), how long the gateway may keep a GET's answer, and the Account page's billing
 * summary. Reads are open by default and writes closed: a write is opened per operation with `allow: true`.
 */
import { z } from 'zod';

export const MAX_CACHE_SECONDS = 3600;

const cacheSeconds = z
  .number('cacheSeconds must be a number of seconds')
  .int('cacheSeconds must be a whole number of seconds')
  .min(0, 'cacheSeconds must be 0 (no caching) or more')
  .max(MAX_CACHE_SECONDS, `cacheSeconds must be at most ${MAX_CACHE_SECONDS} (an hour)`);

const operationSettingSchema = z.strictObject({
  /** Reads default to true, writes to false. */
  allow: z.boolean('allow must be true or false').optional(),
  /** GET only: seconds the gateway may answer a repeated call from its cache (default: the section's). */
  cacheSeconds: cacheSeconds.optional(),
});

const accountSummarySchema = z.strictObject({
  /** How many of the newest bills the summary lists. */
  bills: z.number().int().min(1, 'bills must be 1 to 12').max(12, 'bills must be 1 to 12').default(3),
  /** How many of the newest payments (financial transactions of type Payment) it lists. */
  payments: z.number().int().min(1, 'payments must be 1 to 50').max(50, 'payments must be 1 to 50').default(5),
});

export const gentrackApiSchema = z.strictObject({
  /** Default lifetime of cached GET answers, in seconds (0: the gateway caches nothing unless an operation says). */
  cacheSeconds: cacheSeconds.default(0),
  /** Per operation of the table (model/gentrack-operations.ts): allow and cacheSeconds. */
  operations: z.record(z.string(), operationSettingSchema).default({}),
  /** The LWC gentrackAccountSummary on the Account record page; leave out (or false) to generate none. */
  accountSummary: z.union([accountSummarySchema, z.literal(false)]).optional(),
});
export type GentrackApiInput = z.infer<typeof gentrackApiSchema>;
