/**
 * Apex REST (Apex Developer Guide, "Exposing Apex Classes as REST Web Services"): a request to
 * /services/apexrest/<path> runs the @Http<Method> method of the @RestResource class whose urlMapping matches, as
 * the calling user, in a transaction that commits when the method returns; RestContext carries the request and
 * response. An uncaught exception answers 500 with APEX_ERROR and the Apex stack. An ApexRestMonitor records the
 * calls and injects the fault a busy org shows: a governor limit hit once the method has run.
 */
import type { ClassDecl, MethodDecl } from './ast.js';
import type { ApexRuntime } from './apex-runtime.js';
import { ApexThrow, newException, systemExceptionClass } from './exceptions.js';
import { serialize } from './library/json.js';
import { ApexBlob, ApexMap, NativeObject, STRING_TYPE, keyOf, type Value } from './values.js';
import type { ApexRestHandler, ApexRestRequest, ApexRestResponse } from '../rest/apex-rest-routes.js';

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

/** One Apex REST call the org answered. */
export interface ApexRestCall {
  readonly method: string;
  /** After /services/apexrest: `/gentrack/events`. */
  readonly path: string;
  readonly userId: string;
  /** The request body as received. */
  readonly body: string;
  readonly status: number;
}

/**
 * What tests see of, and do to, the org's Apex REST endpoints: the calls answered, and injected limit faults. A
 * fault lets the method run, then raises the uncatchable System.LimitException as it returns, as an org that ran
 * out of CPU time does: the transaction rolls back and the caller gets 500 APEX_ERROR.
 */
export class ApexRestMonitor {
  readonly calls: ApexRestCall[] = [];
  private readonly limitFaults = new Map<string, { remaining: number; message: string }>();

  /** The next `count` calls of `path` exceed a governor limit (`message`: Salesforce's text for it). */
  exceedLimitNext(path: string, count = 1, message = 'Apex CPU time limit exceeded'): void {
    this.limitFaults.set(path, { remaining: count, message });
  }

  /** The limit message for this call of `path`, if a fault is armed for it (the fault is used up). */
  takeLimitFault(path: string): string | undefined {
    const fault = this.limitFaults.get(path);
    if (!fault) return undefined;
    if (--fault.remaining <= 0) this.limitFaults.delete(path);
    return fault.message;
  }
}

export function apexRestHandler(runtime: ApexRuntime, monitor = new ApexRestMonitor()): ApexRestHandler {
  return async (request) => {
    const answer = await answerRequest(runtime, monitor, request);
    if (answer) {
      const { method, path, user, body } = request;
      monitor.calls.push({ method, path, userId: user.id, body, status: answer.status });
    }
    return answer;
  };
}

async function answerRequest(
  runtime: ApexRuntime,
  monitor: ApexRestMonitor,
  request: ApexRestRequest,
): Promise<ApexRestResponse | undefined> {
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
      const limit = monitor.takeLimitFault(request.path);
      if (limit !== undefined) throw limitException(endpoint, limit);
      return responseOf(runtime, restResponse, returned, endpoint.method);
    });
  } catch (failure) {
    if (failure instanceof ApexThrow)
      return error(500, 'APEX_ERROR', `${failure.message}\n\n${failure.stack_.join('\n')}`);
    throw failure;
  }
}

/** System.LimitException raised at the end of the endpoint's method. */
function limitException(endpoint: { cls: ClassDecl; method: MethodDecl }, message: string): ApexThrow {
  const { cls, method } = endpoint;
  return new ApexThrow(newException(systemExceptionClass('LimitException')!, message, method), [
    `Class.${cls.name}.${method.name}: line ${method.line}, column 1`,
  ]);
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
