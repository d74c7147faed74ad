import { badRequest } from '../api-error.js';
import type { TenantState } from '../store/tenant-state.js';

/** Gentrack refuses a birth date after today (the tenant's clock, UTC); the shape has checked it is a real date. */
export function requireBirthDateNotInFuture(
  person: { dateOfBirth?: string | null | undefined } | undefined,
  at: 'contact' | 'customer',
  state: TenantState,
): void {
  const dateOfBirth = person?.dateOfBirth;
  if (dateOfBirth === undefined || dateOfBirth === null || dateOfBirth <= state.today()) return;
  const path = `${at}.dateOfBirth`;
  throw badRequest(`The request body is invalid: ${path} must not be in the future`, [
    { path, message: 'must not be in the future' },
  ]);
}
