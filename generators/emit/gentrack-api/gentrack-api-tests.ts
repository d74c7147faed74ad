/**
 * The test methods of GentrackApiTest: per open operation, a call against an HttpCalloutMock answering the sample
 * of its answer shape, asserting what was sent (method, endpoint through the Named Credential, user, transaction id,
 * body) and what was read (every top-level property of the answer).
 */
import type { ApexClassShape, ApexField, ApexType } from './apex-shapes.js';
import type { ApexMethodShape } from './apex-source.js';

/** An Apex string literal. */
export function apexString(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
}

function apexLiteral(type: ApexType, value: unknown): string {
  switch (type.kind) {
    case 'String':
      return apexString(String(value));
    case 'Decimal':
    case 'Integer':
    case 'Boolean':
      return String(value);
    default:
      return 'null';
  }
}

type ClassLookup = (name: string) => ApexClassShape;

/** Statements that build `variable` of class `shape` with every field set to its sample. */
function buildStatements(shape: ApexClassShape, variable: string, classOf: ClassLookup): string[] {
  const statements = [`GentrackApi.${shape.name} ${variable} = new GentrackApi.${shape.name}();`];
  shape.fields.forEach((field, index) => {
    const target = `${variable}.${field.apexName}`;
    const element = field.type.kind === 'list' ? field.type.of : field.type;
    const inner = `${variable}${index}`;
    let value: string;
    if (element.kind === 'class') {
      statements.push(...buildStatements(classOf(element.name), inner, classOf));
      value = inner;
    } else {
      value = apexLiteral(element, Array.isArray(field.sample) ? field.sample[0] : field.sample);
    }
    statements.push(
      field.type.kind === 'list'
        ? `${target} = new List<${listElementName(element)}>{ ${value} };`
        : `${target} = ${value};`,
    );
  });
  return statements;
}

function listElementName(type: ApexType): string {
  return type.kind === 'class' ? `GentrackApi.${type.name}` : type.kind === 'Map' ? 'Map<String, Object>' : type.kind;
}

function assertion(field: ApexField): string | undefined {
  const actual = `answer.${field.apexName}`;
  switch (field.type.kind) {
    case 'String':
    case 'Decimal':
    case 'Integer':
    case 'Boolean':
      return `Assert.areEqual(${apexLiteral(field.type, field.sample)}, ${actual}, '${field.jsonName}');`;
    case 'list':
      return `Assert.areEqual(1, ${actual}.size(), '${field.jsonName}');`;
    default:
      return `Assert.isNotNull(${actual}, '${field.jsonName}');`;
  }
}

export interface MethodTestInput {
  readonly method: ApexMethodShape;
  /** The endpoint the call must reach, with the test's arguments. */
  readonly endpoint: string;
  readonly answerJson: string;
  readonly status: number;
}

export function methodTestSource(input: MethodTestInput, classOf: ClassLookup): string {
  const { method } = input;
  const setup: string[] = [];
  const args: string[] = method.pathParameters.map((parameter) => apexString(`${parameter.name}-1`));
  if (method.queryClass) {
    setup.push(...buildStatements(classOf(method.queryClass), 'query', classOf));
    args.push('query');
  }
  if (method.requestClass) {
    setup.push(...buildStatements(classOf(method.requestClass), 'body', classOf));
    args.push('body');
  }
  if (method.transactional) args.push(`'tx-1'`);
  const response = classOf(method.responseClass);
  const firstBodyField = method.requestClass ? classOf(method.requestClass).fields[0] : undefined;
  return `@IsTest
static void ${method.methodName}CallsTheGatewayAndReadsTheAnswer() {
    ${setup.join('\n')}
    GatewayMock mock = gateway(${input.status}, ${apexString(input.answerJson)});

    Test.startTest();
    GentrackApi.${method.responseClass} answer = GentrackApi.${method.methodName}(${args.join(', ')});
    Test.stopTest();

    Assert.areEqual('${method.method}', mock.received.getMethod(), 'method');
    Assert.areEqual(${apexString(input.endpoint)}, mock.received.getEndpoint(), 'through the Named Credential');
    Assert.areEqual(UserInfo.getUserName(), mock.received.getHeader('X-On-Behalf-Of'), 'the user, for the audit');
    ${method.transactional ? `Assert.areEqual('tx-1', mock.received.getHeader('X-Transaction-Id'), 'the caller\\'s transaction id');` : ''}
    ${
      firstBodyField
        ? `Assert.isTrue(mock.received.getBody().contains('"${firstBodyField.jsonName}":'), 'the body: ' + mock.received.getBody());`
        : ''
    }
    ${response.fields.map(assertion).filter(Boolean).join('\n')}
}`;
}
