/**
 * Relationships of contacts and organisations with accounts (request and response shapes). The connector reference
 * gives no shapes: these are chosen by us.
 */
import { z } from 'zod';
import { isoDate, nullableText, reference, salesforceId, text } from './common-shapes.js';

const roles = z
  .union([z.string().max(4000), z.array(z.string().max(255))], {
    error: 'must be a string ("A;B") or an array of strings',
  })
  .nullish();

/** PUT /contacts/{ref}/relationships and PUT /organisations/{ref}/relationships (an upsert by account number). */
export const relationshipUpsertBody = z.looseObject({
  relationship: z.looseObject({
    accountNumber: reference,
    roles,
    active: z.boolean('must be true or false').nullish(),
    startDate: isoDate.nullish(),
    endDate: isoDate.nullish(),
  }),
  /** The Salesforce AccountContactRelation id; kept on the relationship. */
  salesforceId,
});

/** PUT .../relationships/remove */
export const relationshipRemoveBody = z.looseObject({
  relationship: z.looseObject({ accountNumber: reference }),
});

export const relationshipResponse = z.looseObject({
  relationshipId: text,
  accountNumber: text,
  roles: z.array(text),
  active: z.boolean(),
  primary: z.boolean(),
  startDate: nullableText,
  endDate: nullableText,
  createdAt: text,
  updatedAt: text,
});
