import { randomUUID, type KeyObject } from 'node:crypto';
import { request } from 'undici';
import { payloadSignature, privateKeyFromPem } from './payload-signature.js';
import type { WebhookKeyPair } from './signing-keys.js';

/** Gentrack's webhook envelope. */
export interface WebhookEnvelope {
  appId: string;
  createdAt: string;
  data: unknown;
  eventId: string;
  eventType: string;
  tenantId: string;
  version: '1';
  eventSource: 'gentrack';
}

export interface WebhookEvent {
  /** e.g. 'switch-loss-started', 'quote-created'. */
  eventType: string;
  data: unknown;
  /** Default: a random UUID. */
  eventId?: string;
  /** Default: now (ISO-8601). */
  createdAt?: string;
}

export interface WebhookSendOptions {
  /** Signing time; an old one lets a test check the receiver's replay window. Default: now. */
  timestampSeconds?: number;
  /** Sends this header value instead of the real signature (tests of the receiver's rejection path). */
  signature?: string;
  /** Default 10 s. */
  timeoutMs?: number;
}

export interface WebhookDelivery {
  status: number;
  envelope: WebhookEnvelope;
  /** Exactly the bytes that were signed and sent. */
  rawBody: string;
  signature: string;
  responseBody: string;
}

export interface WebhookSenderOptions {
  keys: WebhookKeyPair;
  appId: string;
  tenantId: string;
  now: () => number;
}

/** Builds, signs and delivers Gentrack webhooks, as the tenant would to a registered endpoint. */
export class WebhookSender {
  readonly publicKeyPem: string;
  private readonly privateKey: KeyObject;

  constructor(private readonly options: WebhookSenderOptions) {
    this.publicKeyPem = options.keys.publicKeyPem;
    this.privateKey = privateKeyFromPem(options.keys.privateKeyPem);
  }

  /** The `x-payload-signature` value for a raw body. */
  sign(rawBody: string, timestampSeconds = Math.floor(this.options.now() / 1000)): string {
    return payloadSignature(this.privateKey, rawBody, timestampSeconds);
  }

  envelope(event: WebhookEvent): WebhookEnvelope {
    return {
      appId: this.options.appId,
      createdAt: event.createdAt ?? new Date(this.options.now()).toISOString(),
      data: event.data,
      eventId: event.eventId ?? randomUUID(),
      eventType: event.eventType,
      tenantId: this.options.tenantId,
      version: '1',
      eventSource: 'gentrack',
    };
  }

  /** POSTs the signed envelope to `url`; resolves with the receiver's status (any status, no retry). */
  async send(url: string, event: WebhookEvent, options: WebhookSendOptions = {}): Promise<WebhookDelivery> {
    const envelope = this.envelope(event);
    const rawBody = JSON.stringify(envelope);
    const signature = options.signature ?? this.sign(rawBody, options.timestampSeconds);
    const timeoutMs = options.timeoutMs ?? 10_000;
    const response = await request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-payload-signature': signature },
      body: rawBody,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const responseBody = await response.body.text();
    return { status: response.statusCode, envelope, rawBody, signature, responseBody };
  }
}
