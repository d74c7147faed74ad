import { CUSTOMER_BODY_KEYS, customerSchemas } from '../schemas/person-schemas.js';
import { extraProperties } from '../store/merge-patch.js';
import type { TenantState } from '../store/tenant-state.js';
import { customerView } from '../store/views.js';
import { param, readOperation, writeOperation, type Operation } from './operation.js';

/** Customers (people Gentrack bills, without an account link in the request): create, read, update. */
export function customerOperations(state: TenantState, now: () => number): Operation[] {
  const schemas = customerSchemas(now);
  return [
    writeOperation({
      name: 'create-customer',
      method: 'POST',
      path: '/customers',
      body: schemas.create,
      handle(_params, body) {
        const record = state.createCustomer({
          customer: body.customer,
          salesforceId: body.salesforceId,
          extra: extraProperties(body, CUSTOMER_BODY_KEYS),
        });
        return { status: 201, body: { customerNumber: record.customerNumber }, entity: record.customerNumber };
      },
    }),
    readOperation({
      name: 'get-customer',
      method: 'GET',
      path: '/customers/:ref',
      handle(params) {
        return { status: 200, body: customerView(state.requireCustomer(param(params, 'ref'))) };
      },
    }),
    writeOperation({
      name: 'update-customer',
      method: 'PUT',
      path: '/customers/:ref',
      body: schemas.update,
      handle(params, body) {
        const record = state.changeCustomer(state.requireCustomer(param(params, 'ref')), {
          customer: body.customer,
          salesforceId: body.salesforceId,
          extra: extraProperties(body, CUSTOMER_BODY_KEYS),
        });
        return { status: 200, body: customerView(record), entity: record.customerNumber };
      },
    }),
  ];
}
