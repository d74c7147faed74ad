import type { TenantState } from '../store/tenant-state.js';
import { accountOperations } from './accounts.js';
import { contactOperations } from './contacts.js';
import { customerOperations } from './customers.js';
import type { Operation } from './operation.js';
import { organisationOperations } from './organisations.js';

/** Every operation the sandbox serves, by entity group. */
export function allOperations(state: TenantState, now: () => number): Operation[] {
  return [
    ...accountOperations(state),
    ...contactOperations(state, now),
    ...customerOperations(state, now),
    ...organisationOperations(state),
  ];
}
