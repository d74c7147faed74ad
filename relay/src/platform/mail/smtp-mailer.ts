/**
 * Sends the relay's email over SMTP (nodemailer) as config `email` says: the server, how the connection is secured,
 * the sign-in (the password is the secret SMTP_PASSWORD), the sender and the recipients. A failure to send is an
 * error with a code that says what went wrong in words; it never carries the password.
 */
import nodemailer from 'nodemailer';
import type { EmailConfig } from '../config/email-config-schema.js';
import type { Secret } from '../config/secret.js';
import { RelayError } from '../errors.js';

export interface EmailMessage {
  readonly subject: string;
  readonly text: string;
}

export interface Mailer {
  /** The recipients, for a person to see who is told. */
  readonly recipients: readonly string[];
  /** Resolves with the server's message id once the server has accepted the message for every recipient. */
  send(message: EmailMessage): Promise<string>;
  close(): void;
}

export class EmailSendError extends RelayError {
  readonly code = 'EMAIL_NOT_SENT';
}

export function createSmtpMailer(config: EmailConfig, password: Secret | undefined): Mailer {
  const { smtp } = config;
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.security === 'tls',
    requireTLS: smtp.security === 'starttls',
    ignoreTLS: smtp.security === 'none',
    connectionTimeout: smtp.timeoutMs,
    greetingTimeout: smtp.timeoutMs,
    socketTimeout: smtp.timeoutMs,
    tls: { rejectUnauthorized: smtp.rejectUnauthorizedTls },
    ...(smtp.user ? { auth: { user: smtp.user, pass: password?.reveal() ?? '' } } : {}),
  });
  const where = `the SMTP server ${smtp.host}:${smtp.port}`;
  return {
    recipients: config.to,
    async send(message) {
      let info: { messageId: string; rejected: unknown[] };
      try {
        info = (await transport.sendMail({
          from: config.from,
          to: [...config.to],
          subject: message.subject,
          text: message.text,
        })) as { messageId: string; rejected: unknown[] };
      } catch (error) {
        throw new EmailSendError(`${where} did not take the message: ${describe(error)}`, { cause: error });
      }
      if (info.rejected.length > 0)
        throw new EmailSendError(`${where} refused the recipients ${info.rejected.map(String).join(', ')}`);
      return info.messageId;
    },
    close: () => transport.close(),
  };
}

/** nodemailer's errors carry a code (EAUTH, ECONNECTION, ETIMEDOUT...) and the server's response. */
function describe(error: unknown): string {
  const { code, response, message } = error as { code?: string; response?: string; message?: string };
  const detail = response ?? message ?? String(error);
  return code ? `${code}: ${detail}` : detail;
}
