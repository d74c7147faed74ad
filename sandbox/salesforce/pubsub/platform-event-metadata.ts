/**
 * Reads a platform event's source-format metadata (`<Name>__e.object-meta.xml` + `fields/*.field-meta.xml`) into a
 * plain definition: the one input the event bus needs to derive a topic's Avro schema and validate payloads.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';

/** The field types Salesforce allows on a platform event. */
export const PLATFORM_EVENT_FIELD_TYPES = ['Text', 'LongTextArea', 'Number', 'DateTime', 'Date', 'Checkbox'] as const;
export type PlatformEventFieldType = (typeof PLATFORM_EVENT_FIELD_TYPES)[number];

export interface PlatformEventField {
  /** API name, e.g. `Record_Id__c`. */
  name: string;
  type: PlatformEventFieldType;
  /** Maximum characters (Text, LongTextArea). */
  length?: number;
  /** Total digits and digits after the point (Number). */
  precision?: number;
  scale?: number;
  required: boolean;
  /** Checkbox default (`false` unless the metadata says otherwise). */
  defaultValue?: boolean;
}

export interface PlatformEventDefinition {
  /** API name, e.g. `Gentrack_Object_Event__e`. */
  name: string;
  fields: PlatformEventField[];
}

export class PlatformEventMetadataError extends Error {
  readonly code = 'INVALID_PLATFORM_EVENT_METADATA';
  constructor(
    message: string,
    readonly file: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'PlatformEventMetadataError';
  }
}

const xmlParser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, trimValues: true });

/** The XML of one platform event, as read from disk or produced by a generator. */
export interface PlatformEventMetadataSource {
  name: string;
  objectXml: string;
  fieldXmls: Array<{ file: string; xml: string }>;
}

/**
 * Reads `objects/<Name>__e/` (e.g. `force-app/main/default/objects/Gentrack_Object_Event__e`).
 * Fields are listed in file-name order, which is also their order in the Avro schema.
 */
export function readPlatformEventDefinition(objectDir: string): PlatformEventDefinition {
  const name = basename(objectDir);
  const objectFile = join(objectDir, `${name}.object-meta.xml`);
  const fieldsDir = join(objectDir, 'fields');
  let fieldFiles: string[];
  try {
    fieldFiles = readdirSync(fieldsDir)
      .filter((file) => file.endsWith('.field-meta.xml'))
      .sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') fieldFiles = [];
    else throw error;
  }
  return parsePlatformEventDefinition({
    name,
    objectXml: readRequired(objectFile),
    fieldXmls: fieldFiles.map((file) => ({ file: join(fieldsDir, file), xml: readRequired(join(fieldsDir, file)) })),
  });
}

export function parsePlatformEventDefinition(source: PlatformEventMetadataSource): PlatformEventDefinition {
  if (!/^[A-Za-z][A-Za-z0-9_]*__e$/.test(source.name)) {
    throw new PlatformEventMetadataError(
      `"${source.name}" is not a platform event API name (it must end in __e)`,
      source.name,
    );
  }
  const object = xmlParser.parse(source.objectXml) as Record<string, unknown>;
  if (!object['CustomObject']) {
    throw new PlatformEventMetadataError('expected a <CustomObject> root element', `${source.name}.object-meta.xml`);
  }
  return { name: source.name, fields: source.fieldXmls.map(({ file, xml }) => parseField(file, xml)) };
}

function parseField(file: string, xml: string): PlatformEventField {
  const root = (xmlParser.parse(xml) as Record<string, unknown>)['CustomField'] as Record<string, string> | undefined;
  if (!root || typeof root !== 'object')
    throw new PlatformEventMetadataError('expected a <CustomField> root element', file);
  const name = root['fullName'] ?? basename(file, '.field-meta.xml');
  const type = root['type'];
  if (!PLATFORM_EVENT_FIELD_TYPES.includes(type as PlatformEventFieldType)) {
    throw new PlatformEventMetadataError(
      `field ${name} has type ${type ?? '(none)'}; platform events allow only ${PLATFORM_EVENT_FIELD_TYPES.join(', ')}`,
      file,
    );
  }
  const field: PlatformEventField = {
    name,
    type: type as PlatformEventFieldType,
    required: root['required'] === 'true',
  };
  if (field.type === 'Text' || field.type === 'LongTextArea') {
    field.length = positiveInteger(root['length'], `${name} <length>`, file);
  } else if (field.type === 'Number') {
    field.precision = positiveInteger(root['precision'], `${name} <precision>`, file);
    field.scale = root['scale'] === undefined ? 0 : nonNegativeInteger(root['scale'], `${name} <scale>`, file);
  } else if (field.type === 'Checkbox') {
    field.defaultValue = root['defaultValue'] === 'true';
  }
  return field;
}

function positiveInteger(text: string | undefined, what: string, file: string): number {
  const value = Number(text);
  if (text === undefined || !Number.isInteger(value) || value <= 0) {
    throw new PlatformEventMetadataError(`${what} must be a positive integer, got ${text ?? '(missing)'}`, file);
  }
  return value;
}

function nonNegativeInteger(text: string, what: string, file: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) {
    throw new PlatformEventMetadataError(`${what} must be a non-negative integer, got ${text}`, file);
  }
  return value;
}

function readRequired(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new PlatformEventMetadataError(`cannot read: ${(error as Error).message}`, file);
  }
}
