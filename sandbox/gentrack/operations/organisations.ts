import {
  ORGANISATION_BODY_KEYS,
  newOrganisationBody,
  organisationUpdateBody,
} from '../schemas/organisation-schemas.js';
import { extraProperties } from '../store/merge-patch.js';
import type { TenantState } from '../store/tenant-state.js';
import { organisationView } from '../store/views.js';
import { param, readOperation, writeOperation, type Operation } from './operation.js';
import { relationshipOperations } from './relationship-operations.js';

/** Organisations: create, read, update, and their account relationships. */
export function organisationOperations(state: TenantState): Operation[] {
  return [
    writeOperation({
      name: 'create-organisation',
      method: 'POST',
      path: '/organisations',
      body: newOrganisationBody,
      handle(_params, body) {
        const record = state.createOrganisation({
          organisation: body.organisation,
          salesforceId: body.salesforceId,
          extra: extraProperties(body, ORGANISATION_BODY_KEYS),
        });
        return {
          status: 201,
          body: { organisationNumber: record.organisationNumber },
          entity: record.organisationNumber,
        };
      },
    }),
    readOperation({
      name: 'get-organisation',
      method: 'GET',
      path: '/organisations/:ref',
      handle(params) {
        return { status: 200, body: organisationView(state.requireOrganisation(param(params, 'ref'))) };
      },
    }),
    writeOperation({
      name: 'update-organisation',
      method: 'PUT',
      path: '/organisations/:ref',
      body: organisationUpdateBody,
      handle(params, body) {
        const record = state.changeOrganisation(state.requireOrganisation(param(params, 'ref')), {
          organisation: body.organisation,
          salesforceId: body.salesforceId,
          extra: extraProperties(body, ORGANISATION_BODY_KEYS),
        });
        return { status: 200, body: organisationView(record), entity: record.organisationNumber };
      },
    }),
    ...relationshipOperations(state, {
      ownerName: 'organisation',
      basePath: '/organisations',
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
    }),
  ];
}
