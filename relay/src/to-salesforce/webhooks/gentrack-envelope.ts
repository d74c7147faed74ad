/**
 * Gentrack's webhook envelope `{appId, createdAt, data, eventId, eventType, tenantId, version, eventSource}`, read
 * from JSON that has already passed the signature check. Problems name the property, never its value: the body may
 * hold personal data and the problems are logged.
 */
export interface GentrackEnvelope {
  readonly appId: string;
  /** ISO-8601, as Gentrack sent it. */
  readonly createdAt: string;
  /** `createdAt` in epoch milliseconds: what orders events of one record. */
  readonly createdAtMs: number;
  readonly data: Readonly<Record<string, unknown>>;
  readonly eventId: string;
  readonly eventType: string;
  readonly tenantId: string;
  readonly version: string;
  readonly eventSource: string;
}

export type EnvelopeReading = { readonly envelope: GentrackEnvelope } | { readonly problem: string };

const MAX_ID_LENGTH = 200;
const PRINTABLE_ID = /^[\x21-\x7e]+$/;
const EVENT_TYPE = /^[a-z][a-z0-9-]{0,99}$/;
/** A date and time with a zone (Z or an offset): Gentrack's createdAt. */
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

export function readEnvelope(value: unknown): EnvelopeReading {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { problem: 'the body is not a JSON object' };
  const body = value as Record<string, unknown>;
  const problems: string[] = [];
  const id = (name: 'appId' | 'eventId' | 'tenantId'): string => {
    const text = body[name];
    if (typeof text !== 'string' || text.length === 0 || text.length > MAX_ID_LENGTH || !PRINTABLE_ID.test(text)) {
      problems.push(`${name} must be 1 to ${MAX_ID_LENGTH} printable characters without spaces`);
      return '';
    }
    return text;
  };
  const appId = id('appId');
  const eventId = id('eventId');
  const tenantId = id('tenantId');
  const eventType = typeof body.eventType === 'string' && EVENT_TYPE.test(body.eventType) ? body.eventType : '';
  if (eventType === '') problems.push('eventType must be a Gentrack event type such as switch-loss-started');
  const createdAt = typeof body.createdAt === 'string' ? body.createdAt : '';
  const createdAtMs = ISO_DATE_TIME.test(createdAt) ? Date.parse(createdAt) : Number.NaN;
  if (Number.isNaN(createdAtMs)) problems.push('createdAt must be an ISO-8601 date and time with a zone');
  const data = body.data;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) problems.push('data must be a JSON object');
  const version =
    typeof body.version === 'string' || typeof body.version === 'number' ? String(body.version) : undefined;
  if (version === undefined) problems.push('version must be given');
  if (body.eventSource !== undefined && typeof body.eventSource !== 'string') problems.push('eventSource must be text');
  if (problems.length > 0) return { problem: problems.join('; ') };
  return {
    envelope: {
      appId,
      createdAt,
      createdAtMs,
      data: data as Record<string, unknown>,
      eventId,
      eventType,
      tenantId,
      version: version!,
      eventSource: typeof body.eventSource === 'string' ? body.eventSource : 'gentrack',
    },
  };
}
