import type { TenantState } from '../store/tenant-state.js';
import { handlers } from './operation.js';

/** Balances, bills, bill images and reads, fixing a bill, billing information and financial transactions. */
export function billingHandlers(state: TenantState) {
  const ledger = state.billing;
  return handlers({
    'get-account-bills': ({ params, query }) => ({ body: ledger.bills(params.ref, query) }),
    'get-bill-image': ({ params }) => ({ body: ledger.billImage(params.billId) }),
    'get-bill-meter-reads': ({ params }) => ({ body: ledger.billMeterReads(params.billId) }),
    'fix-bill': ({ params, body }) => {
      const answer = ledger.fixBill(params.billId, body);
      return { body: answer, entity: answer.billId };
    },
    'get-billing-information': ({ params }) => ({ body: ledger.billingInformation(params.ref) }),
    'get-financial-transactions': ({ params, query }) => ({ body: ledger.financialTransactions(params.ref, query) }),
  });
}
