import type { z } from 'zod';
import {
  GENTRACK_API_OPERATIONS,
  type GentrackApiOperationName,
  type GentrackApiOperations,
  type GentrackHttpMethod,
  type PathParameterNames,
} from '../../../model/gentrack-operations.js';
import { validateBody } from '../schemas/body-validation.js';

export type HttpMethod = GentrackHttpMethod;

/** What an operation answers. `entity` names the record a write changed, for the per-entity ordering check. */
export interface OperationOutcome {
  status: number;
  body: unknown;
  entity?: string;
}

/** One Gentrack REST operation as the sandbox serves it: the table's entry and its behaviour. */
export interface Operation {
  name: GentrackApiOperationName;
  method: HttpMethod;
  /** Path below /v1, in fastify syntax (`/accounts/:ref`). */
  path: string;
  /**
   * Writes: takes Gentrack's transaction headers (required; de-duplication by X-Transaction-Id, fragmented payloads,
   * ordering). false for the writes the connector reference lists without them (create-account-review): the headers
   * are ignored and every request takes effect, a repeated one too.
   */
  transactional: boolean;
  /** Validates query and body (400 listing every problem) and runs the operation; throws GentrackApiError. */
  run(params: Record<string, string>, query: unknown, body: unknown): OperationOutcome;
}

type Definition<N extends GentrackApiOperationName> = GentrackApiOperations[N];

/** What a handler gets: path parameters by name, the parsed query and body (as the table's shapes give them). */
export interface HandlerInput<N extends GentrackApiOperationName> {
  params: Record<PathParameterNames<Definition<N>['path']>, string>;
  query: Definition<N> extends { query: z.ZodType } ? z.output<Definition<N>['query']> : Record<string, never>;
  body: Definition<N> extends { body: z.ZodType } ? z.output<Definition<N>['body']> : undefined;
}

/** What a handler answers (with the table's status): the body in the table's answer shape, checked by the compiler. */
export interface HandlerOutcome<N extends GentrackApiOperationName> {
  body: z.input<Definition<N>['response']>;
  /** The record a write changed, for the per-entity ordering check. */
  entity?: string;
}

export type Handler<N extends GentrackApiOperationName> = (input: HandlerInput<N>) => HandlerOutcome<N>;

/** One handler per operation of the table: a table entry without one does not compile. */
export type OperationHandlers = { [N in GentrackApiOperationName]: Handler<N> };

/** Gives handlers their input types from the table; each entity group's module returns some of them. */
export function handlers<K extends GentrackApiOperationName>(defined: { [N in K]: Handler<N> }): {
  [N in K]: Handler<N>;
} {
  return defined;
}

/** `/accounts/{ref}` -> `/accounts/:ref` */
function routePath(path: string): string {
  return path.replace(/\{([^}]+)\}/g, ':$1');
}

export function tableOperation<N extends GentrackApiOperationName>(name: N, handle: Handler<N>): Operation {
  const definition = GENTRACK_API_OPERATIONS[name] as Definition<N> & { query?: z.ZodType; body?: z.ZodType };
  return {
    name,
    method: definition.method,
    path: routePath(definition.path),
    transactional: definition.transactional,
    run(params, query, body) {
      const input = {
        params,
        query: definition.query === undefined ? {} : validateBody(definition.query, query, 'query string'),
        body: definition.body === undefined ? undefined : validateBody(definition.body, body),
      } as HandlerInput<N>;
      const outcome = handle(input);
      return {
        status: definition.status,
        body: outcome.body,
        ...(outcome.entity === undefined ? {} : { entity: outcome.entity }),
      };
    },
  };
}

export function isWrite(method: string): boolean {
  return method === 'POST' || method === 'PUT' || method === 'DELETE' || method === 'PATCH';
}
