/**
 * What the portal's route modules share: the collaborators the composition root gave the server, and the guards
 * every route declares (signed in, CSRF token for a POST, the permission it needs). Guards run on the server for
 * every request; a route without `permission` is reachable signed out (the sign-in form, the assets).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import type { DeadLetters } from '../platform/db/dead-letters.js';
import type { Logger } from '../platform/ops/logger.js';
import type { AuditLog, NewAuditEntry } from './audit-log.js';
import type { ConnectorOperations } from './connector-operations.js';
import type { InitialSyncControl } from './initial-sync-control.js';
import type { Html } from './html.js';
import type { MetricsSource } from './overview-figures.js';
import type { PageAssets, Viewer } from './pages/layout.js';
import type { PayloadMask } from './payload-mask.js';
import type { PortalUser, PortalUsers } from './portal-users.js';
import type { RateHistory } from './rate-history.js';
import { may, type Permission } from './roles.js';

/** Retrying and discarding, done by the relay's one dead-letter path (relay/src/dead-letter-actions.ts). */
export interface DeadLetterOperations {
  readonly letters: Pick<DeadLetters, 'find' | 'countMatching' | 'idsMatching' | 'get' | 'reasonCodes'>;
  /** Puts a letter back into its flow; the message says where. Throws when there is no such letter. */
  retry(id: number): { readonly message: string };
  /** False when there was no such letter. */
  discard(id: number): boolean;
}

export interface PortalServices {
  readonly users: PortalUsers;
  readonly audit: AuditLog;
  readonly deadLetters: DeadLetterOperations;
  readonly metrics: MetricsSource;
  readonly history: Pick<RateHistory, 'rates' | 'totals'>;
  readonly mask: PayloadMask;
  /** Validate Data Model, the API client's credentials, the synchronisation history, on-demand syncs. */
  readonly connector: ConnectorOperations;
  /** Absent when config portal.initialSync is not set: the page says how to turn it on. */
  readonly initialSync?: InitialSyncControl;
  readonly logger: Logger;
  readonly clock: () => number;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in user, set by the session check before any route runs. */
    portalUser?: PortalUser;
  }
}

export interface PortalContext extends PortalServices {
  readonly app: FastifyInstance;
  readonly assets: PageAssets;
  /** Guards for a route: signed in with `permission`, and a valid CSRF token when it changes something. */
  guard(permission: Permission, options?: { readonly changes?: boolean }): preHandlerHookHandler[];
  /** The signed-in user as pages show them, with a CSRF token for their forms. */
  viewer(request: FastifyRequest, reply: FastifyReply): Viewer;
  /** Records an action of the request's user in the audit log. */
  record(request: FastifyRequest, entry: Omit<NewAuditEntry, 'actor'>): void;
  /** Sends a page (never cached: it may show personal data). */
  send(reply: FastifyReply, page: Html, status?: number): FastifyReply;
  /** A notice shown once on the next page. */
  notify(request: FastifyRequest, text: string, kind?: 'success' | 'error'): void;
  /** Takes the pending notice. */
  takeNotice(request: FastifyRequest): { text: string; kind: 'success' | 'error' } | undefined;
}

export function mayOrNot(user: PortalUser | undefined, permission: Permission): boolean {
  return user !== undefined && may(user.role, permission);
}
