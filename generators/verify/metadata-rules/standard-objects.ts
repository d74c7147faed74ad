/**
 * What the verifier knows about Salesforce's standard objects, to resolve permission-set references that do not point
 * into the project.
 *
 * Kept independent of model/standard-objects.ts on purpose: a verifier that shares the generator's tables
 * cannot catch a mistake in them. Field lists follow Salesforce's Object Reference (API 62.0).
 */

export interface StandardObjectFields {
  /** Every standard field a permission set may name (compound address fields and their parts). */
  readonly fields: readonly string[];
  /**
   * Fields that exist but take no field-level security (required or system fields): the deploy rejects a
   * fieldPermissions entry for them.
   */
  readonly notPermissionable: readonly string[];
}

const SYSTEM_FIELDS = [
  'Id',
  'IsDeleted',
  'CreatedDate',
  'CreatedById',
  'LastModifiedDate',
  'LastModifiedById',
  'SystemModstamp',
  'LastViewedDate',
  'LastReferencedDate',
];

const address = (prefix: string): string[] =>
  ['Address', 'Street', 'City', 'State', 'PostalCode', 'Country', 'Latitude', 'Longitude', 'GeocodeAccuracy'].map(
    (part) => `${prefix}${part}`,
  );

/** Standard objects whose fields are verified. */
export const STANDARD_OBJECT_FIELDS: Readonly<Record<string, StandardObjectFields>> = {
  Account: {
    fields: [
      ...SYSTEM_FIELDS,
      'MasterRecordId',
      'LastActivityDate',
      'PhotoUrl',
      'Name',
      'OwnerId',
      'AccountNumber',
      'AccountSource',
      'AnnualRevenue',
      'CleanStatus',
      'Description',
      'DunsNumber',
      'Fax',
      'Industry',
      'Jigsaw',
      'NaicsCode',
      'NaicsDesc',
      'NumberOfEmployees',
      'OperatingHoursId',
      'Ownership',
      'ParentId',
      'Phone',
      'Rating',
      'Sic',
      'SicDesc',
      'Site',
      'TickerSymbol',
      'Tradestyle',
      'Type',
      'Website',
      'YearStarted',
      ...address('Billing'),
      ...address('Shipping'),
    ],
    notPermissionable: [...SYSTEM_FIELDS, 'MasterRecordId', 'LastActivityDate', 'PhotoUrl', 'Name', 'OwnerId'],
  },
  Contact: {
    fields: [
      ...SYSTEM_FIELDS,
      'MasterRecordId',
      'LastActivityDate',
      'PhotoUrl',
      'Name',
      'LastName',
      'OwnerId',
      'AccountId',
      'AssistantName',
      'AssistantPhone',
      'Birthdate',
      'Department',
      'Description',
      'DoNotCall',
      'Email',
      'EmailBouncedDate',
      'EmailBouncedReason',
      'Fax',
      'FirstName',
      'MiddleName',
      'Suffix',
      'HasOptedOutOfEmail',
      'HasOptedOutOfFax',
      'HomePhone',
      'IndividualId',
      'Jigsaw',
      'LeadSource',
      'MobilePhone',
      'OtherPhone',
      'Phone',
      'ReportsToId',
      'Salutation',
      'Title',
      ...address('Mailing'),
      ...address('Other'),
    ],
    notPermissionable: [
      ...SYSTEM_FIELDS,
      'MasterRecordId',
      'LastActivityDate',
      'PhotoUrl',
      'Name',
      'LastName',
      'OwnerId',
    ],
  },
  AccountContactRelation: {
    fields: [...SYSTEM_FIELDS, 'AccountId', 'ContactId', 'IsDirect', 'IsActive', 'Roles', 'StartDate', 'EndDate'],
    notPermissionable: [...SYSTEM_FIELDS, 'AccountId', 'ContactId', 'IsDirect'],
  },
};

/** Standard objects a permission set may name whose fields the verifier does not list (standard fields pass). */
export const OTHER_STANDARD_OBJECTS: readonly string[] = [
  'Asset',
  'Campaign',
  'CampaignMember',
  'Case',
  'Contract',
  'Entitlement',
  'Event',
  'Individual',
  'Lead',
  'Opportunity',
  'OpportunityContactRole',
  'OpportunityLineItem',
  'Order',
  'OrderItem',
  'Pricebook2',
  'PricebookEntry',
  'Product2',
  'Quote',
  'QuoteLineItem',
  'ServiceContract',
  'Task',
  'User',
  'WorkOrder',
];
