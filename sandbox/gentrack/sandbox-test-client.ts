/**
 * Test support for the sandbox's own tests: start a tenant on a random port with a controllable clock, and call it
 * over real HTTP (undici) the way the relay does.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { request } from 'undici';
import { startGentrackSandbox, type GentrackSandbox, type GentrackSandboxOptions } from './start.js';
import { generateWebhookKeyPair, type WebhookKeyPair } from './webhooks/signing-keys.js';

export const CLIENT_ID = 'relay-test-client';
export const CLIENT_SECRET = 'relay-test-secret';

/** A clock tests move by hand (token expiry, "future" birth dates) instead of waiting. */
export class TestClock {
  constructor(public time = Date.parse('2024-06-01T00:00:00.000Z')) {}
  readonly now = (): number => this.time;
  advance(ms: number): void {
    this.time += ms;
  }
}

let sharedKeys: Promise<WebhookKeyPair> | undefined;

/** One RSA key pair per test file: generating one per tenant would slow the suite down for nothing. */
export function testWebhookKeys(): Promise<WebhookKeyPair> {
  sharedKeys ??= generateWebhookKeyPair();
  return sharedKeys;
}

export async function startTestTenant(
  options: GentrackSandboxOptions = {},
): Promise<{ tenant: GentrackSandbox; client: TenantClient; clock: TestClock }> {
  const clock = new TestClock();
  const tenant = await startGentrackSandbox({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    now: clock.now,
    webhookKeys: await testWebhookKeys(),
    ...options,
  });
  return { tenant, client: new TenantClient(tenant), clock };
}

export interface ApiResponse<T = any> {
  status: number;
  headers: IncomingHttpHeaders;
  body: T;
}

export interface WriteOptions {
  transactionId?: string;
  /** X-Transaction-Date-Time; default a fixed time so tests are deterministic. */
  dateTime?: string;
  partNumber?: number;
  partTotal?: number;
  /** Extra or overriding headers; a header set to undefined is left out. */
  headers?: Record<string, string | undefined>;
  /** Raw body text instead of JSON.stringify(body). */
  rawBody?: string;
}

function withoutUndefined(headers: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([, value]) => value !== undefined)) as Record<
    string,
    string
  >;
}

async function parse(response: Awaited<ReturnType<typeof request>>): Promise<ApiResponse> {
  const text = await response.body.text();
  let body: unknown = text;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.statusCode, headers: response.headers, body };
}

/** Calls the sandbox like the relay: bearer token, transaction headers on writes, JSON bodies. */
export class TenantClient {
  private accessToken: string | undefined;

  constructor(readonly tenant: GentrackSandbox) {}

  async token(): Promise<string> {
    if (this.accessToken === undefined) {
      const response = await request(this.tenant.tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: this.tenant.clientId,
          client_secret: this.tenant.clientSecret,
        }).toString(),
      });
      const body = (await response.body.json()) as { access_token: string };
      this.accessToken = body.access_token;
    }
    return this.accessToken;
  }

  forgetToken(): void {
    this.accessToken = undefined;
  }

  async get(path: string, headers: Record<string, string | undefined> = {}): Promise<ApiResponse> {
    const response = await request(this.tenant.baseUrl + path, {
      method: 'GET',
      headers: withoutUndefined({ authorization: `Bearer ${await this.token()}`, ...headers }),
    });
    return parse(response);
  }

  async write(
    method: 'POST' | 'PUT' | 'DELETE' | 'PATCH',
    path: string,
    body: unknown,
    options: WriteOptions = {},
  ): Promise<ApiResponse> {
    const headers = withoutUndefined({
      authorization: `Bearer ${await this.token()}`,
      'content-type': 'application/json',
      'x-transaction-id': options.transactionId ?? randomUUID(),
      'x-transaction-date-time': options.dateTime ?? '2024-06-01T10:00:00.000+10:00',
      ...(options.partNumber === undefined ? {} : { 'x-transaction-part-number': String(options.partNumber) }),
      ...(options.partTotal === undefined ? {} : { 'x-transaction-part-total': String(options.partTotal) }),
      ...options.headers,
    });
    const response = await request(this.tenant.baseUrl + path, {
      method,
      headers,
      body: options.rawBody ?? (body === undefined ? undefined : JSON.stringify(body)),
    });
    return parse(response);
  }

  post(path: string, body: unknown, options?: WriteOptions): Promise<ApiResponse> {
    return this.write('POST', path, body, options);
  }

  put(path: string, body: unknown, options?: WriteOptions): Promise<ApiResponse> {
    return this.write('PUT', path, body, options);
  }

  /** customer-sync of an account with this name; resolves with its number. */
  async createAccount(name: string, extra: Record<string, unknown> = {}): Promise<string> {
    const response = await this.post('/customer-sync', { account: { name }, ...extra });
    if (response.status !== 201) throw new Error(`customer-sync failed: ${JSON.stringify(response.body)}`);
    return (response.body as { accountNumber: string }).accountNumber;
  }

  async createContact(lastName: string, accountNumber?: string): Promise<string> {
    const response = await this.post('/contacts', {
      contact: { lastName },
      ...(accountNumber ? { accountNumber } : {}),
    });
    if (response.status !== 201) throw new Error(`create-contact failed: ${JSON.stringify(response.body)}`);
    return (response.body as { customerNumber: string }).customerNumber;
  }
}
