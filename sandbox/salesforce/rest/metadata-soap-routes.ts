/**
 * The Metadata API's SOAP endpoint (`/services/Soap/m/XX.X`), for the calls an admin tool makes on org settings:
 * `readMetadata` and `updateMetadata` of AccountSettings and QuoteSettings (org/org-settings.ts). Other types and
 * calls answer with the fault an org gives for what it does not know. Updating settings needs "Customize
 * Application" (the System Administrator profile here); reading them any API user may do.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { XMLParser } from 'fast-xml-parser';
import { SalesforceError } from '../errors.js';
import type { SandboxUser } from '../org/users.js';
import type { RouteDependencies } from './server.js';

const XML_CONTENT_TYPE = 'text/xml;charset=UTF-8';
const METADATA_NS = 'http://soap.sforce.com/2006/04/metadata';

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  isArray: (name) => name === 'fullNames' || name === 'metadata',
});

interface MetadataRecord {
  readonly '@_type'?: string;
  readonly fullName?: string;
  readonly [field: string]: unknown;
}

export function registerMetadataSoapRoutes(app: FastifyInstance, { org }: RouteDependencies): void {
  const handler = async (request: { body: unknown }, reply: FastifyReply) => {
    let envelope: Record<string, Record<string, Record<string, unknown>>>;
    try {
      envelope =
        (parser.parse(typeof request.body === 'string' ? request.body : '') as { Envelope?: typeof envelope })
          .Envelope ?? {};
    } catch {
      return fault(reply, 'sf:INVALID_XML', 'The request is not well-formed XML');
    }
    const sessionId = String((envelope.Header?.SessionHeader as { sessionId?: unknown } | undefined)?.sessionId ?? '');
    const userId = org.sessions.userIdFor(sessionId);
    const user = userId === undefined ? undefined : org.users.get(userId);
    if (!user)
      return fault(reply, 'sf:INVALID_SESSION_ID', 'INVALID_SESSION_ID: Invalid Session ID found in SessionHeader');
    const body = envelope.Body ?? {};
    try {
      if (body.readMetadata) return respond(reply, 'readMetadataResponse', readMetadata(body.readMetadata));
      if (body.updateMetadata)
        return respond(reply, 'updateMetadataResponse', updateMetadata(body.updateMetadata, user));
    } catch (error) {
      if (error instanceof SalesforceError)
        return fault(reply, `sf:${error.errorCode}`, `${error.errorCode}: ${error.message}`);
      throw error;
    }
    const call = Object.keys(body)[0] ?? '(none)';
    return fault(reply, 'sf:UNKNOWN_EXCEPTION', `The sandbox's Metadata API does not model ${call}`);
  };

  const readMetadata = (call: Record<string, unknown>): string => {
    const type = String(call.type ?? '');
    if (!org.settings.knows(type))
      throw new SalesforceError('INVALID_TYPE', `The sandbox cannot read metadata of type ${type}`);
    const records = ((call.fullNames ?? []) as unknown[]).map((fullName) => {
      const values = org.settings.read(type, String(fullName));
      // An unknown fullName reads as a record with no fields, as the Metadata API answers.
      if (!values) return `<records xsi:type="${type}"/>`;
      const fields = Object.entries(values)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([field, value]) => `<${field}>${value}</${field}>`)
        .join('');
      return `<records xsi:type="${type}"><fullName>${escapeXml(String(fullName))}</fullName>${fields}</records>`;
    });
    return `<result>${records.join('')}</result>`;
  };

  const updateMetadata = (call: Record<string, unknown>, user: SandboxUser): string =>
    ((call.metadata ?? []) as MetadataRecord[])
      .map((record) => {
        const type = (record['@_type'] ?? '').replace(/^.*:/, '');
        const fullName = String(record.fullName ?? '');
        try {
          if (user.profile !== 'System Administrator') {
            throw new SalesforceError('INSUFFICIENT_ACCESS', 'You need the Customize Application permission');
          }
          const values = Object.fromEntries(
            Object.entries(record)
              .filter(([key]) => !key.startsWith('@_') && key !== 'fullName')
              .map(([key, value]) => [key, String(value)]),
          );
          org.settings.update(type, fullName, values);
          return `<result><fullName>${escapeXml(fullName)}</fullName><success>true</success></result>`;
        } catch (error) {
          if (!(error instanceof SalesforceError)) throw error;
          return (
            `<result><errors><message>${escapeXml(error.message)}</message><statusCode>${error.errorCode}</statusCode></errors>` +
            `<fullName>${escapeXml(fullName)}</fullName><success>false</success></result>`
          );
        }
      })
      .join('');

  app.post('/services/Soap/m/:version', handler);
  app.post('/services/Soap/m/:version/:orgId', handler);
}

function respond(reply: FastifyReply, element: string, content: string): FastifyReply {
  return reply.header('content-type', XML_CONTENT_TYPE).send(envelope(`<${element}>${content}</${element}>`));
}

function fault(reply: FastifyReply, code: string, message: string): FastifyReply {
  return reply
    .code(500)
    .header('content-type', XML_CONTENT_TYPE)
    .send(
      envelope(
        `<soapenv:Fault><faultcode>${code}</faultcode><faultstring>${escapeXml(message)}</faultstring></soapenv:Fault>`,
      ),
    );
}

function envelope(body: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="${METADATA_NS}" ` +
    'xmlns:sf="http://soap.sforce.com/2006/04/metadata" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
    `<soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`
  );
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
