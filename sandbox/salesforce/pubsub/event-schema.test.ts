import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deriveAvroSchema, deriveEventSchema } from './event-schema.js';
import {
  parsePlatformEventDefinition,
  PlatformEventMetadataError,
  readPlatformEventDefinition,
  type PlatformEventDefinition,
} from './platform-event-metadata.js';
import { FIXTURE_EVENT_DIR } from './pubsub-test-harness.js';

const EVERY_TYPE: PlatformEventDefinition = {
  name: 'Every_Type__e',
  fields: [
    { name: 'Text__c', type: 'Text', length: 10, required: false },
    { name: 'Long__c', type: 'LongTextArea', length: 32768, required: false },
    { name: 'Count__c', type: 'Number', precision: 4, scale: 0, required: false },
    { name: 'Amount__c', type: 'Number', precision: 18, scale: 2, required: false },
    { name: 'At__c', type: 'DateTime', required: false },
    { name: 'On__c', type: 'Date', required: false },
    { name: 'Flag__c', type: 'Checkbox', required: false, defaultValue: false },
  ],
};

test('the fixture metadata reads as the Gentrack_Object_Event__e definition', () => {
  const definition = readPlatformEventDefinition(FIXTURE_EVENT_DIR);
  assert.equal(definition.name, 'Gentrack_Object_Event__e');
  const byName = Object.fromEntries(definition.fields.map((field) => [field.name, field]));
  assert.deepEqual(Object.keys(byName).sort(), [
    'Changed_At__c',
    'Changed_By__c',
    'Changed_Fields__c',
    'New_Payload__c',
    'Object_Type__c',
    'Old_Payload__c',
    'Operation_Type__c',
    'Part_Number__c',
    'Part_Total__c',
    'Record_Id__c',
    'Transaction_Id__c',
  ]);
  assert.deepEqual(byName['Record_Id__c'], { name: 'Record_Id__c', type: 'Text', length: 18, required: false });
  assert.deepEqual(byName['New_Payload__c'], {
    name: 'New_Payload__c',
    type: 'LongTextArea',
    length: 32768,
    required: false,
  });
  assert.deepEqual(byName['Part_Number__c'], {
    name: 'Part_Number__c',
    type: 'Number',
    precision: 4,
    scale: 0,
    required: false,
  });
  assert.deepEqual(byName['Changed_At__c'], { name: 'Changed_At__c', type: 'DateTime', required: false });
});

test('the Avro schema follows Salesforce: header fields, then nullable custom fields defaulting to null', () => {
  const schema = deriveAvroSchema(EVERY_TYPE);
  assert.equal(schema.name, 'Every_Type__e');
  assert.equal(schema.namespace, 'com.sforce.eventbus');
  assert.deepEqual(
    schema.fields.map((field) => [field.name, field.type, 'default' in field ? field.default : 'none']),
    [
      ['CreatedDate', 'long', 'none'],
      ['CreatedById', 'string', 'none'],
      ['Text__c', ['null', 'string'], null],
      ['Long__c', ['null', 'string'], null],
      ['Count__c', ['null', 'double'], null], // Number is double whatever its scale
      ['Amount__c', ['null', 'double'], null],
      ['At__c', ['null', 'long'], null],
      ['On__c', ['null', 'int'], null],
      ['Flag__c', ['null', 'boolean'], null],
    ],
  );
});

test('the schema id is a stable fingerprint of the schema JSON', () => {
  const first = deriveEventSchema(EVERY_TYPE);
  const again = deriveEventSchema(structuredClone(EVERY_TYPE));
  assert.equal(first.id, again.id);
  assert.match(first.id, /^[A-Za-z0-9_-]{22}$/);
  assert.equal(JSON.parse(first.json).name, 'Every_Type__e');
  const evolved = deriveEventSchema({
    ...EVERY_TYPE,
    fields: [...EVERY_TYPE.fields, { name: 'New__c', type: 'Text', length: 5, required: false }],
  });
  assert.notEqual(evolved.id, first.id);
});

test('the avsc type reads and writes wrapped unions, the form the Pub/Sub client uses', () => {
  const { type } = deriveEventSchema(EVERY_TYPE);
  const record = {
    CreatedDate: 1_700_000_000_000,
    CreatedById: '005',
    Text__c: { string: 'x' },
    Count__c: { double: 3 },
  };
  const decoded = type.fromBuffer(type.toBuffer(record)) as Record<string, unknown>;
  assert.deepEqual({ ...(decoded['Text__c'] as object) }, { string: 'x' });
  assert.equal(decoded['Flag__c'], null);
});

test('metadata with a field type platform events do not allow is refused with the file named', () => {
  const objectXml = '<CustomObject xmlns="http://soap.sforce.com/2006/04/metadata"><label>X</label></CustomObject>';
  const fieldXml = (type: string) =>
    `<CustomField xmlns="http://soap.sforce.com/2006/04/metadata"><fullName>Pick__c</fullName><type>${type}</type></CustomField>`;
  assert.throws(
    () =>
      parsePlatformEventDefinition({
        name: 'X__e',
        objectXml,
        fieldXmls: [{ file: 'fields/Pick__c.field-meta.xml', xml: fieldXml('Picklist') }],
      }),
    (error: unknown) =>
      error instanceof PlatformEventMetadataError &&
      error.file === 'fields/Pick__c.field-meta.xml' &&
      /Pick__c has type Picklist/.test(error.message),
  );
  assert.throws(() => parsePlatformEventDefinition({ name: 'X__c', objectXml, fieldXmls: [] }), /must end in __e/);
  assert.throws(
    () => parsePlatformEventDefinition({ name: 'X__e', objectXml, fieldXmls: [{ file: 'f', xml: fieldXml('Text') }] }),
    /Pick__c <length> must be a positive integer/,
  );
});
