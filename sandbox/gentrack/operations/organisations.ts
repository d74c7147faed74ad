import { newOrganisationBody } from '../../../model/gentrack-api/organisation-shapes.js';
import { extraProperties } from '../store/merge-patch.js';
import type { TenantState } from '../store/tenant-state.js';
import { organisationView } from '../store/views.js';
import { handlers } from './operation.js';
import { relationshipHandlers } from './relationship-operations.js';

const ORGANISATION_BODY_KEYS = Object.keys(newOrganisationBody.shape);

/** Organisations: create, read, update, and their account relationships. */
export function organisationHandlers(state: TenantState) {
  const relationships = relationshipHandlers(state, {
    referenceProperty: 'organisationNumber',
    findOwner(reference) {
      const record = state.requireOrganisation(reference);
      return {
        reference: record.organisationNumber,
        relationships: record.relationships,
        changed() {
          record.updatedAt = state.nowIso();
        },
      };
    },
  });
  return handlers({
    'create-organisation': ({ body }) => {
      const record = state.createOrganisation({
        organisation: body.organisation,
        salesforceId: body.salesforceId,
        extra: extraProperties(body, ORGANISATION_BODY_KEYS),
      });
      return { body: { organisationNumber: record.organisationNumber }, entity: record.organisationNumber };
    },
    'get-organisation': ({ params }) => ({ body: organisationView(state.requireOrganisation(params.ref)) }),
    'update-organisation': ({ params, body }) => {
      const record = state.changeOrganisation(state.requireOrganisation(params.ref), {
        organisation: body.organisation,
        salesforceId: body.salesforceId,
        extra: extraProperties(body, ORGANISATION_BODY_KEYS),
      });
      return { body: organisationView(record), entity: record.organisationNumber };
    },
    'update-organisation-relationships': relationships.upsert,
    'remove-organisation-relationships': relationships.remove,
  });
}
