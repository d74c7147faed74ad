import type { AccountStatus } from '../../../model/gentrack-api/account-shapes.js';
import type { ContactStatus } from '../../../model/gentrack-api/person-shapes.js';
import type { Fields } from './merge-patch.js';

export type { Fields } from './merge-patch.js';
export { ACCOUNT_STATUSES, type AccountStatus } from '../../../model/gentrack-api/account-shapes.js';
export type { ContactStatus } from '../../../model/gentrack-api/person-shapes.js';

export interface ReviewRecord {
  reviewId: string;
  accountNumber: string;
  status: 'Open';
  reason: string | null;
  salesforceId?: string;
  createdAt: string;
}

/** A link between a person or organisation and an account, keyed by the account number within its owner. */
export interface RelationshipRecord {
  relationshipId: string;
  accountNumber: string;
  roles: string[];
  active: boolean;
  primary: boolean;
  startDate: string | null;
  endDate: string | null;
  /** Other properties the caller sent (e.g. the relay's customerNumber or salesforceId). */
  extra: Fields;
  createdAt: string;
  updatedAt: string;
}

interface StoredEntity {
  salesforceId: string | undefined;
  /** Top-level body properties the sandbox does not interpret, kept and echoed back. */
  extra: Fields;
  createdAt: string;
  updatedAt: string;
}

export interface AccountRecord extends StoredEntity {
  accountNumber: string;
  status: AccountStatus;
  /** name, phone, website, tradingName, companyNumber, accountClass, billingAddress and any extra properties. */
  account: Fields;
  parentAccountNumber: string | null;
  balance: number;
  reviews: ReviewRecord[];
}

export interface ContactRecord extends StoredEntity {
  customerNumber: string;
  status: ContactStatus;
  contact: Fields;
  /** The account of the primary relationship, if any. */
  accountNumber: string | null;
  relationships: Map<string, RelationshipRecord>;
  removal: { reason: string | null; removedAt: string } | null;
}

export interface CustomerRecord extends StoredEntity {
  customerNumber: string;
  status: 'Active';
  customer: Fields;
}

export interface OrganisationRecord extends StoredEntity {
  organisationNumber: string;
  status: 'Active';
  organisation: Fields;
  relationships: Map<string, RelationshipRecord>;
}
