import { extraProperties } from '../store/merge-patch.js';
import type { RelationshipRecord } from '../store/records.js';
import { removeRelationship, upsertRelationship } from '../store/relationships.js';
import type { TenantState } from '../store/tenant-state.js';
import { relationshipView, type RelationshipView } from '../store/views.js';
import type { HandlerInput } from './operation.js';

/** Interpreted or owned by the sandbox; other relationship properties are kept as sent. */
const RELATIONSHIP_KEYS = [
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

/** A contact or organisation, seen as the owner of account relationships. */
export interface RelationshipOwner {
  reference: string;
  relationships: Map<string, RelationshipRecord>;
  /** Marks the owner changed (updatedAt) and keeps derived fields (a contact's primary account) right. */
  changed(): void;
}

export interface RelationshipOperationsOptions<P extends OwnerReferenceProperty> {
  /** The owner's reference property in answers: customerNumber or organisationNumber. */
  referenceProperty: P;
  findOwner(reference: string): RelationshipOwner;
}

type OwnerReferenceProperty = 'customerNumber' | 'organisationNumber';

/** Both owners' relationship operations take the same input (the contact's and the organisation's are alike). */
interface RelationshipAnswer<P extends OwnerReferenceProperty> {
  body: Record<P, string> & { relationships: RelationshipView[] };
  entity: string;
}

/** PUT .../:ref/relationships (upsert by account number) and PUT .../relationships/remove, for either owner. */
export function relationshipHandlers<P extends OwnerReferenceProperty>(
  state: TenantState,
  options: RelationshipOperationsOptions<P>,
): {
  upsert: (input: HandlerInput<'update-contact-relationships'>) => RelationshipAnswer<P>;
  remove: (input: HandlerInput<'remove-contact-relationships'>) => RelationshipAnswer<P>;
} {
  function answer(owner: RelationshipOwner): RelationshipAnswer<P> {
    const ownerReference = { [options.referenceProperty]: owner.reference } as Record<P, string> &
      ({ customerNumber: string } | { organisationNumber: string });
    return {
      body: {
        ...ownerReference,
        relationships: [...owner.relationships.values()].map((r) => relationshipView(r, ownerReference)),
      },
      entity: owner.reference,
    };
  }

  return {
    upsert: ({ params, body }) => {
      const owner = options.findOwner(params.ref);
      const { relationship } = body;
      state.requireAccount(relationship.accountNumber, 'relationship.accountNumber');
      upsertRelationship(
        owner.relationships,
        owner.reference,
        {
          accountNumber: relationship.accountNumber,
          roles: relationship.roles,
          active: relationship.active,
          startDate: relationship.startDate,
          endDate: relationship.endDate,
          extra: {
            ...extraProperties(relationship, RELATIONSHIP_KEYS),
            ...(body.salesforceId === undefined ? {} : { salesforceId: body.salesforceId }),
          },
        },
        state.nowIso(),
      );
      owner.changed();
      return answer(owner);
    },
    remove: ({ params, body }) => {
      const owner = options.findOwner(params.ref);
      removeRelationship(owner.relationships, owner.reference, body.relationship.accountNumber);
      owner.changed();
      return answer(owner);
    },
  };
}
