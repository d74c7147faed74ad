import { newCustomerBody } from '../../../model/gentrack-api/person-shapes.js';
import { extraProperties } from '../store/merge-patch.js';
import type { TenantState } from '../store/tenant-state.js';
import { customerView } from '../store/views.js';
import { handlers } from './operation.js';
import { requireBirthDateNotInFuture } from './person-rules.js';

const CUSTOMER_BODY_KEYS = Object.keys(newCustomerBody.shape);

/** Customers (people Gentrack bills, without an account link in the request): create, read, update. */
export function customerHandlers(state: TenantState) {
  return handlers({
    'create-customer': ({ body }) => {
      requireBirthDateNotInFuture(body.customer, 'customer', state);
      const record = state.createCustomer({
        customer: body.customer,
        salesforceId: body.salesforceId,
        extra: extraProperties(body, CUSTOMER_BODY_KEYS),
      });
      return { body: { customerNumber: record.customerNumber }, entity: record.customerNumber };
    },
    'get-customer': ({ params }) => ({ body: customerView(state.requireCustomer(params.ref)) }),
    'update-customer': ({ params, body }) => {
      requireBirthDateNotInFuture(body.customer, 'customer', state);
      const record = state.changeCustomer(state.requireCustomer(params.ref), {
        customer: body.customer,
        salesforceId: body.salesforceId,
        extra: extraProperties(body, CUSTOMER_BODY_KEYS),
      });
      return { body: customerView(record), entity: record.customerNumber };
    },
  });
}
