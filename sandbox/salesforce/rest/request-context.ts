/** Per-request facts the auth hook establishes for the route handlers: who is calling, at which API version. */
import type { FastifyRequest } from 'fastify';
import type { SandboxUser } from '../org/users.js';

interface RequestContext {
  readonly user: SandboxUser;
  /** `62.0` for a request to /services/data/v62.0/... */
  readonly apiVersion: string;
}

const contexts = new WeakMap<FastifyRequest, RequestContext>();

export function setRequestContext(request: FastifyRequest, context: RequestContext): void {
  contexts.set(request, context);
}

export function requestContext(request: FastifyRequest): RequestContext {
  const context = contexts.get(request);
  if (!context) throw new Error(`no authenticated context for ${request.method} ${request.url}`);
  return context;
}
