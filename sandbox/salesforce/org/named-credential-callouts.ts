/**
 * Callouts through Named Credentials, as the org's Apex makes them outside tests: `callout:<Name>/path` goes to the
 * Named Credential's URL + path, with `Authorization: Bearer <token>` from its External Credential (OAuth 2.0 client
 * credentials, the principal's client id and secret, as `gentrack-sf credentials` pushed them). The token is kept
 * until it expires; on a 401 it is requested again and the callout repeated once, as Salesforce does for OAuth
 * credentials. A timeout, a refused connection or a token that cannot be had is a CalloutFailure (Apex
 * CalloutException). Endpoints other than `callout:` (Remote Site Settings) are not modelled.
 */
import type { NamedCredentials } from './named-credentials.js';

export interface CalloutRequest {
  readonly method: string;
  readonly endpoint: string;
  readonly headers: readonly (readonly [string, string])[];
  readonly body: string | null;
  /** Apex's default is 10 s, its maximum 120 s. */
  readonly timeoutMs: number | null;
}

export interface CalloutResponse {
  readonly status: number;
  readonly statusText: string;
  readonly headers: readonly (readonly [string, string])[];
  readonly body: string;
}

/** The callout failed without an answer: Apex raises System.CalloutException with this message. */
export class CalloutFailure extends Error {}

/** The Apex asked for something the sandbox does not model. */
export class UnsupportedCallout extends Error {}

const DEFAULT_TIMEOUT_MS = 10_000;
const MAX_TIMEOUT_MS = 120_000;
/** A token is renewed this long before it expires. */
const TOKEN_MARGIN_MS = 30_000;

interface Token {
  readonly value: string;
  readonly expiresAt: number;
}

export class NamedCredentialCallouts {
  private readonly tokens = new Map<string, Token>();
  /** Every callout made, oldest first (tests). */
  readonly log: { readonly method: string; readonly url: string; readonly status: number | 'failed' }[] = [];

  constructor(
    private readonly credentials: NamedCredentials,
    private readonly clock: () => number = Date.now,
  ) {}

  async send(request: CalloutRequest): Promise<CalloutResponse> {
    const match = /^callout:([A-Za-z][A-Za-z0-9_]*)(.*)$/.exec(request.endpoint);
    if (!match) {
      throw new UnsupportedCallout(
        `callout to ${request.endpoint}: only callout:<Named Credential> endpoints are modelled (no Remote Site Settings)`,
      );
    }
    const named = this.credentials.calloutTarget(match[1]!);
    if (!named) throw new CalloutFailure(`Unable to find the named credential ${match[1]}`);
    const external = named.externalCredential;
    if (!external) throw new CalloutFailure(`The named credential ${named.name} has no external credential`);
    const url = named.calloutUrl + match[2]!;
    const timeoutMs = Math.min(request.timeoutMs ?? DEFAULT_TIMEOUT_MS, MAX_TIMEOUT_MS);
    let response = await this.call(request, url, await this.token(external, false), timeoutMs);
    if (response.status === 401) {
      response = await this.call(request, url, await this.token(external, true), timeoutMs);
    }
    return response;
  }

  private async call(request: CalloutRequest, url: string, token: string, timeoutMs: number): Promise<CalloutResponse> {
    const headers = new Headers(request.headers.map(([name, value]) => [name, value] as [string, string]));
    headers.set('authorization', `Bearer ${token}`);
    try {
      const response = await fetch(url, {
        method: request.method,
        headers,
        ...(request.body !== null && request.method !== 'GET' ? { body: request.body } : {}),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const answer = {
        status: response.status,
        statusText: response.statusText,
        headers: [...response.headers.entries()],
        body: await response.text(),
      };
      this.log.push({ method: request.method, url, status: answer.status });
      return answer;
    } catch (error) {
      this.log.push({ method: request.method, url, status: 'failed' });
      throw new CalloutFailure(failureMessage(error, url));
    }
  }

  /** The External Credential's access token for its named principal, from the cache or its token URL. */
  private async token(externalCredential: string, renew: boolean): Promise<string> {
    const cached = this.tokens.get(externalCredential);
    if (cached && !renew && cached.expiresAt - TOKEN_MARGIN_MS > this.clock()) return cached.value;
    const definition = this.credentials.calloutCredential(externalCredential);
    const principal = definition?.principals.find((candidate) => candidate.type === 'NamedPrincipal');
    const stored = principal && this.credentials.credential(externalCredential, principal.name);
    const clientId = stored?.values['clientId']?.value;
    const clientSecret = stored?.values['clientSecret']?.value;
    if (!definition?.tokenUrl || !clientId || !clientSecret) {
      throw new CalloutFailure(
        `We couldn't access the credential(s). You might not have the required permissions, or the external credential "${externalCredential}" might not exist.`,
      );
    }
    const basic = definition.authenticationProtocolVariant === 'ClientCredentialsClientSecretBasic';
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (!basic) {
      form.set('client_id', clientId);
      form.set('client_secret', clientSecret);
    }
    let response: Response;
    try {
      response = await fetch(definition.tokenUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          ...(basic ? { authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}` } : {}),
        },
        body: form,
        signal: AbortSignal.timeout(DEFAULT_TIMEOUT_MS),
      });
    } catch (error) {
      throw new CalloutFailure(failureMessage(error, definition.tokenUrl));
    }
    const answer = (await response.json().catch(() => ({}))) as {
      access_token?: string;
      expires_in?: number;
      error_description?: string;
    };
    if (!response.ok || typeof answer.access_token !== 'string') {
      this.tokens.delete(externalCredential);
      throw new CalloutFailure(
        `The external credential "${externalCredential}" could not get an access token (HTTP ${response.status}${answer.error_description ? `: ${answer.error_description}` : ''})`,
      );
    }
    const token = { value: answer.access_token, expiresAt: this.clock() + (answer.expires_in ?? 3600) * 1000 };
    this.tokens.set(externalCredential, token);
    return token.value;
  }
}

function failureMessage(error: unknown, url: string): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return 'Read timed out';
  const code = (error as { cause?: { code?: string } }).cause?.code;
  return `Unable to connect to ${new URL(url).host}${code ? ` (${code})` : ''}`;
}
