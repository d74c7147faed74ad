/**
 * OAuth2 scopes of the relay's Gentrack token request (RFC 6749 §3.3): what the relay asks for, and which of those
 * the token endpoint left out of what it granted.
 */

/** scope-token = 1*( %x21 / %x23-5B / %x5D-7E ): printable ASCII without space, `"` and `\`. */
export const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

export const SCOPE_TOKEN_PROBLEM =
  'must be an OAuth scope: printable ASCII without spaces, double quotes or backslashes (RFC 6749 §3.3)';

/** The `scope` parameter: the tokens, space-delimited. */
export function scopeParameter(scopes: readonly string[]): string {
  return scopes.join(' ');
}

/**
 * Requested scopes the answer's `scope` does not list. An answer without `scope` granted what was asked (§5.1: the
 * server must list the scopes only when they differ).
 */
export function scopesNotGranted(requested: readonly string[], granted: string | undefined): string[] {
  if (granted === undefined) return [];
  const given = new Set(granted.split(' ').filter((scope) => scope !== ''));
  return requested.filter((scope) => !given.has(scope));
}
