import { RELATIONSHIP_KEYS, relationshipRemoveBody, relationshipUpsertBody } from '../schemas/relationship-schemas.js';
import { extraProperties } from '../store/merge-patch.js';
import type { RelationshipRecord } from '../store/records.js';
import { removeRelationship, upsertRelationship } from '../store/relationships.js';
import type { TenantState } from '../store/tenant-state.js';
import { relationshipView } from '../store/views.js';
import { param, writeOperation, type Operation } from './operation.js';

/** A contact or organisation, seen as the owner of account relationships. */
export interface RelationshipOwner {
  reference: string;
  relationships: Map<string, RelationshipRecord>;
  /** Marks the owner changed (updatedAt) and keeps derived fields (a contact's primary account) right. */
  changed(): void;
}

export interface RelationshipOperationsOptions {
  /** 'contact' gives update-contact-relationships and remove-contact-relationships. */
  ownerName: 'contact' | 'organisation';
  /** '/contacts' */
  basePath: string;
  /** The owner's reference property in answers: customerNumber or organisationNumber. */
  referenceProperty: 'customerNumber' | 'organisationNumber';
  findOwner(reference: string): RelationshipOwner;
}

/** PUT {basePath}/:ref/relationships (upsert by account number) and PUT .../relationships/remove. */
export function relationshipOperations(state: TenantState, options: RelationshipOperationsOptions): Operation[] {
  function answer(owner: RelationshipOwner) {
    const ownerReference = { [options.referenceProperty]: owner.reference } as
      { customerNumber: string } | { organisationNumber: string };
    return {
      status: 200,
      body: {
        ...ownerReference,
        relationships: [...owner.relationships.values()].map((r) => relationshipView(r, ownerReference)),
      },
      entity: owner.reference,
    };
  }

  return [
    writeOperation({
      name: `update-${options.ownerName}-relationships`,
      method: 'PUT',
      path: `${options.basePath}/:ref/relationships`,
      body: relationshipUpsertBody,
      handle(params, body) {
        const owner = options.findOwner(param(params, 'ref'));
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
    }),
    writeOperation({
      name: `remove-${options.ownerName}-relationships`,
      method: 'PUT',
      path: `${options.basePath}/:ref/relationships/remove`,
      body: relationshipRemoveBody,
      handle(params, body) {
        const owner = options.findOwner(param(params, 'ref'));
        removeRelationship(owner.relationships, owner.reference, body.relationship.accountNumber);
        owner.changed();
        return answer(owner);
      },
    }),
  ];
}
