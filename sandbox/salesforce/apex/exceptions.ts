/**
 * Apex exceptions: the System exception classes the runtime raises or the generated Apex names, and ApexThrow, the
 * JS error that carries an Apex exception object up the interpreter. System.LimitException cannot be caught
 * (Apex Developer Guide, "Execution Governors and Limits": "limit exceptions cannot be handled").
 */
import type { ClassDecl, Site } from './ast.js';
import { ApexObject } from './values.js';

const SYSTEM_EXCEPTIONS = [
  'AssertException',
  'AuraHandledException',
  'CalloutException',
  'DmlException',
  'EmailException',
  'FinalException',
  'IllegalArgumentException',
  'InvalidParameterValueException',
  'JSONException',
  'LimitException',
  'ListException',
  'MathException',
  'NoAccessException',
  'NoSuchElementException',
  'NullPointerException',
  'QueryException',
  'SecurityException',
  'SerializationException',
  'SObjectException',
  'StringException',
  'TypeException',
  'UnexpectedException',
] as const;

export type SystemExceptionName = (typeof SYSTEM_EXCEPTIONS)[number];

function systemClass(name: string, qualifiedName: string, extendsName: string | null): ClassDecl {
  return {
    file: '(System)',
    line: 0,
    kind: 'class',
    name,
    qualifiedName,
    outer: null,
    annotations: new Set(),
    annotationValues: new Map(),
    modifiers: new Set(['virtual']),
    extendsType: extendsName ? { name: extendsName, args: [] } : null,
    implementsTypes: [],
    fields: [],
    methods: [],
    constructors: [],
    staticBlocks: [],
    instanceBlocks: [],
    inner: new Map(),
    enumValues: [],
  };
}

export const EXCEPTION_CLASS = systemClass('Exception', 'Exception', null);

const byName = new Map<string, ClassDecl>([['exception', EXCEPTION_CLASS]]);
for (const name of SYSTEM_EXCEPTIONS) {
  const decl = systemClass(name, `System.${name}`, 'Exception');
  byName.set(name.toLowerCase(), decl);
  byName.set(`system.${name.toLowerCase()}`, decl);
}

/** The System exception class named `name` (`NullPointerException` or `System.NullPointerException`). */
export function systemExceptionClass(name: string): ClassDecl | undefined {
  return byName.get(name.toLowerCase());
}

export function isSystemClass(decl: ClassDecl): boolean {
  return decl.file === '(System)';
}

/** Carries an Apex exception through the interpreter (and out of it, to the test runner). */
export class ApexThrow extends Error {
  constructor(
    readonly exception: ApexObject,
    /** The Apex stack when it was thrown, innermost first: `Class.Foo.bar: line 3, column 1`. */
    readonly stack_: readonly string[],
  ) {
    super(`${typeNameOf(exception)}: ${exception.exception?.message ?? ''}`);
  }

  get uncatchable(): boolean {
    return this.exception.cls.name === 'LimitException';
  }
}

export function typeNameOf(exception: ApexObject): string {
  return exception.cls.qualifiedName;
}

export function newException(cls: ClassDecl, message: string | null, site: Site): ApexObject {
  const object = new ApexObject(cls);
  object.exception = { message, cause: null, line: site.line, file: site.file };
  return object;
}
