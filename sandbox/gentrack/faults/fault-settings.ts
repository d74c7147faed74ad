import { z } from 'zod';
import { GENTRACK_ERROR_TYPES } from '../error-types.js';

/** Kinds a random fault can take: an HTTP status, a held request ('timeout') or a dropped connection ('reset'). */
export const RANDOM_FAULT_KINDS = ['429', '500', '502', '503', '504', 'timeout', 'reset'] as const;
export type RandomFaultKind = (typeof RANDOM_FAULT_KINDS)[number];

/** Which calls a fault applies to; all given conditions must hold. */
const faultMatch = z.strictObject({
  method: z.string().optional(),
  /** Exact path (with or without /v1), or a RegExp (in process only). */
  path: z.union([z.string(), z.instanceof(RegExp)]).optional(),
  /** Operation name, e.g. 'customer-sync'. */
  operation: z.string().optional(),
});
export type FaultMatch = z.infer<typeof faultMatch>;

export const randomFaultSettings = z.strictObject({
  /** Share of matching API calls that fail, 0..1. */
  errorRate: z.number().min(0).max(1).optional(),
  kinds: z.array(z.enum(RANDOM_FAULT_KINDS)).min(1).optional(),
  /** Retry-After of 429 (and 503) answers. */
  retryAfterSeconds: z.number().int().min(0).optional(),
  /** Latency added to every API call before it is processed. */
  delayMs: z.number().int().min(0).optional(),
  /**
   * Latency between processing an API call and answering it. A client that goes away meanwhile (a crash, its own
   * timeout) leaves an effect it never heard of.
   */
  answerDelayMs: z.number().int().min(0).optional(),
  /** How long a 'timeout' fault holds the request before answering 504. */
  timeoutMs: z.number().int().min(0).optional(),
  /** Restarts the generator: the same seed and calls give the same faults. */
  seed: z.number().int().optional(),
  match: faultMatch.optional(),
});
export type RandomFaultSettings = z.infer<typeof randomFaultSettings>;

const statusFault = z.strictObject({
  status: z.number().int().min(400).max(599),
  retryAfterSeconds: z.number().int().min(0).optional(),
  errorType: z.enum(GENTRACK_ERROR_TYPES).optional(),
  message: z.string().optional(),
  match: faultMatch.optional(),
});
const timeoutFault = z.strictObject({
  kind: z.literal('timeout'),
  /** Defaults to the settings' timeoutMs (65 s: longer than Gentrack's 60 s response timeout). */
  delayMs: z.number().int().min(0).optional(),
  match: faultMatch.optional(),
});
const resetFault = z.strictObject({ kind: z.literal('reset'), match: faultMatch.optional() });

export const scriptedFault = z.union([statusFault, timeoutFault, resetFault]);
export type ScriptedFault = z.infer<typeof scriptedFault>;
export const scriptedFaults = z.array(scriptedFault);
