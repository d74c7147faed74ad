/**
 * Turns a field description into the view of the CustomField template, choosing the XML elements Salesforce expects
 * for each field type and for the kind of object the field lives on.
 */
import type { FieldDefinition } from '../../model/connector-metadata.js';
import { FORCE_APP_DIR, type GeneratedFile } from '../generated-file.js';
import type { Renderer } from '../render.js';

/** Platform event fields have no history trending; custom setting fields have no picklists. */
export type FieldHost = 'object' | 'platformEvent' | 'customSetting';

const DEFAULT_VISIBLE_LINES = 3;

export async function renderCustomField(
  renderer: Renderer,
  objectName: string,
  field: FieldDefinition,
  host: FieldHost,
): Promise<GeneratedFile> {
  const { type } = field;
  const externalId = field.externalId === true;
  const view = {
    name: field.name,
    label: field.label,
    description: field.description,
    helpText: field.helpText ?? '',
    type,
    externalId,
    // External IDs are unique so an upsert can never match two records; Gentrack references ignore case.
    hasUnique: host !== 'platformEvent' && ['Text', 'Number', 'Email'].includes(type),
    unique: externalId,
    caseSensitive: externalId ? 'false' : '',
    hasRequired: !['Checkbox', 'LongTextArea', 'TextArea'].includes(type),
    trackTrending: host === 'object',
    defaultValue: type === 'Checkbox' ? String(field.defaultValue ?? false) : '',
    length: ['Text', 'LongTextArea'].includes(type) ? field.length : undefined,
    precision: ['Number', 'Currency', 'Percent'].includes(type) ? field.precision : undefined,
    scale: field.scale ?? 0,
    visibleLines: type === 'LongTextArea' ? (field.visibleLines ?? DEFAULT_VISIBLE_LINES) : undefined,
    values: type === 'Picklist' ? field.values : undefined,
  };
  const outputPath = `${FORCE_APP_DIR}/objects/${objectName}/fields/${field.name}.field-meta.xml`;
  return {
    path: outputPath,
    content: await renderer.render('metadata/CustomField.field-meta.xml.hbs', outputPath, view),
    component: { type: 'CustomField', name: `${objectName}.${field.name}` },
  };
}
