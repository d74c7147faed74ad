/**
 * Every metadata document against the current Metadata API schema (metadata-schema.ts, from `@salesforce/types`), at
 * every depth: elements the type does not define, elements the WSDL requires that are missing, a single-valued
 * element given twice, and values that are not of the element's type (an enumeration's values, true/false, a
 * number).
 *
 * The deploy rejects each of these ("Element {…}bogus invalid at this location", "Required field is missing", "'X' is
 * not a valid value for the enum 'Y'") but SDR converts them happily, so they are only caught here.
 */
import type { XmlElement } from '../xml-document.js';
import type { Violation } from './element-rules.js';
import { metadataSchema, type SchemaElement } from './metadata-schema.js';
import { closestMatch } from '../../../model/edit-distance.js';

export function isKnownMetadataType(typeName: string): boolean {
  return metadataSchema().isKnownType(typeName);
}

/** Reports every element (at any depth) that the metadata type does not define, lacks or holds wrongly. */
export function findUnknownElements(root: XmlElement, typeName: string): Violation[] {
  const schema = metadataSchema();
  const violations: Violation[] = [];
  const visit = (element: XmlElement, schemaType: string, path: string): void => {
    const allowed = schema.elementsOf(schemaType);
    if (!allowed) return; // a leaf, checked by checkValue
    const where = path.includes('/') ? ` (in ${path})` : '';
    const seen = new Set<string>();
    for (const child of element.children) {
      const declared = allowed.get(child.name);
      if (declared === undefined) {
        violations.push({
          rule: 'unknown-element',
          line: child.line,
          message:
            `<${child.name}> is not an element of ${schemaType}${where}; ` +
            `the deploy fails with "Element ${child.name} invalid at this location". ${suggestion(child.name, [...allowed.keys()])}`,
        });
        continue;
      }
      if (seen.has(child.name) && !declared.repeats) {
        violations.push({
          rule: 'repeated-element',
          line: child.line,
          message: `<${child.name}> appears more than once in ${schemaType}${where}, which allows one`,
        });
      }
      seen.add(child.name);
      const value = checkValue(child, declared, `${path}/${child.name}`);
      if (value) violations.push(value);
      visit(child, declared.type, `${path}/${child.name}`);
    }
    for (const [name, declared] of allowed) {
      if (!declared.required || seen.has(name) || name === 'fullName') continue;
      violations.push({
        rule: 'missing-required-element',
        line: element.line,
        message: `${schemaType}${where} lacks <${name}>, which the Metadata API requires (${declared.type})`,
      });
    }
  };
  visit(root, typeName, typeName);
  return violations;
}

function checkValue(element: XmlElement, declared: SchemaElement, path: string): Violation | undefined {
  if (element.children.length > 0) return undefined;
  const text = element.text;
  const values = metadataSchema().valuesOf(declared.type);
  const wrong = (expected: string): Violation => ({
    rule: 'invalid-value',
    line: element.line,
    message: `<${path.split('/').pop()}>${text}</…> in ${path}: ${expected}`,
  });
  if (values) {
    if (values.includes(text)) return undefined;
    const closest = closestMatch(text, values);
    return wrong(
      `'${text}' is not a value of ${declared.type} (${values.length <= 12 ? values.join(', ') : `${values.length} values`})${closest ? `; did you mean '${closest}'?` : ''}`,
    );
  }
  if (declared.type === 'boolean' && text !== 'true' && text !== 'false') return wrong('must be true or false');
  if (declared.type === 'number' && (text === '' || !Number.isFinite(Number(text)))) return wrong('must be a number');
  return undefined;
}

function suggestion(name: string, allowed: readonly string[]): string {
  const closest = closestMatch(name, allowed);
  if (closest) return `Did you mean <${closest}>?`;
  if (allowed.length <= 15) return `Remove it or use one of: ${[...allowed].sort().join(', ')}.`;
  return 'Remove it, or check the element name in the Metadata API reference.';
}
