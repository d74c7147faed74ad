/**
 * The Avro schema Salesforce serves for a platform event topic: record `<Name>__e` in namespace
 * `com.sforce.eventbus` with `CreatedDate` (long, epoch ms) and `CreatedById` (string), then every custom field as a
 * nullable union defaulting to null. Salesforce maps Number to double (whatever the scale), DateTime to long epoch
 * milliseconds, Date to int days since the epoch, Checkbox to boolean, Text and Long Text Area to string.
 */
import { createHash } from 'node:crypto';
import avro from 'avsc';
import type { PlatformEventDefinition, PlatformEventFieldType } from './platform-event-metadata.js';

export const EVENT_SCHEMA_NAMESPACE = 'com.sforce.eventbus';

const AVRO_TYPE_OF: Record<PlatformEventFieldType, 'string' | 'double' | 'long' | 'int' | 'boolean'> = {
  Text: 'string',
  LongTextArea: 'string',
  Number: 'double',
  DateTime: 'long',
  Date: 'int',
  Checkbox: 'boolean',
};

export interface EventSchema {
  /** Opaque id, as Salesforce's (22 url-safe characters): a fingerprint of `json`, so it is stable across restarts. */
  id: string;
  /** The schema JSON that GetSchema returns. */
  json: string;
  /** avsc type with wrapped unions (`{ string: 'x' }`), the form the Pub/Sub client reads and writes. */
  type: avro.Type;
}

export function deriveAvroSchema(definition: PlatformEventDefinition): avro.schema.RecordType {
  return {
    type: 'record',
    name: definition.name,
    namespace: EVENT_SCHEMA_NAMESPACE,
    fields: [
      { name: 'CreatedDate', type: 'long', doc: 'CreatedDate:DateTime' },
      { name: 'CreatedById', type: 'string', doc: 'CreatedBy:EntityId' },
      ...definition.fields.map((field) => ({
        name: field.name,
        type: ['null', AVRO_TYPE_OF[field.type]],
        doc: `Data:${field.type}`,
        default: null,
      })),
    ],
  };
}

export function deriveEventSchema(definition: PlatformEventDefinition): EventSchema {
  return eventSchemaFromJson(JSON.stringify(deriveAvroSchema(definition)));
}

/** Also used for schemas that arrive from outside (tests that craft an incompatible writer schema). */
export function eventSchemaFromJson(json: string): EventSchema {
  return {
    id: schemaFingerprint(json),
    json,
    type: avro.Type.forSchema(JSON.parse(json) as avro.Schema, { wrapUnions: true }),
  };
}

export function schemaFingerprint(json: string): string {
  return createHash('sha256').update(json).digest().subarray(0, 16).toString('base64url');
}
