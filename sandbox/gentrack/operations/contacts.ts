import { newContactBody } from '../../../model/gentrack-api/person-shapes.js';
import { extraProperties } from '../store/merge-patch.js';
import type { TenantState } from '../store/tenant-state.js';
import { contactView } from '../store/views.js';
import { handlers } from './operation.js';
import { requireBirthDateNotInFuture } from './person-rules.js';
import { relationshipHandlers } from './relationship-operations.js';

const CONTACT_BODY_KEYS = Object.keys(newContactBody.shape);

/** Contacts (people linked to accounts): create, read, update, remove, and their account relationships. */
export function contactHandlers(state: TenantState) {
  const relationships = relationshipHandlers(state, {
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
  });
  return handlers({
    'create-contact': ({ body }) => {
      requireBirthDateNotInFuture(body.contact, 'contact', state);
      const record = state.createContact({
        contact: body.contact,
        accountNumber: body.accountNumber,
        salesforceId: body.salesforceId,
        extra: extraProperties(body, CONTACT_BODY_KEYS),
      });
      return { body: { customerNumber: record.customerNumber }, entity: record.customerNumber };
    },
    'get-contact': ({ params }) => ({ body: contactView(state.requireContact(params.ref)) }),
    'update-contact': ({ params, body }) => {
      requireBirthDateNotInFuture(body.contact, 'contact', state);
      const record = state.changeContact(state.requireContact(params.ref), {
        contact: body.contact,
        accountNumber: body.accountNumber,
        salesforceId: body.salesforceId,
        extra: extraProperties(body, CONTACT_BODY_KEYS),
      });
      return { body: contactView(record), entity: record.customerNumber };
    },
    'delete-contact': ({ params, body }) => {
      const record = state.removeContact(state.requireContact(params.ref), body.reason ?? null);
      return { body: contactView(record), entity: record.customerNumber };
    },
    'update-contact-relationships': relationships.upsert,
    'remove-contact-relationships': relationships.remove,
  });
}
