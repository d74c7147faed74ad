/**
 * A synthetic Gentrack extract, for the initial-sync benchmark and the sample `gentrack-sf sandbox` offers: N
 * accounts (every tenth with a parent account), one contact per account (its primary account), and one relationship
 * per contact to the next account (an indirect relationship, Roles and a start date). Written as JSON Lines, streamed to disk: the generator holds one line at a
 * time.
 */
import { once } from 'node:events';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import path from 'node:path';

const CLASSES = ['Residential', 'Business', 'Government'];
const SEGMENTS = ['Standard', 'Vulnerable', 'Medical', 'Priority'];
const CITIES = ['Auckland', 'Wellington', 'Christchurch', 'Hamilton', 'Dunedin'];

export interface SyntheticExtract {
  readonly dir: string;
  readonly accounts: number;
  readonly records: { readonly accounts: number; readonly contacts: number; readonly relations: number };
  readonly bytes: number;
}

export async function writeSyntheticExtract(dir: string, accounts: number): Promise<SyntheticExtract> {
  mkdirSync(dir, { recursive: true });
  let bytes = 0;
  const write = async (file: string, line: (index: number) => string) => {
    const stream = createWriteStream(path.join(dir, file), { highWaterMark: 1024 * 1024 });
    for (let index = 0; index < accounts; index++) {
      const text = `${line(index)}\n`;
      bytes += text.length;
      if (!stream.write(text)) await once(stream, 'drain');
    }
    await close(stream);
  };
  const pad = (index: number) => String(index).padStart(7, '0');
  await write('accounts.jsonl', (index) =>
    JSON.stringify({
      accountNumber: `A${pad(index)}`,
      ...(index % 10 === 9 ? { parentAccountNumber: `A${pad(index - 1)}` } : {}),
      account: {
        name: `Synthetic Energy Customer ${index}`,
        phone: `+64 9 ${String(1_000_000 + index).slice(-7)}`,
        billingAddress: {
          street: `${index % 500} Queen Street`,
          city: CITIES[index % CITIES.length],
          postcode: String(1000 + (index % 9000)),
          country: 'NZ',
        },
        tradingName: `Trading ${index}`,
        accountClass: CLASSES[index % CLASSES.length],
        status: 'Active',
      },
    }),
  );
  await write('contacts.jsonl', (index) =>
    JSON.stringify({
      customerNumber: `C${pad(index)}`,
      accountNumber: `A${pad(index)}`,
      contact: {
        firstName: `First${index}`,
        lastName: `Last${index}`,
        email: `customer${index}@example.com`,
        mobile: `+64 21 ${String(1_000_000 + index).slice(-7)}`,
        dateOfBirth: `19${50 + (index % 50)}-0${1 + (index % 9)}-1${index % 10}`,
        segment: SEGMENTS[index % SEGMENTS.length],
      },
    }),
  );
  await write('relations.jsonl', (index) =>
    JSON.stringify({
      relationship: {
        relationshipId: `R${pad(index)}`,
        accountNumber: `A${pad((index + 1) % accounts)}`,
        customerNumber: `C${pad(index)}`,
        roles: ['Billing Contact'],
        active: true,
        startDate: '2024-01-01',
      },
    }),
  );
  return { dir, accounts, records: { accounts, contacts: accounts, relations: accounts }, bytes };
}

async function close(stream: WriteStream): Promise<void> {
  stream.end();
  await once(stream, 'finish');
}
