/**
 * Who a single sign-on user is in the portal, from the provider's claims (pure): the name shown and written to the
 * audit log (`oidc:<email or sub>`), and the role their `roleClaim` values map to, the highest that matches. A user
 * no value maps is refused, so the provider's groups decide who may enter, not only what they may do.
 */
import type { PortalOidcConfig } from '../../platform/config/portal-oidc-config-schema.js';
import { ROLES, type Role } from '../roles.js';

export type Claims = Readonly<Record<string, unknown>>;

/** Local account names cannot contain `:`, so an OIDC user never shares a name with one. */
export const OIDC_USERNAME_PREFIX = 'oidc:';

/** How long a name may be in the portal and its audit log. */
const MAX_NAME_LENGTH = 200;

export function oidcUsername(claims: Claims, usernameClaim: string): string {
  const named = claimValues(claims, usernameClaim)[0];
  // An address the provider says it has not verified could be anyone's: name the user by the subject instead.
  const unverifiedEmail = usernameClaim === 'email' && claims.email_verified === false;
  const name = named && !unverifiedEmail ? named : String(claims.sub);
  return `${OIDC_USERNAME_PREFIX}${name.slice(0, MAX_NAME_LENGTH)}`;
}

export interface RoleDecision {
  /** Undefined when no value maps to a role: the user is refused. */
  readonly role: Role | undefined;
  /** The claim's values as the provider sent them, for the audit log. */
  readonly values: readonly string[];
}

export function roleFromClaims(claims: Claims, config: Pick<PortalOidcConfig, 'roleClaim' | 'roles'>): RoleDecision {
  const values = claimValues(claims, config.roleClaim);
  const highestFirst = [...ROLES].reverse();
  const role = highestFirst.find((candidate) => config.roles[candidate].some((value) => values.includes(value)));
  return { role, values };
}

/**
 * A claim's values as texts: a text, a number or a list of them. The name is looked up as it is first (providers
 * such as Auth0 use URLs with dots as claim names), then as a dotted path into nested claims (Keycloak's
 * `realm_access.roles`).
 */
export function claimValues(claims: Claims, name: string): string[] {
  const value = name in claims ? claims[name] : pathValue(claims, name.split('.'));
  const list = Array.isArray(value) ? value : [value];
  return list
    .filter((item): item is string | number => typeof item === 'string' || typeof item === 'number')
    .map(String)
    .filter((item) => item !== '');
}

function pathValue(claims: Claims, path: readonly string[]): unknown {
  return path.reduce<unknown>(
    (node, key) =>
      typeof node === 'object' && node !== null && !Array.isArray(node)
        ? (node as Record<string, unknown>)[key]
        : undefined,
    claims,
  );
}
