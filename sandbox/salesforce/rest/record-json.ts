/** A stored record as the REST API returns it: `attributes` first, then every field (or the fields asked for). */
import { SalesforceError } from '../errors.js';
import type { SObjectRecord, SObjectSchema } from '../org/schema.js';
import { recordAttributes } from '../record-attributes.js';

/** `fields` is the `?fields=A,B` parameter; unknown names are an INVALID_FIELD error. */
export function recordJson(
  object: SObjectSchema,
  record: SObjectRecord,
  apiVersion: string,
  fields?: string,
): Record<string, unknown> {
  const json: Record<string, unknown> = { attributes: recordAttributes(object.name, record.Id, apiVersion) };
  const selected =
    fields === undefined || fields.trim() === ''
      ? object.fields
      : fields.split(',').map((name) => {
          const field = object.field(name.trim());
          if (!field) {
            throw new SalesforceError(
              'INVALID_FIELD',
              `No such column '${name.trim()}' on entity '${object.name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
            );
          }
          return field;
        });
  for (const field of selected) json[field.name] = record[field.name] ?? null;
  return json;
}
