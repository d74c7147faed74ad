/**
 * CustomField definitions (objects/<Object>/fields/<Field>.field-meta.xml): names, labels, the field types Salesforce
 * accepts with the attributes each type needs and forbids, and what each kind of object allows.
 */
import { child, childrenNamed, childText, type XmlElement } from '../xml-document.js';
import { applyElementRules, optional, required, type ElementRule, type Violation } from './element-rules.js';
import type { MetadataDocument } from './metadata-document.js';
import type { ObjectKind } from './project-inventory.js';

/** An API name without its suffix: a letter first, then letters, digits and single underscores, no trailing one. */
const API_NAME = /^[A-Za-z](?:[A-Za-z0-9]|_(?=[A-Za-z0-9]))*$/;
const API_NAME_MAX = 40;

const COMMON_RULES: readonly ElementRule[] = [
  required('field-full-name', 'fullName'),
  required('field-label', 'label', { maxLength: 40 }),
  required('field-type', 'type'),
  optional('field-description', 'description', { maxLength: 1000 }),
  optional('field-help-text', 'inlineHelpText', { maxLength: 510 }),
  optional('field-boolean', 'required', { oneOf: ['true', 'false'] }),
];

/** Elements that only make sense for some types; the deploy rejects them on the others. */
const TYPE_SPECIFIC_ELEMENTS = [
  'length',
  'precision',
  'scale',
  'visibleLines',
  'valueSet',
  'referenceTo',
  'relationshipName',
  'relationshipLabel',
  'relationshipOrder',
  'deleteConstraint',
  'displayFormat',
  'startingNumber',
  'maskChar',
  'maskType',
] as const;
type TypeSpecificElement = (typeof TYPE_SPECIFIC_ELEMENTS)[number];

interface FieldTypeSpec {
  /** The type-specific elements this type takes; the others are reported. */
  readonly accepts: readonly TypeSpecificElement[];
  readonly rules: readonly ElementRule[];
  /** Whether the field may be an external id or unique. */
  readonly identifying?: boolean;
}

const digits = (id: string): ElementRule[] => [
  required(id, 'precision', { integer: { min: 1, max: 18 }, hint: 'precision counts all digits, at most 18' }),
  required(id, 'scale', { integer: { min: 0, max: 18 } }),
];
const valueSetRules: ElementRule[] = [
  required('field-picklist-values', 'valueSet'),
  required('field-picklist-values', 'valueSet/valueSetDefinition/value/fullName', { maxLength: 255 }),
  optional('field-picklist-values', 'valueSet/valueSetDefinition/value/label', { maxLength: 255 }),
  optional('field-picklist-values', 'valueSet/valueSetDefinition/value/default', { oneOf: ['true', 'false'] }),
  optional('field-picklist-values', 'valueSet/restricted', { oneOf: ['true', 'false'] }),
];
const relationshipRules = (id: string): ElementRule[] => [
  required(id, 'referenceTo'),
  required(id, 'relationshipName', {
    pattern: {
      regex: API_NAME,
      meaning: 'a relationship name follows API name rules (letter first, no double underscore)',
    },
    maxLength: API_NAME_MAX,
  }),
  optional(id, 'relationshipLabel', { maxLength: 80 }),
];

const FIELD_TYPES: Readonly<Record<string, FieldTypeSpec>> = {
  Text: {
    accepts: ['length'],
    identifying: true,
    rules: [
      required('field-text-length', 'length', {
        integer: { min: 1, max: 255 },
        hint: 'use LongTextArea for more than 255',
      }),
    ],
  },
  TextArea: { accepts: [], rules: [] },
  LongTextArea: {
    accepts: ['length', 'visibleLines'],
    rules: [
      required('field-long-text-length', 'length', { integer: { min: 256, max: 131072 } }),
      required('field-visible-lines', 'visibleLines', { integer: { min: 1, max: 1000 } }),
    ],
  },
  Html: {
    accepts: ['length', 'visibleLines'],
    rules: [
      required('field-long-text-length', 'length', { integer: { min: 256, max: 131072 } }),
      required('field-visible-lines', 'visibleLines', { integer: { min: 1, max: 1000 } }),
    ],
  },
  Number: { accepts: ['precision', 'scale'], identifying: true, rules: digits('field-number-precision') },
  Currency: { accepts: ['precision', 'scale'], rules: digits('field-number-precision') },
  Percent: { accepts: ['precision', 'scale'], rules: digits('field-number-precision') },
  Checkbox: {
    accepts: [],
    rules: [
      required('field-checkbox-default', 'defaultValue', {
        oneOf: ['true', 'false'],
        hint: 'the deploy requires a default for checkboxes',
      }),
      optional('field-checkbox-required', 'required', {
        notTrue: 'a checkbox always has a value, it cannot be required',
      }),
    ],
  },
  Date: { accepts: [], rules: [] },
  DateTime: { accepts: [], rules: [] },
  Time: { accepts: [], rules: [] },
  Email: { accepts: [], identifying: true, rules: [] },
  Phone: { accepts: [], rules: [] },
  Url: { accepts: [], rules: [] },
  Picklist: { accepts: ['valueSet'], rules: valueSetRules },
  MultiselectPicklist: {
    accepts: ['valueSet', 'visibleLines'],
    rules: [...valueSetRules, required('field-visible-lines', 'visibleLines', { integer: { min: 3, max: 10 } })],
  },
  Lookup: {
    accepts: ['referenceTo', 'relationshipName', 'relationshipLabel', 'deleteConstraint'],
    rules: [
      ...relationshipRules('field-lookup'),
      optional('field-lookup', 'deleteConstraint', { oneOf: ['SetNull', 'Restrict', 'Cascade'] }),
    ],
  },
  MasterDetail: {
    accepts: ['referenceTo', 'relationshipName', 'relationshipLabel', 'relationshipOrder'],
    rules: [
      ...relationshipRules('field-master-detail'),
      optional('field-master-detail', 'relationshipOrder', { oneOf: ['0', '1'] }),
    ],
  },
  AutoNumber: {
    accepts: ['displayFormat', 'startingNumber'],
    identifying: true,
    rules: [required('field-auto-number', 'displayFormat')],
  },
};

/** Field types each kind of object allows, when it restricts them. */
const FIELD_TYPES_BY_OBJECT_KIND: Partial<
  Record<ObjectKind, { readonly allowed: readonly string[]; readonly what: string }>
> = {
  platformEvent: {
    allowed: ['Checkbox', 'Date', 'DateTime', 'Number', 'Text', 'LongTextArea'],
    what: 'platform event',
  },
  customSetting: {
    allowed: [
      'Checkbox',
      'Currency',
      'Date',
      'DateTime',
      'Email',
      'Number',
      'Percent',
      'Phone',
      'Text',
      'TextArea',
      'Url',
    ],
    what: 'custom setting',
  },
};

/** Rules between elements, which the element table cannot express. */
const CROSS_RULES: readonly {
  readonly id: string;
  readonly check: (document: MetadataDocument) => Violation | undefined;
}[] = [
  {
    id: 'field-full-name',
    check: ({ root, fileName }) => {
      const fullName = child(root, 'fullName');
      if (!fullName || fullName.text === fileName) return undefined;
      return at(
        fullName,
        `<fullName> is '${fullName.text}' but the file is ${fileName}.field-meta.xml; they must match, rename one`,
      );
    },
  },
  {
    id: 'field-api-name',
    check: ({ fileName, root }) => {
      if (!fileName.endsWith('__c')) {
        return at(
          root,
          `'${fileName}' is not a custom field name: custom fields end in __c; rename the file and <fullName>`,
        );
      }
      const base = fileName.slice(0, -'__c'.length);
      if (!API_NAME.test(base)) {
        return at(
          root,
          `'${fileName}' is not a valid API name: start with a letter, use letters, digits and single underscores, no trailing underscore`,
        );
      }
      if (base.length > API_NAME_MAX) {
        return at(
          root,
          `'${fileName}' is ${base.length} characters before __c; the limit is ${API_NAME_MAX}, shorten it`,
        );
      }
      return undefined;
    },
  },
  {
    id: 'field-number-scale',
    check: ({ root }) => {
      const precision = Number(childText(root, 'precision'));
      const scale = child(root, 'scale');
      if (!scale || Number.isNaN(precision) || Number(scale.text) <= precision) return undefined;
      return at(
        scale,
        `<scale> ${scale.text} is larger than <precision> ${precision}; precision counts all digits including the decimals`,
      );
    },
  },
  {
    id: 'field-case-sensitive',
    check: ({ root }) => {
      const caseSensitive = child(root, 'caseSensitive');
      if (caseSensitive?.text !== 'true' || childText(root, 'unique') === 'true') return undefined;
      return at(
        caseSensitive,
        '<caseSensitive> true only applies to unique fields; add <unique>true</unique> or remove it',
      );
    },
  },
  {
    id: 'field-picklist-values',
    check: ({ root }) => {
      const valueSet = child(root, 'valueSet');
      if (!valueSet || child(valueSet, 'valueSetDefinition') || child(valueSet, 'valueSetName')) return undefined;
      return at(
        valueSet,
        '<valueSet> needs a <valueSetDefinition> with values or a <valueSetName> naming a global value set',
      );
    },
  },
  {
    id: 'field-picklist-duplicate',
    check: ({ root }) => {
      const definition = child(child(root, 'valueSet') ?? root, 'valueSetDefinition');
      if (!definition) return undefined;
      const seen = new Set<string>();
      for (const value of childrenNamed(definition, 'value')) {
        const name = (childText(value, 'fullName') ?? '').toLowerCase();
        if (seen.has(name))
          return at(
            value,
            `picklist value '${childText(value, 'fullName')}' appears twice (Salesforce ignores case); remove one`,
          );
        seen.add(name);
      }
      const defaults = childrenNamed(definition, 'value').filter((value) => childText(value, 'default') === 'true');
      if (childText(root, 'type') === 'Picklist' && defaults.length > 1) {
        return at(
          defaults[1]!,
          'a picklist can have only one default value; keep <default>true</default> on one value',
        );
      }
      return undefined;
    },
  },
];

/** Formula fields compute their value: they take no length and no default. */
const RELAXED_FOR_FORMULAS = new Set(['length', 'defaultValue', 'visibleLines']);

export function checkCustomField(document: MetadataDocument, objectKind: ObjectKind | undefined): Violation[] {
  const { root } = document;
  const violations = applyElementRules(root, COMMON_RULES);
  for (const rule of CROSS_RULES) {
    const violation = rule.check(document);
    if (violation) violations.push({ ...violation, rule: rule.id });
  }

  const typeElement = child(root, 'type');
  const type = typeElement?.text;
  if (!typeElement || !type) return violations;
  const spec = FIELD_TYPES[type];
  if (!spec) {
    violations.push(
      at(
        typeElement,
        `<type> '${type}' is not a field type this project supports (${Object.keys(FIELD_TYPES).join(', ')})`,
        'field-type',
      ),
    );
    return violations;
  }

  const isFormula = child(root, 'formula') !== undefined;
  const typeRules = isFormula
    ? spec.rules.map((rule) => (RELAXED_FOR_FORMULAS.has(rule.path) ? { ...rule, required: false } : rule))
    : spec.rules;
  violations.push(...applyElementRules(root, typeRules));

  for (const element of root.children) {
    if (
      (TYPE_SPECIFIC_ELEMENTS as readonly string[]).includes(element.name) &&
      !(spec.accepts as readonly string[]).includes(element.name)
    ) {
      violations.push(
        at(
          element,
          `<${element.name}> does not apply to a ${type} field and the deploy rejects it; remove it`,
          'field-attribute-not-for-type',
        ),
      );
    }
  }
  if (!spec.identifying) {
    for (const name of ['externalId', 'unique'] as const) {
      const element = child(root, name);
      if (element?.text === 'true') {
        violations.push(
          at(
            element,
            `a ${type} field cannot be ${name === 'externalId' ? 'an external id' : 'unique'}; only Text, Number, Email and AutoNumber can`,
            'field-identifying',
          ),
        );
      }
    }
  }

  const restriction = objectKind ? FIELD_TYPES_BY_OBJECT_KIND[objectKind] : undefined;
  if (restriction && !restriction.allowed.includes(type)) {
    violations.push(
      at(
        typeElement,
        `a ${restriction.what} cannot have a ${type} field (${document.objectName}); allowed types: ${restriction.allowed.join(', ')}`,
        'field-type-not-allowed-on-object',
      ),
    );
  }
  return violations;
}

function at(element: XmlElement, message: string, rule = ''): Violation {
  return { rule, message, line: element.line };
}
