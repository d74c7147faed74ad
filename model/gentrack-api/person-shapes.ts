/**
 * Contacts and customers: the people Gentrack keeps (request and response shapes). The connector reference gives no
 * shapes: these are chosen by us, with the model's `gentrack:` paths (`contact.lastName`).
 */
import { z } from 'zod';
import { email, isoDate, optionalText, reference, requiredText, salesforceId, text } from './common-shapes.js';
import { relationshipResponse } from './relationship-shapes.js';

/** The fields Gentrack keeps for a person, shared by contacts and customers. */
const personFields = {
  firstName: optionalText(40),
  title: optionalText(80),
  email: email.nullish(),
  phone: optionalText(40),
  mobile: optionalText(40),
  /** Gentrack also refuses a birth date in the future; that needs its clock, so it is not part of the shape. */
  dateOfBirth: isoDate.nullish(),
  preferredName: optionalText(80),
};

const newPerson = z.looseObject({ lastName: requiredText(80), ...personFields });
const personPatch = z.looseObject({ lastName: requiredText(80).optional(), ...personFields });

/** POST /contacts */
export const newContactBody = z.looseObject({ accountNumber: reference.nullish(), contact: newPerson, salesforceId });

/** PUT /contacts/{ref}: contact fields that changed and/or a new primary account. */
export const contactUpdateBody = z.looseObject({
  accountNumber: reference.nullish(),
  contact: personPatch.optional(),
  salesforceId,
});

/** PUT /contacts/{ref}/remove */
export const contactRemoveBody = z.looseObject({ reason: optionalText(1000), salesforceId });

/** POST /customers */
export const newCustomerBody = z.looseObject({ customer: newPerson, salesforceId });

/** PUT /customers/{ref} */
export const customerUpdateBody = z.looseObject({ customer: personPatch, salesforceId });

// ---- responses

export const CONTACT_STATUSES = ['Active', 'Removed'] as const;
export type ContactStatus = (typeof CONTACT_STATUSES)[number];

export const createdPersonResponse = z.looseObject({ customerNumber: text });

export const contactResponse = z.looseObject({
  customerNumber: text,
  status: z.enum(CONTACT_STATUSES),
  accountNumber: text.nullable(),
  salesforceId: text.optional(),
  contact: z.looseObject({ lastName: text.optional(), status: z.enum(CONTACT_STATUSES) }),
  relationships: z.array(relationshipResponse),
  removal: z.looseObject({ reason: text.nullable(), removedAt: text }).nullable(),
  createdAt: text,
  updatedAt: text,
});

export const customerResponse = z.looseObject({
  customerNumber: text,
  status: text,
  salesforceId: text.optional(),
  customer: z.looseObject({ lastName: text.optional() }),
  createdAt: text,
  updatedAt: text,
});

export const contactRelationshipsResponse = z.looseObject({
  customerNumber: text,
  relationships: z.array(relationshipResponse),
});
