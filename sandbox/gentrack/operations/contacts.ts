import { CONTACT_BODY_KEYS, contactSchemas } from '../schemas/person-schemas.js';
import { extraProperties } from '../store/merge-patch.js';
import type { TenantState } from '../store/tenant-state.js';
import { contactView } from '../store/views.js';
import { param, readOperation, writeOperation, type Operation } from './operation.js';
import { relationshipOperations } from './relationship-operations.js';

/** Contacts (people linked to accounts): create, read, update, remove, and their account relationships. */
export function contactOperations(state: TenantState, now: () => number): Operation[] {
  const schemas = contactSchemas(now);
  return [
    writeOperation({
      name: 'create-contact',
      method: 'POST',
      path: '/contacts',
      body: schemas.create,
      handle(_params, body) {
        const record = state.createContact({
          contact: body.contact,
          accountNumber: body.accountNumber,
          salesforceId: body.salesforceId,
          extra: extraProperties(body, CONTACT_BODY_KEYS),
        });
        return { status: 201, body: { customerNumber: record.customerNumber }, entity: record.customerNumber };
      },
    }),
    readOperation({
      name: 'get-contact',
      method: 'GET',
      path: '/contacts/:ref',
      handle(params) {
        return { status: 200, body: contactView(state.requireContact(param(params, 'ref'))) };
      },
    }),
    writeOperation({
      name: 'update-contact',
      method: 'PUT',
      path: '/contacts/:ref',
      body: schemas.update,
      handle(params, body) {
        const record = state.changeContact(state.requireContact(param(params, 'ref')), {
          contact: body.contact,
          accountNumber: body.accountNumber,
          salesforceId: body.salesforceId,
          extra: extraProperties(body, CONTACT_BODY_KEYS),
        });
        return { status: 200, body: contactView(record), entity: record.customerNumber };
      },
    }),
    writeOperation({
      name: 'delete-contact',
      method: 'PUT',
      path: '/contacts/:ref/remove',
      body: schemas.remove,
      handle(params, body) {
        const record = state.removeContact(state.requireContact(param(params, 'ref')), body.reason ?? null);
        return { status: 200, body: contactView(record), entity: record.customerNumber };
      },
    }),
    ...relationshipOperations(state, {
      ownerName: 'contact',
      basePath: '/contacts',
      referenceProperty: 'customerNumber',
      findOwner(reference) {
        const record = state.requireContact(reference);
        return {
          reference: record.customerNumber,
          relationships: record.relationships,
          changed() {
            state.forgetPrimaryIfRemoved(record);
            record.updatedAt = state.nowIso();
          },
        };
      },
    }),
  ];
}
