import type { z } from 'zod';
import { validateBody } from '../schemas/body-validation.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** What an operation answers. `entity` names the record a write changed, for the per-entity ordering check. */
export interface OperationOutcome {
  status: number;
  body: unknown;
  entity?: string;
}

/** One Gentrack REST operation: its name (as the connector model spells it), method, path and behaviour. */
export interface Operation {
  name: string;
  method: HttpMethod;
  /** Path below /v1, in fastify syntax (`/accounts/:ref`). */
  path: string;
  /**
   * Writes: takes Gentrack's transaction headers (required; de-duplication by X-Transaction-Id, fragmented payloads,
   * ordering). false for the writes the connector reference lists without them: the headers are ignored and every
   * request takes effect, a repeated one too.
   */
  transactional: boolean;
  /** Validates the parsed body (writes) and runs the operation; throws GentrackApiError for error answers. */
  run(params: Record<string, string>, body: unknown): OperationOutcome;
}

interface ReadDefinition {
  name: string;
  method: 'GET';
  path: string;
  handle(params: Record<string, string>): OperationOutcome;
}

interface WriteDefinition<S extends z.ZodType> {
  name: string;
  method: 'POST' | 'PUT' | 'DELETE';
  path: string;
  body: S;
  /** false: the reference lists this write without transaction headers (see Operation.transactional). */
  transactional?: false;
  handle(params: Record<string, string>, body: z.output<S>): OperationOutcome;
}

export function readOperation(definition: ReadDefinition): Operation {
  return {
    name: definition.name,
    method: definition.method,
    path: definition.path,
    transactional: false,
    run: (params) => definition.handle(params),
  };
}

export function writeOperation<S extends z.ZodType>(definition: WriteDefinition<S>): Operation {
  return {
    name: definition.name,
    method: definition.method,
    path: definition.path,
    transactional: definition.transactional ?? true,
    run: (params, body) => definition.handle(params, validateBody(definition.body, body)),
  };
}

export function isWrite(method: string): boolean {
  return method === 'POST' || method === 'PUT' || method === 'DELETE' || method === 'PATCH';
}

/** Route params are always present for the paths that declare them; this keeps the handlers free of `!`. */
export function param(params: Record<string, string>, name: string): string {
  const value = params[name];
  if (value === undefined) throw new Error(`route parameter ${name} missing`);
  return value;
}
