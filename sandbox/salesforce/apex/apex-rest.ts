/**
 * Apex REST (Apex Developer Guide, "Exposing Apex Classes as REST Web Services"): a request to
 * /services/apexrest/<path> runs the @Http<Method> method of the @RestResource class whose urlMapping matches, as
 * the calling user, in a transaction that commits when the method returns; RestContext carries the request and
 * response. An uncaught exception answers 500 with APEX_ERROR and the Apex stack.
 */
import type { ClassDecl, MethodDecl } from './ast.js';
import type { ApexRuntime } from './apex-runtime.js';
import { ApexThrow } from './exceptions.js';
import { serialize } from './library/json.js';
import { ApexBlob, ApexMap, NativeObject, STRING_TYPE, keyOf, type Value } from './values.js';
import type { ApexRestHandler, ApexRestResponse } from '../rest/apex-rest-routes.js';

const JSON_TYPE = 'application/json;charset=UTF-8';

/** The endpoint class and method for a path and HTTP method, or undefined. */
export function findRestEndpoint(
  runtime: ApexRuntime,
  method: string,
  path: string,
): { cls: ClassDecl; method: MethodDecl } | undefined {
  for (const cls of runtime.program.classes.values()) {
    const mapping = /urlMapping\s*=\s*'([^']*)'/i.exec(cls.annotationValues.get('restresource') ?? '')?.[1];
    if (!mapping || !matches(mapping, path)) continue;
    const handler = cls.methods.find(
      (candidate) => candidate.isStatic && candidate.annotations.has(`http${method.toLowerCase()}`),
    );
    if (handler) return { cls, method: handler };
  }
  return undefined;
}

/** urlMapping matching is case-sensitive; `*` matches the rest of the path. */
function matches(mapping: string, path: string): boolean {
  if (mapping.endsWith('/*')) return path === mapping.slice(0, -2) || path.startsWith(mapping.slice(0, -1));
  return mapping === path;
}

export function apexRestHandler(runtime: ApexRuntime): ApexRestHandler {
  return async (request) => {
    const endpoint = findRestEndpoint(runtime, request.method, request.path);
    if (!endpoint) return undefined;
    if (endpoint.method.parameters.length > 0) {
      return error(
        500,
        'APEX_ERROR',
        `unsupported Apex: REST method ${endpoint.cls.name}.${endpoint.method.name} with parameters at ${endpoint.method.file}:${endpoint.method.line}`,
      );
    }
    const restRequest = new NativeObject('RestRequest');
    restRequest.properties.set('requesturi', request.path);
    restRequest.properties.set('resourcepath', `/services/apexrest${request.path}`);
    restRequest.properties.set('httpmethod', request.method);
    restRequest.properties.set('requestbody', new ApexBlob(Buffer.from(request.body, 'utf8')));
    const params = new ApexMap(STRING_TYPE, STRING_TYPE);
    for (const [name, value] of Object.entries(request.params)) params.entries.set(keyOf(name), [name, value]);
    restRequest.properties.set('params', params);
    restRequest.state['headers'] = new Map(
      Object.entries(request.headers).map(([name, value]) => [name.toLowerCase(), [name, value]]),
    );
    const restResponse = new NativeObject('RestResponse');
    try {
      return await runtime.transaction({ user: request.user }, async (context) => {
        context.restContext.set('request', restRequest);
        context.restContext.set('response', restResponse);
        const returned = await runtime.interpreter.callStaticMethod(endpoint.cls, endpoint.method.name, []);
        return responseOf(runtime, restResponse, returned, endpoint.method);
      });
    } catch (failure) {
      if (failure instanceof ApexThrow)
        return error(500, 'APEX_ERROR', `${failure.message}\n\n${failure.stack_.join('\n')}`);
      throw failure;
    }
  };
}

function responseOf(
  runtime: ApexRuntime,
  response: NativeObject,
  returned: Value,
  method: MethodDecl,
): ApexRestResponse {
  const status = response.properties.get('statuscode');
  const headerMap = (response.state['headers'] ?? new Map()) as Map<string, [string, string]>;
  const headers = Object.fromEntries([...headerMap.values()]);
  const blob = response.properties.get('responsebody');
  // A method that returns a value answers it as JSON; a void one answers RestContext.response.responseBody.
  const body =
    method.returnType && method.returnType.name.toLowerCase() !== 'void'
      ? serialize(runtime.interpreter, returned, method)
      : blob instanceof ApexBlob
        ? blob.bytes.toString('utf8')
        : '';
  return {
    status: typeof status === 'number' ? status : 200,
    headers: { 'content-type': JSON_TYPE, ...headers },
    body,
  };
}

function error(status: number, errorCode: string, message: string): ApexRestResponse {
  return { status, headers: { 'content-type': JSON_TYPE }, body: JSON.stringify([{ errorCode, message }]) };
}
