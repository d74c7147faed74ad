/**
 * The Event Endpoint: an Apex REST resource that applies the model's `inbound` rules in the org (what the relay does
 * itself unless the model says `inbound.deliverTo: apex`), with its test. Generated whenever the model has inbound
 * rules, so switching delivery to Apex needs no other deployment; nothing is generated without them.
 */
import {
  EVENT_ENDPOINT_CLASS,
  EVENT_ENDPOINT_PATH,
  EXTERNAL_ID_FIELD,
  INBOUND_EVENT_CLASS,
  INBOUND_RULES_CLASS,
  INTEGRATION_PERMISSION_SET,
} from '../../model/connector-fields.js';
import { findObject, type ConnectorModel } from '../../model/connector-model.js';
import type { InboundEventRule, InboundFieldSource } from '../../model/inbound-model.js';
import { findStandardField, type DescribeFieldType } from '../../model/standard-objects.js';
import type { GeneratedFile } from '../generated-file.js';
import type { Renderer } from '../render.js';
import { apexClass } from './apex.js';

export class EventEndpointGenerationError extends Error {
  readonly code = 'EVENT_ENDPOINT_GENERATION';
}

/** JSON for an Apex string literal; `}}` is spaced out so generated files never look like template leftovers. */
function apexJson(value: unknown): string {
  let text = JSON.stringify(value);
  while (text.includes('}}')) text = text.replace(/\}\}/g, '} }');
  return apexString(text);
}

/** An Apex string literal. */
export function apexString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r')}'`;
}

function apexConstant(value: string | number | boolean | null): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return apexString(value);
  return String(value);
}

/** A value of the field's type for the test's event data, and the Apex expression the field then holds. */
function sampleFor(
  type: DescribeFieldType,
  picklistValues: readonly string[] | undefined,
): { json: unknown; apex: string } {
  switch (type) {
    case 'date':
      return { json: '2024-07-01', apex: 'Date.newInstance(2024, 7, 1)' };
    case 'datetime':
      return { json: '2024-07-01T10:00:00Z', apex: 'Datetime.newInstanceGmt(2024, 7, 1, 10, 0, 0)' };
    case 'boolean':
      return { json: true, apex: 'true' };
    case 'double':
    case 'currency':
    case 'percent':
    case 'int':
      return { json: 42, apex: '42' };
    case 'email':
      return { json: 'gentrack.test@example.com', apex: "'gentrack.test@example.com'" };
    case 'url':
      return { json: 'https://example.com/gentrack', apex: "'https://example.com/gentrack'" };
    case 'picklist':
      return picklistValues?.[0]
        ? { json: picklistValues[0], apex: apexString(picklistValues[0]) }
        : { json: 'Test', apex: "'Test'" };
    default:
      return { json: 'GT-TEST', apex: "'GT-TEST'" };
  }
}

/** What a constant becomes in the field, as an Apex expression (dates are written YYYY-MM-DD in the model). */
function expectedConstant(type: DescribeFieldType, value: string | number | boolean | null): string {
  if (value === null) return 'null';
  if (type === 'date' && typeof value === 'string') {
    const [year, month, day] = value.split('-').map(Number);
    return `Date.newInstance(${year}, ${month}, ${day})`;
  }
  return apexConstant(value);
}

function setAt(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
  node[keys[keys.length - 1]!] = value;
}

const TEST_REFERENCE = 'GT-EVENT-TEST-1';

export async function renderEventEndpoint(model: ConnectorModel, renderer: Renderer): Promise<GeneratedFile[]> {
  const inbound = model.inbound;
  if (!inbound || inbound.events.length === 0) return [];
  const picklistValuesOf = (object: string, field: string) =>
    findObject(model, object)?.fields.find((f) => f.name === field)?.custom?.values;

  const fieldView = (object: string, field: string, type: DescribeFieldType, source: InboundFieldSource) =>
    source.kind === 'value'
      ? { constructor: `constant(${apexString(field)}, '${type}', ${apexConstant(source.value)})` }
      : { constructor: `fromPath(${apexString(field)}, '${type}', ${apexString(source.path)})` };

  const rules = inbound.events.map((rule) => ({
    eventType: rule.eventType,
    object: rule.object,
    referencePath: apexString(rule.referencePath),
    fields: rule.set.map((field) => fieldView(rule.object, field.field, field.describeType, field.source)),
    tasks: rule.tasks.map((task) => ({
      constructor:
        `new TaskRule(${apexString(task.subject)}, '${task.priority}')` +
        (task.description === undefined ? '' : `.describedAs(${apexString(task.description)})`) +
        (task.dueInDays === undefined ? '' : `.dueInDays(${task.dueInDays})`),
    })),
  }));

  const targetObjects = [...new Set(inbound.events.map((rule) => rule.object))];
  const objects = targetObjects.map((name) => ({
    name,
    variable: `${name.charAt(0).toLowerCase()}${name.slice(1)}References`,
    withOwner: findStandardField(name, 'OwnerId') !== undefined,
  }));
  const entityObjects = [...new Set(inbound.events.filter((rule) => rule.read).map((rule) => rule.object))].map(
    (name) => ({
      name,
      fields: findObject(model, name)!
        .fields.filter((field) => field.master === 'Gentrack')
        .map((field) => ({
          constructor: `fromPath(${apexString(field.name)}, '${field.describeType}', ${apexString(field.gentrackPath)})`,
        })),
    }),
  );

  const tests = testView(model);
  const files = [
    apexClass(renderer, model, EVENT_ENDPOINT_CLASS, {
      className: EVENT_ENDPOINT_CLASS,
      eventClass: INBOUND_EVENT_CLASS,
      urlMapping: EVENT_ENDPOINT_PATH,
      externalIdField: EXTERNAL_ID_FIELD,
      objects,
    }),
    apexClass(renderer, model, INBOUND_EVENT_CLASS, {
      className: INBOUND_EVENT_CLASS,
      endpointClass: EVENT_ENDPOINT_CLASS,
      rulesClass: INBOUND_RULES_CLASS,
    }),
    apexClass(renderer, model, INBOUND_RULES_CLASS, {
      className: INBOUND_RULES_CLASS,
      eventClass: INBOUND_EVENT_CLASS,
      sourcePath: model.sourcePath,
      rules,
      entityObjects,
    }),
    apexClass(renderer, model, `${EVENT_ENDPOINT_CLASS}Test`, { ...tests, className: EVENT_ENDPOINT_CLASS }),
    apexClass(renderer, model, `${INBOUND_EVENT_CLASS}Test`, { ...tests, className: INBOUND_EVENT_CLASS }),
    apexClass(renderer, model, `${INBOUND_RULES_CLASS}Test`, {
      ...tests,
      rulesClass: INBOUND_RULES_CLASS,
      eventClass: INBOUND_EVENT_CLASS,
    }),
  ];
  return (await Promise.all(files)).flat();

  function testView(connectorModel: ConnectorModel) {
    // The rule the tests exercise: one with a Task if any (it shows the most), else the first.
    const rule: InboundEventRule =
      inbound!.events.find((candidate) => candidate.tasks.length > 0) ?? inbound!.events[0]!;
    const data: Record<string, unknown> = {};
    setAt(data, rule.referencePath, TEST_REFERENCE);
    const expectations = rule.set.map((field) => {
      if (field.source.kind === 'value')
        return { field: field.field, expected: expectedConstant(field.describeType, field.source.value) };
      const sample = sampleFor(field.describeType, picklistValuesOf(rule.object, field.field));
      setAt(data, field.source.path, sample.json);
      return { field: field.field, expected: sample.apex };
    });
    const dateField = rule.set.find(
      (field) => field.source.kind === 'data' && (field.describeType === 'date' || field.describeType === 'datetime'),
    );
    const readRule = inbound!.events.find((candidate) => candidate.read);
    const entityField =
      readRule &&
      findObject(connectorModel, readRule.object)!.fields.find(
        (field) => field.master === 'Gentrack' && !readRule.set.some((set) => set.field === field.name),
      );
    let entity: object | undefined;
    if (readRule && entityField) {
      entity = {};
      const sample = sampleFor(entityField.describeType, entityField.custom?.values);
      setAt(entity as Record<string, unknown>, entityField.gentrackPath, sample.json);
      const readData: Record<string, unknown> = {};
      setAt(readData, readRule.referencePath, TEST_REFERENCE);
      return {
        ...common(),
        read: {
          eventType: readRule.eventType,
          object: readRule.object,
          data: apexJson(readData),
          entity: apexJson(entity),
          field: entityField.name,
          expected: sample.apex,
        },
      };
    }
    return { ...common(), read: false };

    function common() {
      const unmapped = ['switch-gain-objected', 'metering-updated', 'service-created'].find(
        (type) => !inbound!.events.some((candidate) => candidate.eventType === type),
      );
      if (!unmapped)
        throw new EventEndpointGenerationError('every event type is mapped; the tests need one that is not');
      return {
        urlMapping: EVENT_ENDPOINT_PATH,
        placeholder: `{${rule.referencePath}}`,
        integrationPermissionSet: INTEGRATION_PERMISSION_SET,
        externalIdField: EXTERNAL_ID_FIELD,
        eventType: rule.eventType,
        object: rule.object,
        reference: apexString(TEST_REFERENCE),
        referencePath: rule.referencePath,
        data: apexJson(data),
        fieldList: rule.set.map((field) => field.field).join(', '),
        expectations,
        skipFields: rule.set.map((field) => apexString(field.field)).join(', '),
        hasTasks: rule.tasks.length > 0,
        taskSubject: rule.tasks[0]
          ? apexString(
              rule.tasks[0].subject.replace(/\{([^{}]*)\}/g, (_m, path: string) => String(getAt(data, path) ?? '')),
            )
          : "''",
        dateField: dateField && {
          name: dateField.field,
          data: apexJson(withValue(data, (dateField.source as { path: string }).path, 'not a date')),
        },
        unmappedEventType: unmapped,
      };
    }
  }
}

function getAt(source: unknown, path: string): unknown {
  let node = source;
  for (const key of path.split('.'))
    node = node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
  return node;
}

function withValue(data: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(data);
  setAt(copy, path, value);
  return copy;
}
