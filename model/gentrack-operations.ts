/**
 * The Gentrack CRM API operations the connector model may map Salesforce changes onto (design.md, "Gentrack API
 * facts"). `{ref}` in a path is filled from the operation rule's reference field.
 */
export interface GentrackOperation {
  readonly method: 'POST' | 'PUT' | 'DELETE';
  readonly path: string;
  readonly description: string;
}

export const GENTRACK_OPERATIONS = {
  'customer-sync': { method: 'POST', path: '/customer-sync', description: 'Create or update a customer and account' },
  'create-account': { method: 'POST', path: '/accounts', description: 'Create an account' },
  'update-account': { method: 'PUT', path: '/accounts/{ref}', description: 'Update an account' },
  'update-account-parent': { method: 'PUT', path: '/accounts/{ref}/parent', description: "Change an account's parent" },
  'create-account-review': {
    method: 'POST',
    path: '/accounts/{ref}/review',
    description: 'Ask Gentrack to review an account',
  },
  'create-customer': { method: 'POST', path: '/customers', description: 'Create a customer' },
  'update-customer': { method: 'PUT', path: '/customers/{ref}', description: 'Update a customer' },
  'create-contact': { method: 'POST', path: '/contacts', description: 'Create a contact' },
  'update-contact': { method: 'PUT', path: '/contacts/{ref}', description: 'Update a contact' },
  'delete-contact': { method: 'PUT', path: '/contacts/{ref}/remove', description: 'Remove a contact' },
  'update-contact-relationships': {
    method: 'PUT',
    path: '/contacts/{ref}/relationships',
    description: "Add or change a contact's account relationship",
  },
  'remove-contact-relationships': {
    method: 'PUT',
    path: '/contacts/{ref}/relationships/remove',
    description: "Remove a contact's account relationship",
  },
  'create-organisation': { method: 'POST', path: '/organisations', description: 'Create an organisation' },
  'update-organisation': { method: 'PUT', path: '/organisations/{ref}', description: 'Update an organisation' },
  'update-organisation-relationships': {
    method: 'PUT',
    path: '/organisations/{ref}/relationships',
    description: "Add or change an organisation's relationship",
  },
  'remove-organisation-relationships': {
    method: 'PUT',
    path: '/organisations/{ref}/relationships/remove',
    description: "Remove an organisation's relationship",
  },
} as const satisfies Record<string, GentrackOperation>;

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
export interface GentrackReadOperation {
  readonly method: 'GET';
  readonly path: string;
  readonly description: string;
}

export const GENTRACK_READ_OPERATIONS = {
  'get-account': { method: 'GET', path: '/accounts/{ref}', description: 'Read an account' },
  'get-contact': { method: 'GET', path: '/contacts/{ref}', description: 'Read a contact' },
  'get-customer': { method: 'GET', path: '/customers/{ref}', description: 'Read a customer' },
  'get-organisation': { method: 'GET', path: '/organisations/{ref}', description: 'Read an organisation' },
} as const satisfies Record<string, GentrackReadOperation>;

export type GentrackReadOperationName = keyof typeof GENTRACK_READ_OPERATIONS;

export const GENTRACK_READ_OPERATION_NAMES = Object.keys(GENTRACK_READ_OPERATIONS) as GentrackReadOperationName[];
