/**
 * Small extracts for the initial synchronisation's end-to-end tests (the CLI's and the portal's): a mixed extract
 * whose bad rows each fail for a different reason (11 rows in all: 4 unmapped, 7 refused by Salesforce), and the
 * same data fixed, which loads completely.
 */

export const jsonl = (...records: unknown[]) =>
  records.map((record) => (typeof record === 'string' ? record : JSON.stringify(record))).join('\n') + '\n';

const ACCOUNTS = jsonl(
  {
    accountNumber: 'A-1',
    account: {
      name: 'Kauri Energy',
      phone: '+64 9 555 0101',
      billingAddress: { city: 'Auckland', country: 'NZ' },
      accountClass: 'Business',
      status: 'Active',
    },
  },
  {
    accountNumber: 'A-2',
    parentAccountNumber: 'A-1',
    account: { name: 'Kauri Energy North', accountClass: 'Business' },
  },
  {
    accountNumber: 'A-3',
    account: { name: 'Rimu Homes', accountClass: 'Residential', tradingName: 'Rimu, "the" homes\nsecond line' },
  },
  { accountNumber: 'A-4', account: { name: 'Bad Class', accountClass: 'Alien' } },
  { account: { name: 'No number' } },
  'not json',
  { accountNumber: 'A-5', account: { name: 'Totara', companyNumber: '1'.repeat(50) } },
);
const CONTACTS = [
  'customerNumber,accountNumber,contact.firstName,contact.lastName,contact.email,contact.dateOfBirth,contact.segment',
  'C-1,A-1,Aroha,Ngata,aroha@example.com,1980-02-29,Standard',
  'C-2,A-1,Ben,Smith,ben@x,1990-01-01,',
  'C-3,A-3,Cara,,,,',
  'C-4,A-9,Dan,Doe,,,',
  'C-5,A-2,Eve,Tan,,1990-02-30,',
  'C-6,A-4,Fay,Lee,,,',
  'C-7,A-3,"Gus, Jr",Hone,gus@example.com,,Vulnerable',
].join('\r\n');
const RELATIONS = jsonl(
  {
    relationship: {
      relationshipId: 'R-1',
      accountNumber: 'A-2',
      customerNumber: 'C-1',
      roles: ['Billing'],
      startDate: '2020-01-01',
      active: true,
    },
  },
  // C-1's primary account: Salesforce created this relationship with the contact, so the row adopts it.
  { relationship: { relationshipId: 'R-2', accountNumber: 'A-1', customerNumber: 'C-1', roles: ['Primary'] } },
  { relationship: { relationshipId: 'R-3', accountNumber: 'A-3', customerNumber: 'C-9' } },
  { relationship: { relationshipId: 'R-4', accountNumber: 'A-3' } },
);
export const MIXED = { 'accounts.jsonl': ACCOUNTS, 'contacts.csv': CONTACTS, 'relations.jsonl': RELATIONS };
export const FIXED = {
  'accounts.jsonl': ACCOUNTS.replace('"Alien"', '"Government"')
    .replace('{"account":{"name":"No number"}}', '{"accountNumber":"A-6","account":{"name":"Now numbered"}}')
    .replace('not json\n', '')
    .replace('1'.repeat(50), '1'.repeat(40)),
  'contacts.csv': CONTACTS.replace('ben@x', 'ben@example.com')
    .replace('C-3,A-3,Cara,,', 'C-3,A-3,Cara,Reti,')
    .replace('A-9', 'A-3')
    .replace('1990-02-30', '1990-02-28'),
  'relations.jsonl': RELATIONS.replace('"C-9"', '"C-2"').replace(
    '"accountNumber":"A-3"}',
    '"accountNumber":"A-3","customerNumber":"C-3"}',
  ),
};
