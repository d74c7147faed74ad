/**
 * The generated Apex client of the relay's Gentrack API gateway, GentrackApi, and its test GentrackApiTest: one
 * typed method per operation the model's gentrackApi opens, from the operation table's shapes. Nothing is generated
 * without a gentrackApi section (or without the relay section, which the model requires with it).
 */
import {
  GENTRACK_API_CLASS,
  GENTRACK_GATEWAY_PATH,
  RELAY_API_PATH,
  RELAY_NAMED_CREDENTIAL,
} from '../../../model/connector-fields.js';
import type { ConnectorModel } from '../../../model/connector-model.js';
import { allowedOperations } from '../../../model/gentrack-api-access.js';
import {
  GENTRACK_API_OPERATIONS,
  pathParameterNames,
  type GentrackApiOperation,
} from '../../../model/gentrack-operations.js';
import type { GeneratedFile } from '../../generated-file.js';
import type { Renderer } from '../../render.js';
import { apexClass } from '../apex.js';
import {
  ApexShapes,
  apexIdentifier,
  jsonSchemaOf,
  methodNameOf,
  pascal,
  responseClassOf,
  sampleOf,
  type ApexClassShape,
} from './apex-shapes.js';
import { apexClassSource, apexMethodSource, type ApexMethodShape } from './apex-source.js';
import { methodTestSource } from './gentrack-api-tests.js';

export interface GentrackApiClient {
  readonly methods: readonly ApexMethodShape[];
  readonly classes: readonly ApexClassShape[];
  /** `callout:Gentrack_Relay/gentrack`: the Named Credential's URL ends in /v1. */
  readonly gateway: string;
}

/** The methods and classes of GentrackApi for the model; undefined when the model opens no gateway. */
export function gentrackApiClientOf(model: ConnectorModel): GentrackApiClient | undefined {
  if (!model.gentrackApi || !model.relay) return undefined;
  const shapes = new ApexShapes();
  const methods: ApexMethodShape[] = [];
  for (const access of allowedOperations(model.gentrackApi)) {
    const definition: GentrackApiOperation = GENTRACK_API_OPERATIONS[access.name];
    const responseClass = shapes.addObject(
      responseClassOf(access.name, definition),
      jsonSchemaOf(definition.response, 'output'),
      'response',
      '',
    );
    const queryClass = definition.query
      ? shapes.addObject(`${responseClass}Query`, jsonSchemaOf(definition.query, 'input'), 'query', '')
      : undefined;
    const body = definition.body ? jsonSchemaOf(definition.body, 'input') : undefined;
    const requestClass = body?.properties
      ? shapes.addObject(`${pascal(access.name)}Request`, body, 'request', '')
      : body
        ? 'Map<String, Object>'
        : undefined;
    methods.push({
      operation: access.name,
      description: definition.description,
      method: definition.method,
      path: definition.path,
      methodName: methodNameOf(access.name),
      pathParameters: pathParameterNames(definition.path).map((name) => ({ name, apexName: apexIdentifier(name) })),
      responseClass,
      transactional: definition.transactional,
      ...(queryClass ? { queryClass } : {}),
      ...(requestClass ? { requestClass } : {}),
    });
  }
  return {
    methods,
    classes: [...shapes.classes.values()].map(({ name, role, fields }) => ({ name, role, fields })),
    gateway: `callout:${RELAY_NAMED_CREDENTIAL}${GENTRACK_GATEWAY_PATH.slice(RELAY_API_PATH.length)}`,
  };
}

/** The query string the test's sample query gives (every parameter set, in shape order). */
function sampleQuery(shape: ApexClassShape): string {
  const parameters = shape.fields.map(
    (field) => `${field.jsonName}=${encodeURIComponent(String(field.sample)).replace(/%20/g, '+')}`,
  );
  return parameters.length === 0 ? '' : `?${parameters.join('&')}`;
}

export async function renderGentrackApi(model: ConnectorModel, renderer: Renderer): Promise<GeneratedFile[]> {
  const client = gentrackApiClientOf(model);
  if (!client) return [];
  const classOf = (name: string) => client.classes.find((shape) => shape.name === name)!;
  const tests = client.methods.map((method) => {
    const definition: GentrackApiOperation =
      GENTRACK_API_OPERATIONS[method.operation as keyof typeof GENTRACK_API_OPERATIONS];
    const path = method.path.replace(/\{([^}]+)\}/g, (_match, name: string) => `${name}-1`);
    const query = method.queryClass ? sampleQuery(classOf(method.queryClass)) : '';
    return methodTestSource(
      {
        method,
        endpoint: `${client.gateway}${path}${query}`,
        answerJson: JSON.stringify(sampleOf('answer', jsonSchemaOf(definition.response, 'output'))),
        status: definition.status,
      },
      classOf,
    );
  });
  const firstRead = client.methods.find((method) => method.method === 'GET' && method.pathParameters.length > 0);
  const firstWrite = client.methods.find((method) => method.requestClass !== undefined);
  const view = {
    sourcePath: model.sourcePath,
    namedCredential: RELAY_NAMED_CREDENTIAL,
    gatewayPath: client.gateway.slice(`callout:${RELAY_NAMED_CREDENTIAL}`.length),
    methods: client.methods.map(apexMethodSource),
    classes: client.classes.map(apexClassSource),
    tests,
    writeProbe: firstWrite && {
      methodName: firstWrite.methodName,
      operation: firstWrite.operation,
      arguments: [
        ...firstWrite.pathParameters.map((parameter) => `'${parameter.name}-1'`),
        ...(firstWrite.queryClass ? ['null'] : []),
        'null',
        ...(firstWrite.transactional ? ['null'] : []),
      ].join(', '),
    },
    probe: firstRead && {
      methodName: firstRead.methodName,
      arguments: [
        ...firstRead.pathParameters.map((parameter) => `'${parameter.name}-1'`),
        ...(firstRead.queryClass ? ['null'] : []),
      ].join(', '),
      blankArguments: [...firstRead.pathParameters.map(() => `' '`), ...(firstRead.queryClass ? ['null'] : [])].join(
        ', ',
      ),
    },
  };
  return (
    await Promise.all([
      apexClass(renderer, model, GENTRACK_API_CLASS, view),
      apexClass(renderer, model, `${GENTRACK_API_CLASS}Test`, view),
    ])
  ).flat();
}
