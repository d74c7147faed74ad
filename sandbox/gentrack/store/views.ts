import type {
  AccountRecord,
  AccountStatus,
  ContactRecord,
  ContactStatus,
  CustomerRecord,
  Fields,
  OrganisationRecord,
  RelationshipRecord,
  ReviewRecord,
} from './records.js';

/*
 * Response shapes. Entity fields sit under the same property as in request bodies (`account.name`,
 * `contact.lastName`), so the connector model's `gentrack:` paths address requests and responses alike; system
 * fields (numbers, status, timestamps) sit at the top level. Gentrack-mastered status is also inside the entity
 * object (`account.status`), where the model reads it.
 */

export interface AccountView {
  accountNumber: string;
  status: AccountStatus;
  parentAccountNumber: string | null;
  salesforceId?: string;
  account: Fields & { status: AccountStatus };
  createdAt: string;
  updatedAt: string;
  [extra: string]: unknown;
}

export interface RelationshipView {
  relationshipId: string;
  accountNumber: string;
  roles: string[];
  active: boolean;
  primary: boolean;
  startDate: string | null;
  endDate: string | null;
  createdAt: string;
  updatedAt: string;
  [ownerOrExtra: string]: unknown;
}

export interface ContactView {
  customerNumber: string;
  status: ContactStatus;
  accountNumber: string | null;
  salesforceId?: string;
  contact: Fields & { status: ContactStatus };
  relationships: RelationshipView[];
  removal: { reason: string | null; removedAt: string } | null;
  createdAt: string;
  updatedAt: string;
  [extra: string]: unknown;
}

export interface CustomerView {
  customerNumber: string;
  status: 'Active';
  salesforceId?: string;
  customer: Fields;
  createdAt: string;
  updatedAt: string;
  [extra: string]: unknown;
}

export interface OrganisationView {
  organisationNumber: string;
  status: 'Active';
  salesforceId?: string;
  organisation: Fields;
  relationships: RelationshipView[];
  createdAt: string;
  updatedAt: string;
  [extra: string]: unknown;
}

export type ReviewView = ReviewRecord;

function salesforceIdOf(record: { salesforceId: string | undefined }): { salesforceId?: string } {
  return record.salesforceId === undefined ? {} : { salesforceId: record.salesforceId };
}

export function accountView(record: AccountRecord): AccountView {
  return {
    ...record.extra,
    accountNumber: record.accountNumber,
    status: record.status,
    parentAccountNumber: record.parentAccountNumber,
    ...salesforceIdOf(record),
    account: { ...record.account, status: record.status },
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

export function relationshipView(
  record: RelationshipRecord,
  owner: { customerNumber: string } | { organisationNumber: string },
): RelationshipView {
  return {
    ...record.extra,
    relationshipId: record.relationshipId,
    ...owner,
    accountNumber: record.accountNumber,
    roles: [...record.roles],
    active: record.active,
    primary: record.primary,
    startDate: record.startDate,
    endDate: record.endDate,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

export function contactRelationshipsView(record: ContactRecord): RelationshipView[] {
  const owner = { customerNumber: record.customerNumber };
  return [...record.relationships.values()].map((relationship) => relationshipView(relationship, owner));
}

export function contactView(record: ContactRecord): ContactView {
  return {
    ...record.extra,
    customerNumber: record.customerNumber,
    status: record.status,
    accountNumber: record.accountNumber,
    ...salesforceIdOf(record),
    contact: { ...record.contact, status: record.status },
    relationships: contactRelationshipsView(record),
    removal: record.removal === null ? null : { ...record.removal },
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

export function customerView(record: CustomerRecord): CustomerView {
  return {
    ...record.extra,
    customerNumber: record.customerNumber,
    status: record.status,
    ...salesforceIdOf(record),
    customer: { ...record.customer },
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

export function organisationRelationshipsView(record: OrganisationRecord): RelationshipView[] {
  const owner = { organisationNumber: record.organisationNumber };
  return [...record.relationships.values()].map((relationship) => relationshipView(relationship, owner));
}

export function organisationView(record: OrganisationRecord): OrganisationView {
  return {
    ...record.extra,
    organisationNumber: record.organisationNumber,
    status: record.status,
    ...salesforceIdOf(record),
    organisation: { ...record.organisation },
    relationships: organisationRelationshipsView(record),
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}
