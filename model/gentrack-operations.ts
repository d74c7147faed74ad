/**
 * Every operation of Gentrack's connector reference (design.md, "Gentrack API facts"): the one table the typed
 * client in the relay (relay/src/platform/gentrack/gentrack-api.ts) and the Gentrack stand-in (sandbox/gentrack/)
 * are driven by, and from which the connector model takes the operations it may map changes onto.
 *
 * Per operation: method and path (`{name}` marks a path parameter), the headers it takes, its query and body shapes,
 * the status and shape of its answer. The reference gives method, path, headers, error types and timeouts, but no
 * request or response shapes: every shape is ours (`shapeChosenByUs`), realistic for a utility's billing system and
 * kept consistent with the property paths of the connector model (`account.name`, `contact.lastName`).
 */
import type { z } from 'zod';
import {
  accountBalanceResponse,
  accountParentBody,
  accountResponse,
  accountReviewBody,
  accountReviewResponse,
  accountUpdateBody,
  customerSyncResponse,
  newAccountBody,
} from './gentrack-api/account-shapes.js';
import {
  billImageResponse,
  billMeterReadsResponse,
  billingInformationResponse,
  billsQuery,
  billsResponse,
  financialTransactionsQuery,
  financialTransactionsResponse,
  fixBillBody,
  fixBillResponse,
} from './gentrack-api/billing-shapes.js';
import {
  meterReadHistoryQuery,
  meterReadHistoryResponse,
  meterReadsBody,
  meterStructureResponse,
  submitMeterReadsResponse,
  validateMeterReadsResponse,
} from './gentrack-api/meter-shapes.js';
import {
  createdOrganisationResponse,
  newOrganisationBody,
  organisationRelationshipsResponse,
  organisationResponse,
  organisationUpdateBody,
} from './gentrack-api/organisation-shapes.js';
import {
  newPaymentArrangementBody,
  newPaymentMethodBody,
  overduePaymentsResponse,
  paymentArrangement,
  paymentArrangementsResponse,
  paymentMethod,
  paymentMethodsResponse,
  paymentReviewDateBody,
  paymentReviewDateResponse,
  paymentTermsResponse,
  refundRequestBody,
  refundRequestResponse,
  suggestedPaymentAmountQuery,
  suggestedPaymentAmountResponse,
} from './gentrack-api/payment-shapes.js';
import {
  contactRelationshipsResponse,
  contactRemoveBody,
  contactResponse,
  contactUpdateBody,
  createdPersonResponse,
  customerResponse,
  customerUpdateBody,
  newContactBody,
  newCustomerBody,
} from './gentrack-api/person-shapes.js';
import { relationshipRemoveBody, relationshipUpsertBody } from './gentrack-api/relationship-shapes.js';

export type GentrackHttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** The reference's request headers (besides Authorization, Accept and Content-Type). */
export const GENTRACK_TRANSACTION_HEADERS = [
  'X-Transaction-Id',
  'X-Transaction-Part-Number',
  'X-Transaction-Part-Total',
  'X-Transaction-Date-Time',
] as const;
export const GENTRACK_AUDIT_HEADERS = ['X-Trace-Id', 'X-On-Behalf-Of'] as const;

export interface GentrackApiOperation {
  readonly method: GentrackHttpMethod;
  /** Below the tenant's base URI (`.../v1`); `{ref}` is an account, contact, customer or organisation reference. */
  readonly path: string;
  readonly description: string;
  /** Which part of the API it belongs to (the README and the tests group by it). */
  readonly group: GentrackApiGroup;
  /**
   * Takes the transaction headers (de-duplication and ordering by X-Transaction-Id/-Date-Time). Every write does,
   * except create-account-review, which the reference lists without them. All operations take the audit headers.
   */
  readonly transactional: boolean;
  readonly query?: z.ZodType<Record<string, unknown>>;
  readonly body?: z.ZodType;
  /** The status of a successful answer. */
  readonly status: 200 | 201 | 202;
  readonly response: z.ZodType;
  /** The reference gives no shape for this operation: query, body and response are ours. */
  readonly shapeChosenByUs: boolean;
  /**
   * How the connector model may use it: `outbound`, as the operation of a Salesforce change (operations.insert...);
   * `entity-read`, to read one entity by its reference (on-demand sync, inbound reads).
   */
  readonly modelUse?: 'outbound' | 'entity-read';
}

export const GENTRACK_API_GROUPS = [
  'accounts',
  'customers',
  'contacts',
  'organisations',
  'bills',
  'payments',
  'meters',
] as const;
export type GentrackApiGroup = (typeof GENTRACK_API_GROUPS)[number];

export const GENTRACK_API_OPERATIONS = {
  // ---- accounts
  'customer-sync': {
    method: 'POST',
    path: '/customer-sync',
    description: 'Create or update a customer and account',
    group: 'accounts',
    transactional: true,
    body: newAccountBody,
    status: 201,
    response: customerSyncResponse,
    shapeChosenByUs: true,
    modelUse: 'outbound',
  },
  'create-account': {
    method: 'POST',
    path: '/accounts',
    description: 'Create an account',
    group: 'accounts',
    transactional: true,
    body: newAccountBody,
    status: 201,
    response: accountResponse,
    shapeChosenByUs: true,
    modelUse: 'outbound',
  },
  'get-account': {
    method: 'GET',
    path: '/accounts/{ref}',
    description: 'Read an account',
    group: 'accounts',
    transactional: false,
    status: 200,
    response: accountResponse,
    shapeChosenByUs: true,
    modelUse: 'entity-read',
  },
  'update-account': {
    method: 'PUT',
    path: '/accounts/{ref}',
    description: 'Update an account',
    group: 'accounts',
    transactional: true,
    body: accountUpdateBody,
    status: 200,
    response: accountResponse,
    shapeChosenByUs: true,
    modelUse: 'outbound',
  },
  'update-account-parent': {
    method: 'PUT',
    path: '/accounts/{ref}/parent',
    description: "Change an account's parent",
    group: 'accounts',
    transactional: true,
    body: accountParentBody,
    status: 200,
    response: accountResponse,
    shapeChosenByUs: true,
    modelUse: 'outbound',
  },
  // The reference names the parameter {globalReference}: the account's reference, like {ref} elsewhere.
  'create-account-review': {
    method: 'POST',
    path: '/accounts/{ref}/review',
    description: 'Ask Gentrack to review an account',
    group: 'accounts',
    transactional: false,
    body: accountReviewBody,
    status: 202,
    response: accountReviewResponse,
    shapeChosenByUs: true,
    modelUse: 'outbound',
  },
  'get-account-review': {
    method: 'GET',
    path: '/accounts/{ref}/review',
    description: "Read an account's latest review",
    group: 'accounts',
    transactional: false,
    status: 200,
    response: accountReviewResponse,
    shapeChosenByUs: true,
  },
  // ---- customers
  'create-customer': {
    method: 'POST',
    path: '/customers',
    description: 'Create a customer',
    group: 'customers',
    transactional: true,
    body: newCustomerBody,
    status: 201,
    response: createdPersonResponse,
    shapeChosenByUs: true,
    modelUse: 'outbound',
  },
  'get-customer': {
    method: 'GET',
    path: '/customers/{ref}',
    description: 'Read a customer',
    group: 'customers',
    transactional: false,
    status: 200,
    response: customerResponse,
    shapeChosenByUs: true,
    modelUse: 'entity-read',
  },
  'update-customer': {
    method: 'PUT',
    path: '/customers/{ref}',
    description: 'Update a customer',
    group: 'customers',
    transactional: true,
    body: customerUpdateBody,
    status: 200,
    response: customerResponse,
    shapeChosenByUs: true,
    modelUse: 'outbound',
  },
  // ---- contacts
  'create-contact': {
    method: 'POST',
    path: '/contacts',
    description: 'Create a contact',
    group: 'contacts',
    transactional: true,
    body: newContactBody,
    status: 201,
    response: createdPersonResponse,
    shapeChosenByUs: true,
    modelUse: 'outbound',
  },
  'get-contact': {
    method: 'GET',
    path: '/contacts/{ref}',
    description: 'Read a contact',
    group: 'contacts',
    transactional: false,
    status: 200,
    response: contactResponse,
    shapeChosenByUs: true,
    modelUse: 'entity-read',
  },
  'update-contact': {
    method: 'PUT',
    path: '/contacts/{ref}',
    description: 'Update a contact',
    group: 'contacts',
    transactional: true,
    body: contactUpdateBody,
    status: 200,
    response: contactResponse,
    shapeChosenByUs: true,
    modelUse: 'outbound',
  },
  'delete-contact': {
    method: 'PUT',
    path: '/contacts/{ref}/remove',
    description: 'Remove a contact',
    group: 'contacts',
    transactional: true,
    body: contactRemoveBody,
    status: 200,
    response: contactResponse,
    shapeChosenByUs: true,
    modelUse: 'outbound',
  },
  'update-contact-relationships': {
    method: 'PUT',
    path: '/contacts/{ref}/relationships',
    description: "Add or change a contact's account relationship",
    group: 'contacts',
    transactional: true,
    body: relationshipUpsertBody,
    status: 200,
    response: contactRelationshipsResponse,
    shapeChosenByUs: true,
    modelUse: 'outbound',
  },
  'remove-contact-relationships': {
    method: 'PUT',
    path: '/contacts/{ref}/relationships/remove',
    description: "Remove a contact's account relationship",
    group: 'contacts',
    transactional: true,
    body: relationshipRemoveBody,
    status: 200,
    response: contactRelationshipsResponse,
    shapeChosenByUs: true,
    modelUse: 'outbound',
  },
  // ---- organisations
  'create-organisation': {
    method: 'POST',
    path: '/organisations',
    description: 'Create an organisation',
    group: 'organisations',
    transactional: true,
    body: newOrganisationBody,
    status: 201,
    response: createdOrganisationResponse,
    shapeChosenByUs: true,
    modelUse: 'outbound',
  },
  'get-organisation': {
    method: 'GET',
    path: '/organisations/{ref}',
    description: 'Read an organisation',
    group: 'organisations',
    transactional: false,
    status: 200,
    response: organisationResponse,
    shapeChosenByUs: true,
    modelUse: 'entity-read',
  },
  'update-organisation': {
    method: 'PUT',
    path: '/organisations/{ref}',
    description: 'Update an organisation',
    group: 'organisations',
    transactional: true,
    body: organisationUpdateBody,
    status: 200,
    response: organisationResponse,
    shapeChosenByUs: true,
    modelUse: 'outbound',
  },
  'update-organisation-relationships': {
    method: 'PUT',
    path: '/organisations/{ref}/relationships',
    description: "Add or change an organisation's relationship",
    group: 'organisations',
    transactional: true,
    body: relationshipUpsertBody,
    status: 200,
    response: organisationRelationshipsResponse,
    shapeChosenByUs: true,
    modelUse: 'outbound',
  },
  'remove-organisation-relationships': {
    method: 'PUT',
    path: '/organisations/{ref}/relationships/remove',
    description: "Remove an organisation's relationship",
    group: 'organisations',
    transactional: true,
    body: relationshipRemoveBody,
    status: 200,
    response: organisationRelationshipsResponse,
    shapeChosenByUs: true,
    modelUse: 'outbound',
  },
  // ---- balances, bills and billing
  'get-account-balance': {
    method: 'GET',
    path: '/accounts/{ref}/balance',
    description: "Read an account's balance and overdue amount",
    group: 'bills',
    transactional: false,
    status: 200,
    response: accountBalanceResponse,
    shapeChosenByUs: true,
  },
  'get-account-bills': {
    method: 'GET',
    path: '/accounts/{ref}/bills',
    description: "List an account's bills, newest first",
    group: 'bills',
    transactional: false,
    query: billsQuery,
    status: 200,
    response: billsResponse,
    shapeChosenByUs: true,
  },
  'get-bill-image': {
    method: 'GET',
    path: '/bills/{billId}/image',
    description: 'Read the PDF of a bill',
    group: 'bills',
    transactional: false,
    status: 200,
    response: billImageResponse,
    shapeChosenByUs: true,
  },
  'get-bill-meter-reads': {
    method: 'GET',
    path: '/bills/{billId}/meter-reads',
    description: 'Read the meter reads a bill was calculated from',
    group: 'bills',
    transactional: false,
    status: 200,
    response: billMeterReadsResponse,
    shapeChosenByUs: true,
  },
  'fix-bill': {
    method: 'POST',
    path: '/bills/{billId}/fix',
    description: 'Ask for a wrong bill to be re-billed or cancelled',
    group: 'bills',
    transactional: true,
    body: fixBillBody,
    status: 202,
    response: fixBillResponse,
    shapeChosenByUs: true,
  },
  'get-billing-information': {
    method: 'GET',
    path: '/accounts/{ref}/billing-information',
    description: "Read an account's billing cycle, delivery and next bill date",
    group: 'bills',
    transactional: false,
    status: 200,
    response: billingInformationResponse,
    shapeChosenByUs: true,
  },
  'get-financial-transactions': {
    method: 'GET',
    path: '/accounts/{ref}/financial-transactions',
    description: "List an account's bills, payments, adjustments and refunds, newest first",
    group: 'bills',
    transactional: false,
    query: financialTransactionsQuery,
    status: 200,
    response: financialTransactionsResponse,
    shapeChosenByUs: true,
  },
  // ---- payments
  'get-payment-arrangements': {
    method: 'GET',
    path: '/accounts/{ref}/payment-arrangements',
    description: "List an account's payment arrangements",
    group: 'payments',
    transactional: false,
    status: 200,
    response: paymentArrangementsResponse,
    shapeChosenByUs: true,
  },
  'create-payment-arrangement': {
    method: 'POST',
    path: '/accounts/{ref}/payment-arrangements',
    description: 'Agree instalments for what an account owes',
    group: 'payments',
    transactional: true,
    body: newPaymentArrangementBody,
    status: 201,
    response: paymentArrangement,
    shapeChosenByUs: true,
  },
  'delete-payment-arrangement': {
    method: 'DELETE',
    path: '/payment-arrangements/{ref}',
    description: 'Cancel a payment arrangement',
    group: 'payments',
    transactional: true,
    status: 200,
    response: paymentArrangement,
    shapeChosenByUs: true,
  },
  'get-payment-methods': {
    method: 'GET',
    path: '/accounts/{ref}/payment-methods',
    description: "List an account's payment methods (masked)",
    group: 'payments',
    transactional: false,
    status: 200,
    response: paymentMethodsResponse,
    shapeChosenByUs: true,
  },
  'create-payment-method': {
    method: 'POST',
    path: '/accounts/{ref}/payment-methods',
    description: 'Add a direct debit bank account or a tokenised card',
    group: 'payments',
    transactional: true,
    body: newPaymentMethodBody,
    status: 201,
    response: paymentMethod,
    shapeChosenByUs: true,
  },
  'get-payment-terms': {
    method: 'GET',
    path: '/accounts/{ref}/payment-terms',
    description: "Read an account's payment terms",
    group: 'payments',
    transactional: false,
    status: 200,
    response: paymentTermsResponse,
    shapeChosenByUs: true,
  },
  'get-overdue-payments': {
    method: 'GET',
    path: '/accounts/{ref}/overdue-payments',
    description: "List an account's overdue bills and the total overdue",
    group: 'payments',
    transactional: false,
    status: 200,
    response: overduePaymentsResponse,
    shapeChosenByUs: true,
  },
  'get-suggested-payment-amount': {
    method: 'GET',
    path: '/accounts/{ref}/suggested-payment-amount',
    description: 'Suggest a regular payment that keeps the account in credit',
    group: 'payments',
    transactional: false,
    query: suggestedPaymentAmountQuery,
    status: 200,
    response: suggestedPaymentAmountResponse,
    shapeChosenByUs: true,
  },
  'get-payment-review-date': {
    method: 'GET',
    path: '/accounts/{ref}/payment-review-date',
    description: 'Read when collections next review the account',
    group: 'payments',
    transactional: false,
    status: 200,
    response: paymentReviewDateResponse,
    shapeChosenByUs: true,
  },
  'update-payment-review-date': {
    method: 'PUT',
    path: '/accounts/{ref}/payment-review-date',
    description: 'Set when collections next review the account',
    group: 'payments',
    transactional: true,
    body: paymentReviewDateBody,
    status: 200,
    response: paymentReviewDateResponse,
    shapeChosenByUs: true,
  },
  'create-refund-request': {
    method: 'POST',
    path: '/accounts/{ref}/refund-request',
    description: "Ask for (part of) an account's credit to be paid back",
    group: 'payments',
    transactional: true,
    body: refundRequestBody,
    status: 201,
    response: refundRequestResponse,
    shapeChosenByUs: true,
  },
  // ---- service points and meters
  'get-meter-structure': {
    method: 'GET',
    path: '/service-points/{id}/structure',
    description: "Read a service point's meters and registers",
    group: 'meters',
    transactional: false,
    status: 200,
    response: meterStructureResponse,
    shapeChosenByUs: true,
  },
  'get-meter-read-history': {
    method: 'GET',
    path: '/service-points/{id}/meter-read-history',
    description: "List a service point's meter reads, newest first",
    group: 'meters',
    transactional: false,
    query: meterReadHistoryQuery,
    status: 200,
    response: meterReadHistoryResponse,
    shapeChosenByUs: true,
  },
  'validate-meter-reads': {
    method: 'POST',
    path: '/service-points/{id}/validate-meter-reads',
    description: "Check reads against Gentrack's validation rules without storing them",
    group: 'meters',
    transactional: true,
    body: meterReadsBody,
    status: 200,
    response: validateMeterReadsResponse,
    shapeChosenByUs: true,
  },
  'submit-meter-reads': {
    method: 'POST',
    path: '/service-points/{id}/submit-meter-reads',
    description: 'Store reads that pass the validation rules (all or none)',
    group: 'meters',
    transactional: true,
    body: meterReadsBody,
    status: 201,
    response: submitMeterReadsResponse,
    shapeChosenByUs: true,
  },
} as const satisfies Record<string, GentrackApiOperation>;

export type GentrackApiOperations = typeof GENTRACK_API_OPERATIONS;
export type GentrackApiOperationName = keyof GentrackApiOperations;
export const GENTRACK_API_OPERATION_NAMES = Object.keys(GENTRACK_API_OPERATIONS) as GentrackApiOperationName[];

/** The names of `{name}` parameters in a path: `/bills/{billId}/fix` -> 'billId'. */
export type PathParameterNames<P extends string> = P extends `${string}{${infer Name}}${infer Rest}`
  ? Name | PathParameterNames<Rest>
  : never;

/** The query parameters an operation takes (the keys of its query shape); none when it has no query. */
export function queryParameterNames(operation: GentrackApiOperation): string[] {
  const shape = (operation.query as { shape?: Record<string, unknown> } | undefined)?.shape;
  return shape === undefined ? [] : Object.keys(shape);
}

export function pathParameterNames(path: string): string[] {
  return [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]!);
}

type NamesUsedAs<U extends GentrackApiOperation['modelUse']> = {
  [N in GentrackApiOperationName]: GentrackApiOperations[N] extends { modelUse: U } ? N : never;
}[GentrackApiOperationName];

function usedAs<U extends GentrackApiOperation['modelUse']>(use: U) {
  return Object.fromEntries(
    Object.entries(GENTRACK_API_OPERATIONS as Record<string, GentrackApiOperation>).filter(
      ([, operation]) => operation.modelUse === use,
    ),
  ) as { [N in NamesUsedAs<U>]: GentrackApiOperations[N] };
}

/**
 * The operations the connector model may map Salesforce changes onto (`operations.insert/update/delete/undelete`).
 * `{ref}` in a path is filled from the operation rule's reference field.
 */
export const GENTRACK_OPERATIONS = usedAs('outbound');

export type GentrackOperationName = keyof typeof GENTRACK_OPERATIONS;

/**
 * Names the connector model used before it followed Gentrack's connector reference. The loader still accepts them,
 * warning with the new name (model/deprecated-operation-names.ts).
 */
export const DEPRECATED_OPERATION_NAMES = {
  'review-account': 'create-account-review',
  'remove-contact': 'delete-contact',
} as const satisfies Record<string, GentrackOperationName>;

export type DeprecatedOperationName = keyof typeof DEPRECATED_OPERATION_NAMES;

export const GENTRACK_OPERATION_NAMES = Object.keys(GENTRACK_OPERATIONS) as GentrackOperationName[];

export function operationNeedsReference(name: GentrackOperationName): boolean {
  return GENTRACK_OPERATIONS[name].path.includes('{ref}');
}

/**
 * Gentrack operations that read one entity by its reference: what an on-demand sync from Gentrack to Salesforce
 * (model key `relay.onDemandSync.<Object>.read`) fetches before upserting the Gentrack-mastered fields.
 */
export const GENTRACK_READ_OPERATIONS = usedAs('entity-read');

export type GentrackReadOperationName = keyof typeof GENTRACK_READ_OPERATIONS;

export const GENTRACK_READ_OPERATION_NAMES = Object.keys(GENTRACK_READ_OPERATIONS) as GentrackReadOperationName[];
