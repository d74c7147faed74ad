/**
 * The standard Salesforce objects the connector model can sync, with the standard fields a mapping may name.
 *
 * The model loader rejects a standard field that is not listed here (a typo would otherwise only surface at deploy
 * time), the sandbox org describes these objects from this table, and the generated Apex tests build valid records
 * with each object's `testRecords` recipe. To sync another standard object, add it here.
 */

/** Field types as Salesforce's describe reports them. */
export type DescribeFieldType =
  | 'id'
  | 'string'
  | 'textarea'
  | 'email'
  | 'phone'
  | 'url'
  | 'picklist'
  | 'multipicklist'
  | 'boolean'
  | 'date'
  | 'datetime'
  | 'double'
  | 'currency'
  | 'percent'
  | 'int'
  | 'reference';

export interface StandardField {
  readonly name: string;
  readonly label: string;
  readonly type: DescribeFieldType;
  readonly length?: number;
  readonly referenceTo?: string;
  /** False for fields Salesforce sets itself (audit fields, IsDirect on AccountContactRelation). */
  readonly updateable: boolean;
  readonly required?: boolean;
}

export interface StandardObject {
  readonly name: string;
  readonly label: string;
  readonly pluralLabel: string;
  /** The three-character Id prefix, used by the sandbox org to mint realistic record ids. */
  readonly keyPrefix: string;
  /** Salesforce allows `after undelete` triggers only on objects that go to the Recycle Bin. */
  readonly supportsUndelete: boolean;
  readonly fields: readonly StandardField[];
  /**
   * Apex statements that build `count` valid, unsaved records into a `List<SObject> records` variable, inserting any
   * parent records they need. Used by the generated GentrackTestData factory.
   */
  readonly testRecords: string;
}

const text = (name: string, label: string, length = 255): StandardField => ({
  name,
  label,
  type: 'string',
  length,
  updateable: true,
});
const typed = (name: string, label: string, type: DescribeFieldType, length?: number): StandardField => ({
  name,
  label,
  type,
  updateable: true,
  ...(length === undefined ? {} : { length }),
});
const lookup = (name: string, label: string, referenceTo: string, required = false): StandardField => ({
  name,
  label,
  type: 'reference',
  length: 18,
  referenceTo,
  updateable: true,
  required,
});
const systemField = (name: string, label: string, type: DescribeFieldType): StandardField => ({
  name,
  label,
  type,
  updateable: false,
});

const auditFields: readonly StandardField[] = [
  systemField('Id', 'Record ID', 'id'),
  systemField('CreatedDate', 'Created Date', 'datetime'),
  lookup('CreatedById', 'Created By ID', 'User'),
  systemField('LastModifiedDate', 'Last Modified Date', 'datetime'),
  lookup('LastModifiedById', 'Last Modified By ID', 'User'),
  systemField('SystemModstamp', 'System Modstamp', 'datetime'),
];

const address = (prefix: string, label: string): StandardField[] => [
  typed(`${prefix}Street`, `${label} Street`, 'textarea', 255),
  text(`${prefix}City`, `${label} City`, 40),
  text(`${prefix}State`, `${label} State/Province`, 80),
  text(`${prefix}PostalCode`, `${label} Zip/Postal Code`, 20),
  text(`${prefix}Country`, `${label} Country`, 80),
];

export const STANDARD_OBJECTS: Readonly<Record<string, StandardObject>> = {
  Account: {
    name: 'Account',
    label: 'Account',
    pluralLabel: 'Accounts',
    keyPrefix: '001',
    supportsUndelete: true,
    fields: [
      ...auditFields,
      { ...text('Name', 'Account Name'), required: true },
      typed('Phone', 'Account Phone', 'phone', 40),
      typed('Fax', 'Account Fax', 'phone', 40),
      typed('Website', 'Website', 'url', 255),
      text('AccountNumber', 'Account Number', 40),
      text('Site', 'Account Site', 80),
      typed('Type', 'Account Type', 'picklist', 255),
      typed('Industry', 'Industry', 'picklist', 255),
      typed('AnnualRevenue', 'Annual Revenue', 'currency'),
      typed('NumberOfEmployees', 'Employees', 'int'),
      typed('Description', 'Account Description', 'textarea', 32000),
      lookup('ParentId', 'Parent Account ID', 'Account'),
      lookup('OwnerId', 'Owner ID', 'User'),
      ...address('Billing', 'Billing'),
      ...address('Shipping', 'Shipping'),
    ],
    testRecords: `for (Integer i = 0; i < count; i++) {
            records.add(new Account(Name = 'Gentrack Test Account ' + i));
        }`,
  },
  Contact: {
    name: 'Contact',
    label: 'Contact',
    pluralLabel: 'Contacts',
    keyPrefix: '003',
    supportsUndelete: true,
    fields: [
      ...auditFields,
      typed('Salutation', 'Salutation', 'picklist', 40),
      text('FirstName', 'First Name', 40),
      { ...text('LastName', 'Last Name', 80), required: true },
      text('Title', 'Title', 128),
      text('Department', 'Department', 80),
      typed('Email', 'Email', 'email', 80),
      typed('Phone', 'Business Phone', 'phone', 40),
      typed('MobilePhone', 'Mobile Phone', 'phone', 40),
      typed('HomePhone', 'Home Phone', 'phone', 40),
      typed('Birthdate', 'Birthdate', 'date'),
      typed('HasOptedOutOfEmail', 'Email Opt Out', 'boolean'),
      typed('Description', 'Contact Description', 'textarea', 32000),
      lookup('AccountId', 'Account ID', 'Account'),
      lookup('ReportsToId', 'Reports To ID', 'Contact'),
      lookup('OwnerId', 'Owner ID', 'User'),
      ...address('Mailing', 'Mailing'),
    ],
    testRecords: `for (Integer i = 0; i < count; i++) {
            records.add(new Contact(FirstName = 'Gentrack', LastName = 'Test Contact ' + i));
        }`,
  },
  AccountContactRelation: {
    name: 'AccountContactRelation',
    label: 'Account Contact Relationship',
    pluralLabel: 'Account Contact Relationships',
    keyPrefix: '07k',
    supportsUndelete: false,
    fields: [
      ...auditFields,
      lookup('AccountId', 'Account ID', 'Account', true),
      lookup('ContactId', 'Contact ID', 'Contact', true),
      typed('Roles', 'Roles', 'multipicklist', 4099),
      typed('IsActive', 'Active', 'boolean'),
      typed('StartDate', 'Start Date', 'date'),
      typed('EndDate', 'End Date', 'date'),
      systemField('IsDirect', 'Direct', 'boolean'),
    ],
    // A contact's direct relationship is created with the contact; the records built here are indirect ones.
    testRecords: `Account home = new Account(Name = 'Gentrack Test Home Account');
        insert home;
        List<Account> accounts = new List<Account>();
        List<Contact> contacts = new List<Contact>();
        for (Integer i = 0; i < count; i++) {
            accounts.add(new Account(Name = 'Gentrack Test Related Account ' + i));
            contacts.add(new Contact(LastName = 'Gentrack Test Contact ' + i, AccountId = home.Id));
        }
        insert accounts;
        insert contacts;
        for (Integer i = 0; i < count; i++) {
            records.add(new AccountContactRelation(AccountId = accounts[i].Id, ContactId = contacts[i].Id));
        }`,
  },
  Opportunity: {
    name: 'Opportunity',
    label: 'Opportunity',
    pluralLabel: 'Opportunities',
    keyPrefix: '006',
    supportsUndelete: true,
    fields: [
      ...auditFields,
      { ...text('Name', 'Name', 120), required: true },
      { ...typed('StageName', 'Stage', 'picklist', 255), required: true },
      { ...typed('CloseDate', 'Close Date', 'date'), required: true },
      typed('Amount', 'Amount', 'currency'),
      typed('Description', 'Description', 'textarea', 32000),
      lookup('AccountId', 'Account ID', 'Account'),
    ],
    testRecords: `for (Integer i = 0; i < count; i++) {
            records.add(new Opportunity(Name = 'Gentrack Test Opportunity ' + i, StageName = 'Prospecting', CloseDate = Date.today().addDays(30)));
        }`,
  },
  Quote: {
    name: 'Quote',
    label: 'Quote',
    pluralLabel: 'Quotes',
    keyPrefix: '0Q0',
    supportsUndelete: true,
    fields: [
      ...auditFields,
      { ...text('Name', 'Quote Name'), required: true },
      typed('Status', 'Status', 'picklist', 40),
      typed('ExpirationDate', 'Expiration Date', 'date'),
      typed('Description', 'Description', 'textarea', 32000),
      typed('Email', 'Email', 'email', 80),
      typed('Phone', 'Phone', 'phone', 40),
      { ...lookup('OpportunityId', 'Opportunity ID', 'Opportunity'), required: true },
      lookup('AccountId', 'Account ID', 'Account'),
      lookup('ContactId', 'Contact ID', 'Contact'),
    ],
    testRecords: `Opportunity opportunity = new Opportunity(Name = 'Gentrack Test Opportunity', StageName = 'Prospecting', CloseDate = Date.today().addDays(30));
        insert opportunity;
        for (Integer i = 0; i < count; i++) {
            records.add(new Quote(Name = 'Gentrack Test Quote ' + i, OpportunityId = opportunity.Id));
        }`,
  },
  Order: {
    name: 'Order',
    label: 'Order',
    pluralLabel: 'Orders',
    keyPrefix: '801',
    supportsUndelete: true,
    fields: [
      ...auditFields,
      text('Name', 'Order Name', 80),
      { ...typed('Status', 'Status', 'picklist', 40), required: true },
      { ...typed('EffectiveDate', 'Order Start Date', 'date'), required: true },
      typed('EndDate', 'Order End Date', 'date'),
      typed('Description', 'Description', 'textarea', 32000),
      { ...lookup('AccountId', 'Account ID', 'Account'), required: true },
      lookup('ContractId', 'Contract ID', 'Contract'),
      ...address('Billing', 'Billing'),
    ],
    testRecords: `Account account = new Account(Name = 'Gentrack Test Order Account');
        insert account;
        for (Integer i = 0; i < count; i++) {
            records.add(new Order(Name = 'Gentrack Test Order ' + i, AccountId = account.Id, Status = 'Draft', EffectiveDate = Date.today()));
        }`,
  },
};

export function findStandardField(objectName: string, fieldName: string): StandardField | undefined {
  const lower = fieldName.toLowerCase();
  return STANDARD_OBJECTS[objectName]?.fields.find((field) => field.name.toLowerCase() === lower);
}
