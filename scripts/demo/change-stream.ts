/**
 * A stream of realistic changes a utility retailer's sales team makes in Salesforce: new business and residential
 * accounts, their contacts, extra account-contact relationships, edits of names, phones and addresses, and the odd
 * deletion. Every change goes through the sandbox org's REST API with jsforce, as a person would make it.
 */
import type { Connection } from 'jsforce';

const COMPANIES = ['Kauri', 'Totara', 'Rimu', 'Kowhai', 'Pohutukawa', 'Matai', 'Tawa', 'Miro', 'Harakeke', 'Manuka'];
const KINDS = ['Energy', 'Dairy', 'Timber', 'Logistics', 'Orchards', 'Engineering', 'Hospitality', 'Motors'];
const FIRST_NAMES = ['Aroha', 'Wiremu', 'Mere', 'Tama', 'Olivia', 'Jack', 'Isla', 'Noah', 'Charlotte', 'Liam'];
const LAST_NAMES = ['Ngata', 'Smith', 'Williams', 'Tane', 'Brown', 'Wilson', 'Parata', 'Taylor', 'Walker', 'Clark'];
const CITIES = ['Auckland', 'Wellington', 'Christchurch', 'Hamilton', 'Dunedin', 'Tauranga', 'Napier', 'Nelson'];
const STREETS = ['Queen Street', 'Lambton Quay', 'Colombo Street', 'Victoria Street', 'George Street', 'Cameron Road'];

export interface ChangeCounts {
  readonly [key: string]: number;
}

export class ChangeStream {
  private readonly accounts: string[] = [];
  /** Each contact with the accounts it is related to (its direct account first). */
  private readonly contacts: { id: string; accountIds: string[] }[] = [];
  private readonly counts = new Map<string, number>();
  private failures = 0;
  private lastFailure?: string;

  constructor(
    private readonly connection: Connection,
    private readonly random: () => number = Math.random,
  ) {}

  get summary(): { counts: ChangeCounts; failures: number; lastFailure?: string } {
    return {
      counts: Object.fromEntries(this.counts),
      failures: this.failures,
      ...(this.lastFailure ? { lastFailure: this.lastFailure } : {}),
    };
  }

  /** Makes one change, chosen so the data grows first and is edited later. */
  async next(): Promise<void> {
    try {
      const roll = this.random();
      if (this.accounts.length < 3 || roll < 0.2) await this.createAccount();
      else if (this.contacts.length < 3 || roll < 0.4) await this.createContact();
      else if (roll < 0.5) await this.relateContact();
      else if (roll < 0.75) await this.editAccount();
      else if (roll < 0.95) await this.editContact();
      else await this.deleteContact();
    } catch (error) {
      this.failures++;
      this.lastFailure = (error as Error).message;
    }
  }

  private count(key: string): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)]!;
  }

  private phone(): string {
    return `+64 ${Math.floor(20 + this.random() * 9)} ${Math.floor(100 + this.random() * 899)} ${Math.floor(1000 + this.random() * 8999)}`;
  }

  private async createAccount(): Promise<void> {
    const name = `${this.pick(COMPANIES)} ${this.pick(KINDS)}`;
    const result = (await this.connection.sobject('Account').create({
      Name: name,
      Phone: this.phone(),
      BillingStreet: `${Math.floor(1 + this.random() * 300)} ${this.pick(STREETS)}`,
      BillingCity: this.pick(CITIES),
      BillingCountry: 'New Zealand',
      Trading_Name__c: name.split(' ')[0],
    })) as { id: string };
    this.accounts.push(result.id);
    this.count('Account insert');
  }

  private async createContact(): Promise<void> {
    const firstName = this.pick(FIRST_NAMES);
    const lastName = this.pick(LAST_NAMES);
    const accountId = this.pick(this.accounts);
    const result = (await this.connection.sobject('Contact').create({
      FirstName: firstName,
      LastName: lastName,
      Email: `${firstName}.${lastName}.${Math.floor(this.random() * 1000)}@example.co.nz`.toLowerCase(),
      MobilePhone: this.phone(),
      AccountId: accountId,
    })) as { id: string };
    this.contacts.push({ id: result.id, accountIds: [accountId] });
    this.count('Contact insert');
  }

  private async relateContact(): Promise<void> {
    const contact = this.pick(this.contacts);
    // Salesforce refuses a second relation between the same account and contact (DUPLICATE_VALUE).
    const accountId = this.pick(this.accounts.filter((id) => !contact.accountIds.includes(id)));
    if (!accountId) return;
    await this.connection
      .sobject('AccountContactRelation')
      .create({ AccountId: accountId, ContactId: contact.id, Roles: 'Payer' });
    contact.accountIds.push(accountId);
    this.count('AccountContactRelation insert');
  }

  private async editAccount(): Promise<void> {
    const changes = this.random() < 0.5 ? { Phone: this.phone() } : { BillingCity: this.pick(CITIES) };
    await this.connection.sobject('Account').update({ Id: this.pick(this.accounts), ...changes });
    this.count('Account update');
  }

  private async editContact(): Promise<void> {
    await this.connection.sobject('Contact').update({ Id: this.pick(this.contacts).id, MobilePhone: this.phone() });
    this.count('Contact update');
  }

  private async deleteContact(): Promise<void> {
    const index = Math.floor(this.random() * this.contacts.length);
    const [contact] = this.contacts.splice(index, 1);
    await this.connection.sobject('Contact').destroy(contact!.id);
    this.count('Contact delete');
  }
}
