/**
 * The relay's Salesforce session as the integration user: an OAuth2 token (client credentials, or username-password
 * with security token), a jsforce Connection that renews it when Salesforce answers INVALID_SESSION_ID, and the
 * session details the Pub/Sub API needs. One token request at a time, shared by all callers.
 */
import type { Connection } from 'jsforce';
// jsforce's core and the two APIs the relay calls (Apex REST, Bulk API 2.0). The package's index also loads its
// Streaming, SOAP, Metadata, Analytics and Chatter APIs and their dependencies: about 9 MB of every relay's memory.
import jsforce from 'jsforce/lib/core.js';
import 'jsforce/lib/api/apex.js';
import 'jsforce/lib/api/bulk2.js';
import type { Logger } from 'pino';
import { request } from 'undici';
import type { Secret } from '../config/secret.js';
import { RelayError } from '../errors.js';

export interface SalesforceSessionOptions {
  readonly loginUrl: string;
  readonly apiVersion: string;
  readonly auth: 'client_credentials' | 'password';
  readonly clientId: string;
  readonly clientSecret: Secret;
  readonly username?: string;
  readonly password?: Secret;
  readonly securityToken?: Secret;
  readonly logger: Logger;
}

export interface SessionDetails {
  readonly accessToken: string;
  readonly instanceUrl: string;
  readonly organizationId: string;
  readonly userId: string;
}

export class SalesforceAuthError extends RelayError {
  readonly code = 'SALESFORCE_AUTH_FAILED';
  constructor(
    message: string,
    /** Salesforce answered and said no (wrong client, secret, user or password): trying again will not help. */
    readonly refused = false,
  ) {
    super(message);
  }
}

export class SalesforceSession {
  private current?: SessionDetails;
  private pending?: Promise<SessionDetails>;
  readonly connection: Connection;

  constructor(private readonly options: SalesforceSessionOptions) {
    this.connection = new jsforce.Connection({
      loginUrl: options.loginUrl,
      version: options.apiVersion,
      refreshFn: (_connection, callback) => {
        this.session({ forceRefresh: true }).then(
          (session) => callback(null, session.accessToken),
          (error: Error) => callback(error),
        );
      },
    });
  }

  /** A valid session; `forceRefresh` when Salesforce refused the current token. */
  async session({ forceRefresh }: { forceRefresh: boolean } = { forceRefresh: false }): Promise<SessionDetails> {
    if (this.current && !forceRefresh) return this.current;
    this.pending ??= this.requestToken().finally(() => {
      this.pending = undefined;
    });
    const session = await this.pending;
    this.current = session;
    this.connection._establish({ instanceUrl: session.instanceUrl, accessToken: session.accessToken });
    return session;
  }

  private async requestToken(): Promise<SessionDetails> {
    const { options } = this;
    const form = new URLSearchParams({
      grant_type: options.auth,
      client_id: options.clientId,
      client_secret: options.clientSecret.reveal(),
    });
    if (options.auth === 'password') {
      if (!options.username || !options.password)
        throw new SalesforceAuthError('the password flow needs salesforce.username and SALESFORCE_PASSWORD', true);
      form.set('username', options.username);
      form.set('password', options.password.reveal() + (options.securityToken?.reveal() ?? ''));
    }
    const url = new URL('/services/oauth2/token', options.loginUrl);
    const response = await request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: form.toString(),
    }).catch((error: Error) => {
      throw new SalesforceAuthError(`cannot reach ${url.origin} for a Salesforce token: ${error.message}`);
    });
    const body = (await response.body.json().catch(() => ({}))) as Record<string, string>;
    if (response.statusCode !== 200 || !body.access_token) {
      throw new SalesforceAuthError(
        `Salesforce refused the ${options.auth} token request for client ${options.clientId} at ${url.origin}: ` +
          `${response.statusCode} ${body.error ?? ''} ${body.error_description ?? ''}`.trim(),
        // 4xx: the credentials are wrong; 5xx: Salesforce is unwell and may answer later.
        response.statusCode >= 400 && response.statusCode < 500,
      );
    }
    // The identity URL ends in /<organization id>/<user id>.
    const [organizationId, userId] = new URL(body.id ?? 'x:/').pathname.split('/').slice(-2);
    options.logger.info({ instanceUrl: body.instance_url, organizationId, userId }, 'Salesforce session established');
    return {
      accessToken: body.access_token,
      instanceUrl: body.instance_url!,
      organizationId: organizationId ?? '',
      userId: userId ?? '',
    };
  }
}
