import { badRequest, notFound } from '../api-error.js';
import { BillingLedger } from '../billing/billing-ledger.js';
import { seedBillingHistory, type BillingHistory, type BillingHistoryOptions } from '../billing/billing-history.js';
import { PaymentDesk } from '../billing/payment-desk.js';
import { ServicePoints } from '../meters/service-points.js';
import { mergePatch, withoutKeys, type Fields } from './merge-patch.js';
import type {
  AccountRecord,
  AccountStatus,
  ContactRecord,
  CustomerRecord,
  OrganisationRecord,
  ReviewRecord,
} from './records.js';
import { ReferenceSequence } from './reference-sequence.js';
import { upsertRelationship } from './relationships.js';
import {
  accountView,
  contactView,
  customerView,
  organisationView,
  type AccountView,
  type ContactView,
  type CustomerView,
  type OrganisationView,
  type ReviewView,
} from './views.js';

/** Properties inside `account` that Gentrack manages itself; a caller cannot set them through the body. */
const ACCOUNT_SYSTEM_FIELDS = ['status', 'accountNumber'] as const;
const CONTACT_SYSTEM_FIELDS = ['status', 'customerNumber'] as const;

/**
 * Top-level properties the sandbox owns in answers. A caller sending one (e.g. an update carrying the whole record)
 * must not shadow the real value, so they are never kept as extra properties.
 */
const RESERVED_TOP_LEVEL = [
  'accountNumber',
  'customerNumber',
  'organisationNumber',
  'status',
  'parentAccountNumber',
  'relationships',
  'removal',
  'createdAt',
  'updatedAt',
] as const;

function keptExtra(current: Fields, extra: Fields | undefined): Fields {
  return extra === undefined ? current : mergePatch(current, withoutKeys(extra, RESERVED_TOP_LEVEL));
}

/** Segment of a new contact (the connector model's Gentrack-mastered Customer_Segment__c). */
const DEFAULT_CONTACT_SEGMENT = 'Standard';

export interface NewAccount {
  account: Fields;
  parentAccountNumber?: string | null;
  salesforceId?: string | null;
  extra?: Fields;
  /** Seeding only: choose the number, status, balance instead of the defaults. */
  accountNumber?: string;
  status?: AccountStatus;
  balance?: number;
}

export interface AccountChange {
  account?: Fields;
  salesforceId?: string | null;
  extra?: Fields;
  status?: AccountStatus;
  balance?: number;
}

export interface NewContact {
  contact: Fields;
  accountNumber?: string | null;
  salesforceId?: string | null;
  extra?: Fields;
  customerNumber?: string;
}

export interface ContactChange {
  contact?: Fields;
  /** The account of the primary relationship; `null` leaves the contact without a primary account. */
  accountNumber?: string | null;
  salesforceId?: string | null;
  extra?: Fields;
}

export interface NewCustomer {
  customer: Fields;
  salesforceId?: string | null;
  extra?: Fields;
  customerNumber?: string;
}

export interface NewOrganisation {
  organisation: Fields;
  salesforceId?: string | null;
  extra?: Fields;
  organisationNumber?: string;
}

export interface TenantSnapshot {
  accounts: AccountView[];
  reviews: ReviewView[];
  contacts: ContactView[];
  customers: CustomerView[];
  organisations: OrganisationView[];
}

/** A view-shaped account for seeding: the API's account body plus the system fields a test may want to choose. */
export type SeedAccount = NewAccount;
export type SeedContact = NewContact & { status?: 'Active' | 'Removed' };
export type SeedCustomer = NewCustomer;
export type SeedOrganisation = NewOrganisation;

function salesforceIdChange(current: string | undefined, change: string | null | undefined): string | undefined {
  if (change === undefined) return current;
  return change ?? undefined;
}

/**
 * The tenant's data, in memory: accounts, their reviews, contacts with their account relationships, customers and
 * organisations. Lookups are by reference in Maps. Operations call the mutating methods; tests read through the
 * view methods (fresh objects, safe to keep) and seed through the `seed*` methods without HTTP.
 */
export class TenantState {
  private readonly accountsByNumber = new Map<string, AccountRecord>();
  private readonly contactsByNumber = new Map<string, ContactRecord>();
  private readonly customersByNumber = new Map<string, CustomerRecord>();
  private readonly organisationsByNumber = new Map<string, OrganisationRecord>();
  private readonly accountNumbers = new ReferenceSequence('A');
  /** Contacts and customers are both people in Gentrack and share the customer number range. */
  private readonly customerNumbers = new ReferenceSequence('C');
  private readonly organisationNumbers = new ReferenceSequence('O');
  private readonly reviewIds = new ReferenceSequence('RV');

  /** Bills, financial transactions and balances of the accounts. */
  readonly billing = new BillingLedger(this);
  /** Payment arrangements, payment methods, terms, review dates and refunds. */
  readonly payments = new PaymentDesk(this, this.billing);
  /** Service points, their meters and meter reads. */
  readonly servicePoints = new ServicePoints(this);

  constructor(private readonly now: () => number = Date.now) {}

  nowIso(): string {
    return new Date(this.now()).toISOString();
  }

  /** The tenant's calendar day (UTC), YYYY-MM-DD: due dates, read dates and birth dates are compared with it. */
  today(): string {
    return this.nowIso().slice(0, 10);
  }

  /** Months of bills, reads and payments for an existing account (see billing/billing-history.ts). */
  seedBillingHistory(accountNumber: string, options?: BillingHistoryOptions): BillingHistory {
    return seedBillingHistory(
      { state: this, ledger: this.billing, payments: this.payments, servicePoints: this.servicePoints },
      accountNumber,
      options,
    );
  }

  // ---- accounts

  requireAccount(accountNumber: string, path?: string): AccountRecord {
    const record = this.accountsByNumber.get(accountNumber);
    if (record === undefined) throw notFound('Account', accountNumber, path);
    return record;
  }

  createAccount(input: NewAccount): AccountRecord {
    const parentAccountNumber = input.parentAccountNumber ?? null;
    if (parentAccountNumber !== null) this.requireAccount(parentAccountNumber, 'parentAccountNumber');
    const accountNumber = this.claim(input.accountNumber, this.accountNumbers, this.accountsByNumber, 'Account');
    const nowIso = this.nowIso();
    const record: AccountRecord = {
      accountNumber,
      status: input.status ?? 'Pending',
      account: mergePatch({}, withoutKeys(input.account, ACCOUNT_SYSTEM_FIELDS)),
      parentAccountNumber,
      salesforceId: input.salesforceId ?? undefined,
      extra: keptExtra({}, input.extra),
      balance: input.balance ?? 0,
      reviews: [],
      createdAt: nowIso,
      updatedAt: nowIso,
    };
    this.accountsByNumber.set(accountNumber, record);
    return record;
  }

  changeAccount(record: AccountRecord, change: AccountChange): AccountRecord {
    if (change.account !== undefined) {
      record.account = mergePatch(record.account, withoutKeys(change.account, ACCOUNT_SYSTEM_FIELDS));
    }
    record.extra = keptExtra(record.extra, change.extra);
    record.salesforceId = salesforceIdChange(record.salesforceId, change.salesforceId);
    if (change.status !== undefined) record.status = change.status;
    if (change.balance !== undefined) record.balance = change.balance;
    record.updatedAt = this.nowIso();
    return record;
  }

  /** Sets or clears the parent; an account cannot become its own ancestor. */
  changeAccountParent(record: AccountRecord, parentAccountNumber: string | null): AccountRecord {
    if (parentAccountNumber !== null) {
      this.requireAccount(parentAccountNumber, 'parentAccountNumber');
      for (let ancestor: string | null = parentAccountNumber; ancestor !== null;) {
        if (ancestor === record.accountNumber) {
          const message = `account ${parentAccountNumber} cannot be the parent of ${record.accountNumber}: that would make a cycle`;
          throw badRequest(message, [{ path: 'parentAccountNumber', message }]);
        }
        ancestor = this.accountsByNumber.get(ancestor)?.parentAccountNumber ?? null;
      }
    }
    record.parentAccountNumber = parentAccountNumber;
    record.updatedAt = this.nowIso();
    return record;
  }

  openReview(record: AccountRecord, reason: string | null, salesforceId: string | undefined): ReviewRecord {
    const review: ReviewRecord = {
      reviewId: this.reviewIds.next(),
      accountNumber: record.accountNumber,
      status: 'Open',
      reason,
      ...(salesforceId === undefined ? {} : { salesforceId }),
      createdAt: this.nowIso(),
    };
    record.reviews.push(review);
    return review;
  }

  // ---- contacts

  requireContact(customerNumber: string): ContactRecord {
    const record = this.contactsByNumber.get(customerNumber);
    if (record === undefined) throw notFound('Contact', customerNumber);
    return record;
  }

  createContact(input: NewContact): ContactRecord {
    const accountNumber = input.accountNumber ?? null;
    if (accountNumber !== null) this.requireAccount(accountNumber, 'accountNumber');
    const customerNumber = this.claim(input.customerNumber, this.customerNumbers, this.contactsByNumber, 'Contact');
    const nowIso = this.nowIso();
    const record: ContactRecord = {
      customerNumber,
      status: 'Active',
      contact: mergePatch({ segment: DEFAULT_CONTACT_SEGMENT }, withoutKeys(input.contact, CONTACT_SYSTEM_FIELDS)),
      accountNumber: null,
      relationships: new Map(),
      salesforceId: input.salesforceId ?? undefined,
      extra: keptExtra({}, input.extra),
      removal: null,
      createdAt: nowIso,
      updatedAt: nowIso,
    };
    if (accountNumber !== null) this.makePrimary(record, accountNumber, nowIso);
    this.contactsByNumber.set(customerNumber, record);
    return record;
  }

  /** Any update brings a removed contact back (Salesforce undelete sends an update). */
  changeContact(record: ContactRecord, change: ContactChange): ContactRecord {
    if (change.accountNumber !== undefined && change.accountNumber !== null) {
      this.requireAccount(change.accountNumber, 'accountNumber');
    }
    const nowIso = this.nowIso();
    if (change.contact !== undefined) {
      record.contact = mergePatch(record.contact, withoutKeys(change.contact, CONTACT_SYSTEM_FIELDS));
    }
    record.extra = keptExtra(record.extra, change.extra);
    record.salesforceId = salesforceIdChange(record.salesforceId, change.salesforceId);
    if (change.accountNumber === null) this.clearPrimary(record);
    else if (change.accountNumber !== undefined) this.makePrimary(record, change.accountNumber, nowIso);
    record.status = 'Active';
    record.removal = null;
    record.updatedAt = nowIso;
    return record;
  }

  removeContact(record: ContactRecord, reason: string | null): ContactRecord {
    const nowIso = this.nowIso();
    record.status = 'Removed';
    record.removal = { reason, removedAt: nowIso };
    record.updatedAt = nowIso;
    return record;
  }

  /** Called after a relationship is removed so the contact no longer names it as its primary account. */
  forgetPrimaryIfRemoved(record: ContactRecord): void {
    if (record.accountNumber !== null && !record.relationships.has(record.accountNumber)) record.accountNumber = null;
  }

  private makePrimary(record: ContactRecord, accountNumber: string, nowIso: string): void {
    this.clearPrimary(record);
    const relationship = upsertRelationship(record.relationships, record.customerNumber, { accountNumber }, nowIso);
    relationship.primary = true;
    record.accountNumber = accountNumber;
  }

  private clearPrimary(record: ContactRecord): void {
    for (const relationship of record.relationships.values()) relationship.primary = false;
    record.accountNumber = null;
  }

  // ---- customers

  requireCustomer(customerNumber: string): CustomerRecord {
    const record = this.customersByNumber.get(customerNumber);
    if (record === undefined) throw notFound('Customer', customerNumber);
    return record;
  }

  createCustomer(input: NewCustomer): CustomerRecord {
    const customerNumber = this.claim(input.customerNumber, this.customerNumbers, this.customersByNumber, 'Customer');
    const nowIso = this.nowIso();
    const record: CustomerRecord = {
      customerNumber,
      status: 'Active',
      customer: mergePatch({}, withoutKeys(input.customer, CONTACT_SYSTEM_FIELDS)),
      salesforceId: input.salesforceId ?? undefined,
      extra: keptExtra({}, input.extra),
      createdAt: nowIso,
      updatedAt: nowIso,
    };
    this.customersByNumber.set(customerNumber, record);
    return record;
  }

  changeCustomer(
    record: CustomerRecord,
    change: { customer?: Fields; salesforceId?: string | null; extra?: Fields },
  ): CustomerRecord {
    if (change.customer !== undefined) {
      record.customer = mergePatch(record.customer, withoutKeys(change.customer, CONTACT_SYSTEM_FIELDS));
    }
    record.extra = keptExtra(record.extra, change.extra);
    record.salesforceId = salesforceIdChange(record.salesforceId, change.salesforceId);
    record.updatedAt = this.nowIso();
    return record;
  }

  // ---- organisations

  requireOrganisation(organisationNumber: string): OrganisationRecord {
    const record = this.organisationsByNumber.get(organisationNumber);
    if (record === undefined) throw notFound('Organisation', organisationNumber);
    return record;
  }

  createOrganisation(input: NewOrganisation): OrganisationRecord {
    const organisationNumber = this.claim(
      input.organisationNumber,
      this.organisationNumbers,
      this.organisationsByNumber,
      'Organisation',
    );
    const nowIso = this.nowIso();
    const record: OrganisationRecord = {
      organisationNumber,
      status: 'Active',
      organisation: mergePatch({}, withoutKeys(input.organisation, ['status', 'organisationNumber'])),
      relationships: new Map(),
      salesforceId: input.salesforceId ?? undefined,
      extra: keptExtra({}, input.extra),
      createdAt: nowIso,
      updatedAt: nowIso,
    };
    this.organisationsByNumber.set(organisationNumber, record);
    return record;
  }

  changeOrganisation(
    record: OrganisationRecord,
    change: { organisation?: Fields; salesforceId?: string | null; extra?: Fields },
  ): OrganisationRecord {
    if (change.organisation !== undefined) {
      record.organisation = mergePatch(
        record.organisation,
        withoutKeys(change.organisation, ['status', 'organisationNumber']),
      );
    }
    record.extra = keptExtra(record.extra, change.extra);
    record.salesforceId = salesforceIdChange(record.salesforceId, change.salesforceId);
    record.updatedAt = this.nowIso();
    return record;
  }

  // ---- reading (views are fresh objects)

  account(accountNumber: string): AccountView | undefined {
    const record = this.accountsByNumber.get(accountNumber);
    return record === undefined ? undefined : accountView(record);
  }

  accounts(): AccountView[] {
    return [...this.accountsByNumber.values()].map(accountView);
  }

  reviews(accountNumber?: string): ReviewView[] {
    const records =
      accountNumber === undefined
        ? [...this.accountsByNumber.values()]
        : [this.accountsByNumber.get(accountNumber)].filter((r) => r !== undefined);
    return records.flatMap((record) => record.reviews.map((review) => ({ ...review })));
  }

  balance(accountNumber: string): number | undefined {
    return this.accountsByNumber.get(accountNumber)?.balance;
  }

  contact(customerNumber: string): ContactView | undefined {
    const record = this.contactsByNumber.get(customerNumber);
    return record === undefined ? undefined : contactView(record);
  }

  contacts(): ContactView[] {
    return [...this.contactsByNumber.values()].map(contactView);
  }

  customer(customerNumber: string): CustomerView | undefined {
    const record = this.customersByNumber.get(customerNumber);
    return record === undefined ? undefined : customerView(record);
  }

  customers(): CustomerView[] {
    return [...this.customersByNumber.values()].map(customerView);
  }

  organisation(organisationNumber: string): OrganisationView | undefined {
    const record = this.organisationsByNumber.get(organisationNumber);
    return record === undefined ? undefined : organisationView(record);
  }

  organisations(): OrganisationView[] {
    return [...this.organisationsByNumber.values()].map(organisationView);
  }

  counts(): { accounts: number; contacts: number; customers: number; organisations: number } {
    return {
      accounts: this.accountsByNumber.size,
      contacts: this.contactsByNumber.size,
      customers: this.customersByNumber.size,
      organisations: this.organisationsByNumber.size,
    };
  }

  snapshot(): TenantSnapshot {
    return {
      accounts: this.accounts(),
      reviews: this.reviews(),
      contacts: this.contacts(),
      customers: this.customers(),
      organisations: this.organisations(),
    };
  }

  // ---- seeding and Gentrack-side changes (no HTTP, no call log)

  seedAccount(input: SeedAccount): AccountView {
    return accountView(this.createAccount(input));
  }

  seedContact(input: SeedContact): ContactView {
    const record = this.createContact(input);
    if (input.status === 'Removed') this.removeContact(record, null);
    return contactView(record);
  }

  seedCustomer(input: SeedCustomer): CustomerView {
    return customerView(this.createCustomer(input));
  }

  seedOrganisation(input: SeedOrganisation): OrganisationView {
    return organisationView(this.createOrganisation(input));
  }

  /** A change made inside Gentrack (status, balance, Gentrack-mastered fields), e.g. before sending a webhook. */
  updateAccount(accountNumber: string, change: AccountChange): AccountView {
    return accountView(this.changeAccount(this.requireAccount(accountNumber), change));
  }

  updateContact(customerNumber: string, change: ContactChange): ContactView {
    return contactView(this.changeContact(this.requireContact(customerNumber), change));
  }

  reset(): void {
    this.accountsByNumber.clear();
    this.contactsByNumber.clear();
    this.customersByNumber.clear();
    this.organisationsByNumber.clear();
    for (const sequence of [this.accountNumbers, this.customerNumbers, this.organisationNumbers, this.reviewIds]) {
      sequence.reset();
    }
    this.billing.reset();
    this.payments.reset();
    this.servicePoints.reset();
  }

  /** A new reference, or the caller's chosen one when seeding (which must be free). */
  private claim(
    chosen: string | undefined,
    sequence: ReferenceSequence,
    existing: Map<string, unknown>,
    what: string,
  ): string {
    if (chosen === undefined) {
      let reference = sequence.next();
      while (existing.has(reference)) reference = sequence.next();
      return reference;
    }
    if (existing.has(chosen)) throw badRequest(`${what} '${chosen}' already exists`);
    sequence.observe(chosen);
    return chosen;
  }
}
