/**
 * A real SMTP server in the test's process (smtp-server, the server half of nodemailer's project): STARTTLS with the
 * library's own self-signed certificate, sign-in required with one user and password, and every message accepted
 * parsed with mailparser, so tests assert on the email as a mail client would read it.
 */
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { eventually } from './eventually.js';

export interface SmtpInbox {
  readonly port: number;
  readonly user: string;
  readonly password: string;
  /** Messages accepted so far, in order, with the envelope's recipients. */
  readonly messages: readonly (ParsedMail & { readonly envelopeTo: readonly string[] })[];
  /** Sign-ins refused so far. */
  readonly refusedSignIns: number;
  /** Waits for the nth message (1-based). */
  message(nth: number, timeoutMs?: number): Promise<ParsedMail & { readonly envelopeTo: readonly string[] }>;
  close(): Promise<void>;
}

export async function startSmtpInbox(options: { user?: string; password?: string } = {}): Promise<SmtpInbox> {
  const user = options.user ?? 'relay@acme.example';
  const password = options.password ?? 'smtp-password-for-tests';
  const messages: (ParsedMail & { envelopeTo: string[] })[] = [];
  let refusedSignIns = 0;
  const server = new SMTPServer({
    logger: false,
    authMethods: ['PLAIN', 'LOGIN'],
    // Sign-in only after STARTTLS (the library's default): a client that does not upgrade cannot send the password.
    onAuth(auth, _session, callback) {
      if (auth.username === user && auth.password === password) return callback(null, { user });
      refusedSignIns++;
      return callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          messages.push(
            Object.assign(parsed, { envelopeTo: session.envelope.rcptTo.map((recipient) => recipient.address) }),
          );
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server as unknown as { server: { address(): AddressInfo } }).server.address().port;
  return {
    port,
    user,
    password,
    messages,
    get refusedSignIns() {
      return refusedSignIns;
    },
    message: (nth, timeoutMs = 10_000) => eventually(`email ${nth}`, () => messages[nth - 1], timeoutMs),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
