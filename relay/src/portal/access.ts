/**
 * Who is asking, on every portal request: the signed-in user from the session, checked against the accounts in the
 * store each time (a removed account, or one whose password or role changed, is signed out at once), the session's
 * lifetime and its idle time. Routes then ask `may(role, permission)`; nothing is decided in the browser.
 */
import type { FastifyRequest, Session } from 'fastify';
import type { PortalUser, PortalUsers } from './portal-users.js';
import type { Role } from './roles.js';

/** What the session keeps about the signed-in user. */
export interface SignedIn {
  readonly username: string;
  readonly signedInAt: number;
  /** A single sign-on user: no local account; the role the provider's claims gave at this sign-in. */
  readonly oidc?: { readonly role: Role };
}

declare module 'fastify' {
  interface Session {
    user?: SignedIn;
    /** The last request the user made (live updates do not count), for the idle timeout. */
    lastActiveAt?: number;
    /** A message for the next page, shown once. */
    notice?: { text: string; kind: 'success' | 'error' };
  }
}

export type SessionState =
  | { readonly state: 'signed-in'; readonly user: PortalUser }
  | { readonly state: 'anonymous' }
  | { readonly state: 'ended'; readonly why: string };

export interface SessionLimits {
  /** A session ends this long after sign-in. */
  readonly lifetimeMs: number;
  /** ... or after this long without a request. */
  readonly idleMs: number;
}

export function sessionState(
  session: Session,
  users: Pick<PortalUsers, 'get'>,
  limits: SessionLimits,
  now: number,
): SessionState {
  const signedIn = session.user;
  if (!signedIn) return { state: 'anonymous' };
  const user = signedIn.oidc ? singleSignOnUser(signedIn, signedIn.oidc.role) : users.get(signedIn.username);
  if (!user) return { state: 'ended', why: 'Your account was removed.' };
  if (signedIn.signedInAt < user.sessionsValidFrom)
    return { state: 'ended', why: 'Your account changed (password or role): sign in again.' };
  if (now - signedIn.signedInAt > limits.lifetimeMs)
    return { state: 'ended', why: 'Your session has ended: sign in again.' };
  if (now - (session.lastActiveAt ?? signedIn.signedInAt) > limits.idleMs)
    return { state: 'ended', why: 'Your session ended after a time without activity: sign in again.' };
  return { state: 'signed-in', user };
}

/** A single sign-on user is who the provider said at sign-in, until the session ends (then it is asked again). */
function singleSignOnUser(signedIn: SignedIn, role: Role): PortalUser {
  return { username: signedIn.username, role, createdAt: signedIn.signedInAt, sessionsValidFrom: signedIn.signedInAt };
}

/** Where to go after signing in: a path of this portal only, never another site. */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?![/\\])/.test(next) ? next : '/';
}

/** The source address, for the audit log. */
export function sourceOf(request: FastifyRequest): string {
  return request.ip;
}
