/**
 * The outcome email as it leaves the relay: composed, sent by the SMTP mailer over STARTTLS with sign-in to a real
 * SMTP server in this process, and read back by a mail parser: subject, outcome, counts, report link, recipients.
 * A server that refuses the sign-in gives an error that says so and never holds the password.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSmtpInbox, type SmtpInbox } from '../../../test/smtp-inbox.js';
import { emailSchema, type EmailConfig } from '../platform/config/email-config-schema.js';
import { Secret } from '../platform/config/secret.js';
import { createSmtpMailer } from '../platform/mail/smtp-mailer.js';
import { hasCode } from '../platform/errors.js';
import { sendOutcomeEmail } from './outcome-email.js';
import type { InitialSyncResult } from './run-initial-sync.js';

let inbox: SmtpInbox;
before(async () => {
  inbox = await startSmtpInbox();
});
after(() => inbox.close());

const config = (overrides: Record<string, unknown> = {}): EmailConfig =>
  emailSchema.parse({
    smtp: { host: '127.0.0.1', port: inbox.port, user: inbox.user, rejectUnauthorizedTls: false, timeoutMs: 5_000 },
    from: 'Gentrack relay <relay@acme.example>',
    to: ['billing-ops@acme.example', 'crm-admin@acme.example'],
    ...overrides,
  });

const T0 = Date.UTC(2026, 11, 4, 3, 0, 0);
const REPORT_URL = 'https://acme.my.salesforce.com/lightning/r/ContentDocument/069000000000007AAA/view';
const RESULT: InitialSyncResult = {
  runId: '7d0b5a52-0000-4000-8000-000000000007',
  startedAt: T0,
  endedAt: T0 + 12_000,
  outcome: 'completed with errors',
  stages: [
    {
      name: 'accounts',
      startedAt: T0,
      endedAt: T0 + 6_000,
      outcome: 'completed with errors',
      counts: { read: 7, created: 3, updated: 0, unchanged: 0, failed: 2, unmapped: 2, unprocessed: 0 },
    },
    {
      name: 'contacts',
      startedAt: T0 + 6_000,
      endedAt: T0 + 11_000,
      outcome: 'completed',
      counts: { read: 2, created: 2, updated: 0, unchanged: 0, failed: 0, unmapped: 0, unprocessed: 0 },
    },
  ],
  totals: { read: 9, created: 5, updated: 0, unchanged: 0, failed: 2, unmapped: 2, unprocessed: 0 },
  reportFile: '/var/relay/initial-sync-reports/failed-rows.csv',
  attachedReport: { contentVersionId: '068000000000007AAA', contentDocumentId: '069000000000007AAA', url: REPORT_URL },
};

test('the outcome email reaches the recipients over STARTTLS with sign-in: subject, outcome, counts, report link', async () => {
  const mailer = createSmtpMailer(config(), new Secret(inbox.password));
  try {
    const before = inbox.messages.length;
    const sent = await sendOutcomeEmail(mailer, {
      result: RESULT,
      extract: '/srv/extracts/march',
      initiatedBy: 'otto (portal)',
      tenantId: 'acme-energy',
    });
    assert.deepEqual(sent, { sent: true });
    const message = await inbox.message(before + 1);
    assert.equal(
      message.subject,
      '[acme-energy] Gentrack initial synchronisation completed with errors: 4 rows did not load',
    );
    assert.equal(message.from?.text, '"Gentrack relay" <relay@acme.example>');
    assert.deepEqual(message.envelopeTo, ['billing-ops@acme.example', 'crm-admin@acme.example']);
    const text = message.text ?? '';
    assert.match(text, /of \/srv\/extracts\/march completed with errors\./);
    assert.match(text, /Started by: otto \(portal\)/);
    assert.match(text, /Duration: {3}12 s/);
    assert.match(text, /^accounts\s+completed with errors\s+7\s+3\s+0\s+0\s+4\s+6\.0 s$/m);
    assert.match(text, /^contacts\s+completed\s+2\s+2\s+0\s+0\s+0\s+5\.0 s$/m);
    assert.ok(text.includes(REPORT_URL), 'the report link');
  } finally {
    mailer.close();
  }
});

test('a refused sign-in is an error that names the server and the reason, never the password; the run is not failed', async () => {
  const wrong = 'not-the-password-4711';
  const mailer = createSmtpMailer(config(), new Secret(wrong));
  try {
    const refusedBefore = inbox.refusedSignIns;
    const sent = await sendOutcomeEmail(mailer, {
      result: RESULT,
      extract: '/srv/extracts/march',
      initiatedBy: 'otto (portal)',
      tenantId: 'acme-energy',
    });
    assert.equal(sent.sent, false);
    const error = (sent as { error: string }).error;
    assert.match(
      error,
      /^the SMTP server 127\.0\.0\.1:\d+ did not take the message: EAUTH: .*Invalid username or password/,
    );
    assert.doesNotMatch(error, new RegExp(wrong));
    assert.equal(inbox.refusedSignIns, refusedBefore + 1);
  } finally {
    mailer.close();
  }
  const thrown = await createSmtpMailer(config(), new Secret(wrong))
    .send({ subject: 's', text: 't' })
    .catch((error: unknown) => error);
  assert.ok(hasCode(thrown, 'EMAIL_NOT_SENT'));
});

test('the email section: plain SMTP only to this machine, recipients from a list or comma-separated text', () => {
  const problems = emailSchema.safeParse({
    smtp: { host: 'smtp.example.com', security: 'none' },
    from: 'relay@example.com',
    to: 'a@example.com',
  });
  assert.equal(problems.success, false);
  assert.match(problems.error!.issues[0]!.message, /"none" is accepted only for a server on this machine/);
  const parsed = emailSchema.parse({
    smtp: { host: 'smtp.example.com' },
    from: 'relay@example.com',
    to: 'a@example.com, b@example.com',
  });
  assert.deepEqual(parsed.to, ['a@example.com', 'b@example.com']);
  assert.deepEqual(
    [parsed.smtp.port, parsed.smtp.security, parsed.smtp.rejectUnauthorizedTls],
    [587, 'starttls', true],
  );
  assert.equal(
    emailSchema.safeParse({ smtp: { host: 'h' }, from: 'not an address', to: ['a@example.com'] }).success,
    false,
  );
});
