import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSmtpInbox, type SmtpInbox } from '../../test/smtp-inbox.js';
import { emailSchema } from './platform/config/email-config-schema.js';
import { Secret } from './platform/config/secret.js';
import { DeadLetters, type NewDeadLetter } from './platform/db/dead-letters.js';
import { openRelayDatabase, type RelayDatabase } from './platform/db/relay-database.js';
import { createSmtpMailer, type Mailer } from './platform/mail/smtp-mailer.js';
import { createLogger } from './platform/ops/logger.js';
import { DeadLetterBurstAlarm } from './dead-letter-bursts.js';

const WINDOW_MS = 15 * 60_000;
let inbox: SmtpInbox;
let db: RelayDatabase;
let mailer: Mailer;
let now = Date.UTC(2026, 11, 4, 3, 0, 0);

before(async () => {
  inbox = await startSmtpInbox();
  db = openRelayDatabase(':memory:');
  const config = emailSchema.parse({
    smtp: { host: '127.0.0.1', port: inbox.port, user: inbox.user, rejectUnauthorizedTls: false },
    from: 'relay@acme.example',
    to: ['ops@acme.example'],
    deadLetterBursts: { threshold: 3, windowMinutes: 15 },
  });
  mailer = createSmtpMailer(config, new Secret(inbox.password));
});
after(async () => {
  mailer.close();
  db.close();
  await inbox.close();
});

const file = (reasonCode: string, source: NewDeadLetter['source'] = 'change') =>
  new DeadLetters(db).add({
    source,
    transactionId: `t-${Math.random()}`,
    entityKey: 'Account:001000000000001AAA',
    changeSeq: null,
    reasonCode,
    reason: `400 refused: Jane Customer's phone +64 21 555 0100`,
    payload: JSON.stringify({ Name: 'Jane Customer' }),
    attempts: 5,
    createdAt: now,
  });

test('a burst at the threshold is emailed once per window, with counts by reason and no customer data', async () => {
  const alarm = new DeadLetterBurstAlarm({
    letters: new DeadLetters(db),
    mailer,
    threshold: 3,
    windowMs: WINDOW_MS,
    tenantId: 'acme-energy',
    portalUrl: 'https://relay-console.acme.example',
    logger: createLogger({ level: 'silent' }),
    clock: () => now,
  });
  file('BAD_REQUEST');
  file('BAD_REQUEST');
  assert.equal(await alarm.check(), 'quiet', 'below the threshold');
  file('RETRY_EXHAUSTED', 'gentrack-event');
  assert.equal(await alarm.check(), 'sent');
  const email = await inbox.message(1);
  assert.equal(email.subject, '[acme-energy] 3 Gentrack relay dead letters in the last 15 minutes');
  assert.match(email.text ?? '', /^ {4}2 {2}changes for Gentrack {3}BAD_REQUEST$/m);
  assert.match(email.text ?? '', /^ {4}1 {2}Gentrack events {8}RETRY_EXHAUSTED$/m);
  assert.match(email.text ?? '', /https:\/\/relay-console\.acme\.example\/dead-letters/);
  assert.doesNotMatch(email.text ?? '', /Jane|\+64/, 'no payload or reason text');

  file('BAD_REQUEST');
  now += 5 * 60_000;
  assert.equal(await alarm.check(), 'held', 'one email per window');
  now += WINDOW_MS;
  assert.equal(await alarm.check(), 'quiet', 'the burst is over: letters older than the window do not count');
  file('BAD_REQUEST');
  file('BAD_REQUEST');
  file('BAD_REQUEST');
  assert.equal(await alarm.check(), 'sent', 'a new burst after a window');
  assert.equal((await inbox.message(2)).subject, '[acme-energy] 3 Gentrack relay dead letters in the last 15 minutes');
});
