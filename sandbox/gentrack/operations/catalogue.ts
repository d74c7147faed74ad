import { GENTRACK_API_OPERATION_NAMES } from '../../../model/gentrack-operations.js';
import type { TenantState } from '../store/tenant-state.js';
import { accountHandlers } from './accounts.js';
import { billingHandlers } from './billing.js';
import { contactHandlers } from './contacts.js';
import { customerHandlers } from './customers.js';
import { meterHandlers } from './meters.js';
import { tableOperation, type Operation, type OperationHandlers } from './operation.js';
import { organisationHandlers } from './organisations.js';
import { paymentHandlers } from './payments.js';

/**
 * Every operation of the table (model/gentrack-operations.ts), each with its handler: the compiler refuses a table
 * entry the sandbox does not serve.
 */
export function allOperations(state: TenantState): Operation[] {
  const all: OperationHandlers = {
    ...accountHandlers(state, state.billing),
    ...customerHandlers(state),
    ...contactHandlers(state),
    ...organisationHandlers(state),
    ...billingHandlers(state),
    ...paymentHandlers(state),
    ...meterHandlers(state),
  };
  // TypeScript cannot tie all[name] to name inside the loop; `all` itself was checked entry by entry above.
  return GENTRACK_API_OPERATION_NAMES.map((name) => tableOperation(name, all[name] as never));
}
