import type { TenantState } from '../store/tenant-state.js';
import { handlers } from './operation.js';

/** Payment arrangements and methods, terms, overdue bills, suggested amounts, review dates and refunds. */
export function paymentHandlers(state: TenantState) {
  const desk = state.payments;
  return handlers({
    'get-payment-arrangements': ({ params }) => ({ body: desk.arrangements(params.ref) }),
    'create-payment-arrangement': ({ params, body }) => desk.createArrangement(params.ref, body),
    'delete-payment-arrangement': ({ params }) => desk.cancelArrangement(params.ref),
    'get-payment-methods': ({ params }) => ({ body: desk.paymentMethods(params.ref) }),
    'create-payment-method': ({ params, body }) => desk.addPaymentMethod(params.ref, body),
    'get-payment-terms': ({ params }) => ({ body: desk.paymentTerms(params.ref) }),
    'get-overdue-payments': ({ params }) => ({ body: desk.overduePayments(params.ref) }),
    'get-suggested-payment-amount': ({ params, query }) => ({
      body: desk.suggestedPaymentAmount(params.ref, query.frequency),
    }),
    'get-payment-review-date': ({ params }) => ({ body: desk.paymentReviewDate(params.ref) }),
    'update-payment-review-date': ({ params, body }) => desk.setPaymentReviewDate(params.ref, body),
    'create-refund-request': ({ params, body }) => desk.requestRefund(params.ref, body),
  });
}
