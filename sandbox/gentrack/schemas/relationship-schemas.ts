import { z } from 'zod';
import { isoDate, reference, salesforceId } from './common.js';

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
/** Interpreted or owned by the sandbox; other relationship properties are kept as sent. */
export const RELATIONSHIP_KEYS = [
  'accountNumber',
  'roles',
  'active',
  'startDate',
  'endDate',
  'customerNumber',
  'organisationNumber',
  'relationshipId',
  'primary',
  'createdAt',
  'updatedAt',
] as const;

/** PUT .../relationships/remove */
export const relationshipRemoveBody = z.looseObject({
  relationship: z.looseObject({ accountNumber: reference }),
});
