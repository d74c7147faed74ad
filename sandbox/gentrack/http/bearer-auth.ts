import { GentrackApiError } from '../api-error.js';
import type { TokenStore } from '../auth/token-store.js';

/** Checks `Authorization: Bearer <token>` against the issued tokens; 401 UNAUTHORIZED otherwise. */
export function authenticate(authorization: string | undefined, tokens: TokenStore): void {
  if (authorization === undefined || authorization === '') {
    throw new GentrackApiError('UNAUTHORIZED', 'Authorization header with a Bearer access token is required');
  }
  if (authorization.length < 8 || authorization.slice(0, 7).toLowerCase() !== 'bearer ') {
    throw new GentrackApiError('UNAUTHORIZED', 'Authorization must use the Bearer scheme');
  }
  const check = tokens.check(authorization.slice(7).trim());
  if (check === 'expired') {
    throw new GentrackApiError(
      'UNAUTHORIZED',
      'The access token has expired; request a new one from the token endpoint',
    );
  }
  if (check === 'unknown') {
    throw new GentrackApiError('UNAUTHORIZED', 'The access token is not valid (unknown, revoked or expired)');
  }
}
