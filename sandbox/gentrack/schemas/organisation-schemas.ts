import { z } from 'zod';
import { optionalText, requiredText, salesforceId } from './common.js';

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
export const ORGANISATION_BODY_KEYS = ['organisation', 'salesforceId'] as const;
