/**
 * Apex source text of GentrackApi's parts: the classes of apex-shapes.ts (fields, a constructor reading Gentrack's
 * JSON for answers, toJson() for request bodies, toQueryString() for queries) and one method per open operation.
 * The handlebars template puts them into the class; prettier formats the result.
 */
import type { ApexClassShape, ApexField, ApexType } from './apex-shapes.js';

export function apexTypeName(type: ApexType): string {
  switch (type.kind) {
    case 'class':
      return type.name;
    case 'list':
      return `List<${apexTypeName(type.of)}>`;
    case 'Map':
      return 'Map<String, Object>';
    default:
      return type.kind;
  }
}

/** An expression converting `value` (a JSON value as deserializeUntyped gives it) to `type`. */
function fromJson(type: ApexType, value: string): string {
  switch (type.kind) {
    case 'String':
    case 'Boolean':
      return `(${type.kind}) ${value}`;
    case 'Integer':
      return `GentrackApi.integerOf(${value})`;
    case 'Decimal':
      return `GentrackApi.decimalOf(${value})`;
    case 'Map':
      return `(Map<String, Object>) ${value}`;
    case 'class':
      return `${value} == null ? null : new ${type.name}((Map<String, Object>) ${value})`;
    case 'Object':
      return value;
    case 'list':
      throw new Error('lists are read by readList');
  }
}

function readField(field: ApexField): string {
  const value = `json.get('${field.jsonName}')`;
  if (field.type.kind !== 'list') return `${field.apexName} = ${fromJson(field.type, value)};`;
  const element = field.type.of;
  return [
    `${field.apexName} = new ${apexTypeName(field.type)}();`,
    `for (Object item : GentrackApi.listOf(${value})) {`,
    `    ${field.apexName}.add(${element.kind === 'list' ? '(' + apexTypeName(element) + ') item' : fromJson(element, 'item')});`,
    `}`,
  ].join('\n');
}

/** An expression giving `value` (an Apex value of `type`) as JSON-ready data. */
function toJson(type: ApexType, value: string): string {
  return type.kind === 'class' ? `${value}.toJson()` : value;
}

function writeField(field: ApexField): string {
  if (field.type.kind !== 'list') {
    return `GentrackApi.putIfSet(json, '${field.jsonName}', ${field.apexName} == null ? null : ${toJson(field.type, field.apexName)});`;
  }
  return [
    `if (${field.apexName} != null) {`,
    `    List<Object> items = new List<Object>();`,
    `    for (${apexTypeName(field.type.of)} item : ${field.apexName}) {`,
    `        items.add(${toJson(field.type.of, 'item')});`,
    `    }`,
    `    json.put('${field.jsonName}', items);`,
    `}`,
  ].join('\n');
}

export function apexClassSource(shape: ApexClassShape): string {
  const fields = shape.fields
    .map(
      (field) =>
        `${shape.role === 'response' ? '@AuraEnabled\n' : ''}public ${apexTypeName(field.type)} ${field.apexName};`,
    )
    .join('\n');
  let body: string;
  if (shape.role === 'response') {
    body = `public ${shape.name}(Map<String, Object> json) {\n${shape.fields.map(readField).join('\n')}\n}`;
  } else if (shape.role === 'request') {
    body = `public Map<String, Object> toJson() {\nMap<String, Object> json = new Map<String, Object>();\n${shape.fields.map(writeField).join('\n')}\nreturn json;\n}`;
  } else {
    body = `public String toQueryString() {\nList<String> parameters = new List<String>();\n${shape.fields
      .map((field) => `GentrackApi.addParameter(parameters, '${field.jsonName}', ${field.apexName});`)
      .join('\n')}\nreturn parameters.isEmpty() ? '' : '?' + String.join(parameters, '&');\n}`;
  }
  const role = { response: 'Gentrack answers', request: 'What Salesforce sends', query: 'The query parameters' }[
    shape.role
  ];
  return `/** ${role}: ${shape.name}. */\npublic class ${shape.name} {\n${fields}\n\n${body}\n}`;
}

export interface ApexMethodShape {
  readonly operation: string;
  readonly description: string;
  readonly method: string;
  readonly path: string;
  readonly methodName: string;
  readonly pathParameters: readonly { readonly name: string; readonly apexName: string }[];
  readonly queryClass?: string;
  readonly requestClass?: string;
  readonly responseClass: string;
  readonly transactional: boolean;
}

export function apexMethodSource(method: ApexMethodShape): string {
  const parameters = [
    ...method.pathParameters.map((parameter) => `String ${parameter.apexName}`),
    ...(method.queryClass ? [`${method.queryClass} query`] : []),
    ...(method.requestClass ? [`${method.requestClass} body`] : []),
    ...(method.transactional ? ['String transactionId'] : []),
  ];
  const path = `'${method.path.replace(/\{([^}]+)\}/g, (_match, name: string) => {
    const parameter = method.pathParameters.find((candidate) => candidate.name === name)!;
    return `' + pathSegment('${name}', ${parameter.apexName}) + '`;
  })}'`.replace(/ \+ ''$/, '');
  const docs = [
    `${method.description} (${method.method} ${method.path}, operation ${method.operation}).`,
    ...(method.queryClass ? ['`query` may be null: no query parameters.'] : []),
    ...(method.transactional
      ? [
          '`transactionId` is sent as X-Transaction-Id: give the same one when repeating a call that may have taken effect',
          '(Gentrack then answers it from its record); null lets the relay make one.',
        ]
      : []),
    '@throws ApiException carrying the error type, HTTP status and details of a refusal by Gentrack or the relay.',
  ];
  const query = method.queryClass ? ` + (query == null ? '' : query.toQueryString())` : '';
  const body = method.requestClass === 'Map<String, Object>' ? 'body' : 'body.toJson()';
  const request = `request('${method.method}', ${path}${query})`;
  const sent = method.requestClass
    ? `withBody(${request}, ${body}, ${method.transactional ? 'transactionId' : 'null'})`
    : request;
  return `/**\n${docs.map((line) => ` * ${line}`).join('\n')}\n */\npublic static ${method.responseClass} ${method.methodName}(${parameters.join(', ')}) {\n${
    method.requestClass ? `if (body == null) {\nthrow invalidCall('${method.operation} needs a body.');\n}\n` : ''
  }return new ${method.responseClass}(send(${sent}));\n}`;
}
