/**
 * The typed Gentrack API: one method, `call`, for every operation of Gentrack's connector reference, driven by the
 * operation table (model/gentrack-operations.ts). Names, path and query parameters, bodies and answers are typed
 * from the table's shapes; the answer is checked against its shape before the caller sees it.
 *
 * It is a layer over the relay's one Gentrack client (gentrack-client.ts), not a second HTTP stack: the same pool,
 * token, timeouts (the reference's 60 s response, 30 s connect, 30 s idle) and error (GentrackCallError, carrying
 * the reference's error type) as the relay's outbound calls.
 */
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import {
  GENTRACK_API_OPERATIONS,
  type GentrackApiOperation,
  type GentrackApiOperationName,
  type GentrackApiOperations,
  type PathParameterNames,
} from '../../../../model/gentrack-operations.js';
import { RelayError } from '../errors.js';
import type { GentrackCallHeaders, GentrackClient } from './gentrack-client.js';

type Definition<N extends GentrackApiOperationName> = GentrackApiOperations[N];

/** X-Trace-Id (default: a new UUID per call) and X-On-Behalf-Of, which every operation takes. */
export interface GentrackAuditHeaders {
  traceId?: string;
  /** The user the call is made for, for Gentrack's audit. */
  onBehalfOf?: string;
}

/** A write's transaction headers: the same id and time on a redelivery make Gentrack answer it from its record. */
export interface GentrackTransactionHeaders extends GentrackAuditHeaders {
  transactionId: string;
  /** ISO-8601 with an offset: when the change happened (Gentrack orders an entity's writes by it). */
  transactionDateTime: string;
}

type ParamsPart<N extends GentrackApiOperationName> = [PathParameterNames<Definition<N>['path']>] extends [never]
  ? object
  : { params: Record<PathParameterNames<Definition<N>['path']>, string> };

type QueryPart<N extends GentrackApiOperationName> =
  Definition<N> extends { query: z.ZodType }
    ? object extends z.input<Definition<N>['query']>
      ? { query?: z.input<Definition<N>['query']> }
      : { query: z.input<Definition<N>['query']> }
    : object;

type BodyPart<N extends GentrackApiOperationName> =
  Definition<N> extends { body: z.ZodType } ? { body: z.input<Definition<N>['body']> } : object;

type HeadersPart<N extends GentrackApiOperationName> = Definition<N>['transactional'] extends true
  ? { headers: GentrackTransactionHeaders }
  : { headers?: GentrackAuditHeaders };

/** What `call` takes for operation N: only the parts the operation has, typed from the table. */
export type GentrackApiInput<N extends GentrackApiOperationName> = ParamsPart<N> &
  QueryPart<N> &
  BodyPart<N> &
  HeadersPart<N>;

export interface GentrackApiResult<N extends GentrackApiOperationName> {
  status: number;
  body: z.output<Definition<N>['response']>;
  /** Gentrack answered a repeated transaction from its record: the call had already taken effect. */
  replayed: boolean;
}

/** A call the client cannot build (a path parameter missing or empty): nothing was sent. */
export class InvalidGentrackApiCallError extends RelayError {
  readonly code = 'GENTRACK_API_INVALID_CALL';
}

/** Gentrack answered 2xx with a body that is not the operation's shape: the call may have taken effect. */
export class GentrackResponseShapeError extends RelayError {
  readonly code = 'GENTRACK_RESPONSE_INVALID';
  override readonly retryable = false;

  constructor(
    readonly operation: GentrackApiOperationName,
    readonly problems: readonly string[],
  ) {
    super(
      `Gentrack's answer to ${operation} is not the shape the operation table gives (model/gentrack-operations.ts): ${problems.join('; ')}`,
    );
  }
}

export interface GentrackApi {
  call<N extends GentrackApiOperationName>(name: N, input: GentrackApiInput<N>): Promise<GentrackApiResult<N>>;
}

interface LooseInput {
  params?: Record<string, string>;
  query?: Record<string, unknown>;
  body?: unknown;
  headers?: Partial<GentrackTransactionHeaders>;
}

function filledPath(name: GentrackApiOperationName, path: string, params: Record<string, string> = {}): string {
  return path.replace(/\{([^}]+)\}/g, (_match, parameter: string) => {
    const value = params[parameter];
    if (typeof value !== 'string' || value.trim() === '') {
      throw new InvalidGentrackApiCallError(`${name} needs the path parameter ${parameter} (${path})`);
    }
    return encodeURIComponent(value);
  });
}

function queryString(query: Record<string, unknown> | undefined): string {
  if (query === undefined) return '';
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) search.append(key, String(value));
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

function headersOf(definition: GentrackApiOperation, headers: Partial<GentrackTransactionHeaders> = {}) {
  const callHeaders: GentrackCallHeaders = { traceId: headers.traceId ?? randomUUID() };
  if (headers.onBehalfOf !== undefined) callHeaders.onBehalfOf = headers.onBehalfOf;
  // Only the operations that take transaction headers get them; parts belong to a fragmented payload, which no
  // operation of the table sends.
  if (definition.transactional) {
    callHeaders.transactionId = headers.transactionId;
    callHeaders.transactionDateTime = headers.transactionDateTime;
  }
  return callHeaders;
}

/** The typed API over `client` (the relay's Gentrack client). */
export function createGentrackApi(client: Pick<GentrackClient, 'send'>): GentrackApi {
  return {
    async call<N extends GentrackApiOperationName>(name: N, input: GentrackApiInput<N>) {
      const definition: GentrackApiOperation | undefined = GENTRACK_API_OPERATIONS[name];
      // Callers from untyped code (the gateway's routes) can name anything.
      if (definition === undefined)
        throw new InvalidGentrackApiCallError(`${String(name)} is not a Gentrack operation`);
      const loose = input as LooseInput;
      const response = await client.send({
        method: definition.method,
        path: filledPath(name, definition.path, loose.params) + queryString(loose.query),
        ...(definition.body === undefined ? {} : { body: loose.body }),
        headers: headersOf(definition, loose.headers),
      });
      const parsed = definition.response.safeParse(response.body);
      if (!parsed.success) {
        throw new GentrackResponseShapeError(
          name,
          parsed.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`),
        );
      }
      return {
        status: response.status,
        body: parsed.data as GentrackApiResult<N>['body'],
        replayed: response.replayed,
      };
    },
  };
}
