import { z } from 'zod';
import { email, optionalText, pastDate, reference, requiredText, salesforceId } from './common.js';

/** The fields Gentrack keeps for a person, shared by contacts and customers. */
function personFields(now: () => number) {
  return {
    firstName: optionalText(40),
    title: optionalText(80),
    email: email.nullish(),
    phone: optionalText(40),
    mobile: optionalText(40),
    dateOfBirth: pastDate(now).nullish(),
    preferredName: optionalText(80),
  };
}

export function contactSchemas(now: () => number) {
  const fields = personFields(now);
  const newContact = z.looseObject({ lastName: requiredText(80), ...fields });
  const contactPatch = z.looseObject({ lastName: requiredText(80).optional(), ...fields });
  return {
    /** POST /contacts */
    create: z.looseObject({ accountNumber: reference.nullish(), contact: newContact, salesforceId }),
    /** PUT /contacts/{ref}: contact fields that changed and/or a new primary account. */
    update: z.looseObject({ accountNumber: reference.nullish(), contact: contactPatch.optional(), salesforceId }),
    /** PUT /contacts/{ref}/remove */
    remove: z.looseObject({ reason: optionalText(1000), salesforceId }),
  };
}
export const CONTACT_BODY_KEYS = ['accountNumber', 'contact', 'salesforceId'] as const;

export function customerSchemas(now: () => number) {
  const fields = personFields(now);
  return {
    /** POST /customers */
    create: z.looseObject({ customer: z.looseObject({ lastName: requiredText(80), ...fields }), salesforceId }),
    /** PUT /customers/{ref} */
    update: z.looseObject({
      customer: z.looseObject({ lastName: requiredText(80).optional(), ...fields }),
      salesforceId,
    }),
  };
}
export const CUSTOMER_BODY_KEYS = ['customer', 'salesforceId'] as const;
