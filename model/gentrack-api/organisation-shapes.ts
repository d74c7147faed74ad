/** Organisations (request and response shapes). The connector reference gives no shapes: these are chosen by us. */
import { z } from 'zod';
import { optionalText, requiredText, salesforceId, text } from './common-shapes.js';
import { relationshipResponse } from './relationship-shapes.js';

const optionalOrganisationFields = {
  companyNumber: optionalText(40),
  tradingName: optionalText(255),
  phone: optionalText(40),
  website: optionalText(255),
};

/** POST /organisations */
export const newOrganisationBody = z.looseObject({
  organisation: z.looseObject({ name: requiredText(255), ...optionalOrganisationFields }),
  salesforceId,
});

/** PUT /organisations/{ref} */
export const organisationUpdateBody = z.looseObject({
  organisation: z.looseObject({ name: requiredText(255).optional(), ...optionalOrganisationFields }),
  salesforceId,
});

export const createdOrganisationResponse = z.looseObject({ organisationNumber: text });

export const organisationResponse = z.looseObject({
  organisationNumber: text,
  status: text,
  salesforceId: text.optional(),
  organisation: z.looseObject({}),
  relationships: z.array(relationshipResponse),
  createdAt: text,
  updatedAt: text,
});

export const organisationRelationshipsResponse = z.looseObject({
  organisationNumber: text,
  relationships: z.array(relationshipResponse),
});
