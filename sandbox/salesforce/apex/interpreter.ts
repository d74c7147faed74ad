/**
 * Executes the lowered Apex (ast.ts): statements, expressions, classes with statics, constructors, inheritance and
 * interfaces, exceptions. System classes live in system-library.ts, the org (SOQL, DML, triggers) in org-bridge.ts.
 * Identifiers are case-insensitive and `==` on Strings ignores case (Apex Developer Guide, "Expression Operators");
 * null operands follow Apex's rules (a null String concatenates as 'null', a comparison with null is false, a
 * dereference throws System.NullPointerException). Statements and expressions run as steps (steps.ts): synchronously,
 * except where the org has to answer first.
 */
import { estimateHeap, HEAP_LIMIT_BYTES } from './heap-estimate.js';
import { AsyncLocalStorage } from 'node:async_hooks';
import type { ClassDecl, Creation, Expr, MethodDecl, Site, Stmt, TypeRef } from './ast.js';
import {
  ApexThrow,
  EXCEPTION_CLASS,
  isSystemClass,
  newException,
  systemExceptionClass,
  typeNameOf,
} from './exceptions.js';
import { LimitExceeded } from './governor-limits.js';
import type { ApexProgram } from './program.js';
import type { TransactionContext } from './transaction-context.js';
import type { TriggerVariables } from './trigger-variables.js';
import { copyStatics, Uncopyable } from './static-snapshots.js';
import { nested, runSteps, settle, type Step } from './steps.js';
import { UnsupportedApexError } from './unsupported.js';
import type { AccessMode } from './user-mode.js';
import {
  ApexBlob,
  ApexDate,
  ApexDatetime,
  ApexDecimal,
  ApexEnum,
  ApexList,
  ApexMap,
  ApexObject,
  ApexSObject,
  ApexSet,
  ApexTypeValue,
  NativeObject,
  OBJECT_TYPE,
  isNumber,
  keyOf,
  numeric,
  typeRef,
  type Value,
} from './values.js';
import { toId18 } from '../org/ids.js';

/** A type a name resolved to: a class of the program, an sObject type, or a system type (lower-cased, no `system.`). */
export type ResolvedType =
  { kind: 'class'; cls: ClassDecl } | { kind: 'sobject'; name: string } | { kind: 'system'; name: string };

type Ref = { value: Value } | { type: ResolvedType } | { path: string[] };

interface Variable {
  value: Value;
}

export interface Frame {
  readonly scopes: Map<string, Variable>[];
  readonly self: ApexObject | null;
  readonly cls: ClassDecl | null;
  readonly file: string;
  readonly trigger: TriggerVariables | null;
  /** `Class.Foo.bar` or `Trigger.AccountTrigger`, for stack lines. */
  readonly where: string;
  line: number;
  /** The declared return type of the method running (a returned SOQL list fills a declared sObject). */
  returnType?: TypeRef;
}

type Completion = undefined | 'break' | 'continue' | { value: Value };

/** System classes: statics, constructors and methods of values that are not Apex classes. */
export interface SystemLibrary {
  isSystemType(name: string): boolean;
  getStatic(interpreter: Interpreter, typeName: string, member: string, site: Site, frame: Frame): Ref | undefined;
  setStatic(interpreter: Interpreter, typeName: string, member: string, value: Value, site: Site): boolean;
  callStatic(
    interpreter: Interpreter,
    typeName: string,
    method: string,
    args: Value[],
    site: Site,
    frame: Frame,
  ): Value | Promise<Value>;
  construct(
    interpreter: Interpreter,
    type: TypeRef,
    resolved: ResolvedType,
    args: Value[],
    site: Site,
  ): Value | Promise<Value>;
  callMethod(
    interpreter: Interpreter,
    target: Value,
    method: string,
    args: Value[],
    site: Site,
  ): Value | Promise<Value>;
  getProperty(interpreter: Interpreter, target: Value, name: string, site: Site): Value;
  setProperty(interpreter: Interpreter, target: Value, name: string, value: Value, site: Site): void;
}

/** The org side: SOQL, DML statements, System.runAs and sObject types. */
export interface OrgHost {
  isSObjectType(name: string): string | undefined;
  query(interpreter: Interpreter, text: string, binds: Value[], site: Site): Value;
  dml(
    interpreter: Interpreter,
    operation: 'insert' | 'update' | 'delete' | 'undelete' | 'upsert',
    target: Value,
    site: Site,
    externalIdField: string | null,
    mode: AccessMode,
  ): Promise<void>;
  /** Starts a System.runAs block; returns what ends it. */
  enterRunAs(interpreter: Interpreter, user: Value, site: Site): () => void;
}

const SINGLE_ROW_SOQL = new WeakSet<ApexList>();
/** Apex's stack depth limit ("Execution Governors and Limits": a call 1,001 frames deep throws). */
const MAX_STACK_DEPTH = 1000;

interface StaticSnapshot {
  readonly values: ReadonlyMap<string, Value>;
  /** How many frames deeper than its start the initialiser's run reached at a call's depth check. */
  readonly depth: number;
}

/** What Interpreter.immediate returns for an expression that needs evaluate(). */
const NOT_IMMEDIATE = Symbol('not immediate');

export class Interpreter {
  readonly contexts = new AsyncLocalStorage<TransactionContext>();
  /** File -> lines executed, across every transaction this interpreter ran. */
  readonly coveredLines = new Map<string, Set<number>>();
  private readonly stack: Frame[] = [];
  /** The largest estimated heap of any transaction this interpreter ran, at a check. */
  heapPeakBytes = 0;
  /**
   * Steps whose outcome can differ between transactions (the org, system statics and objects, another class's
   * statics): a static initialiser that took none gives every transaction the same values.
   */
  private transactionDependentSteps = 0;
  /** The classes whose static initialisers are running, innermost last. */
  private readonly initialising: ClassDecl[] = [];
  /**
   * Per class, its statics as a transaction-independent initialiser left them and how many frames deeper than its
   * start that run went (a copy is only used where running it again could not hit the stack depth limit), or null
   * when it was not one.
   */
  private readonly staticSnapshots = new Map<ClassDecl, StaticSnapshot | null>();
  /** The deepest the stack was at a method call's depth check, since an initialiser began. */
  private deepestCall = 0;
  /** Names resolveType found to be classes of the program, per class resolving from and lower-cased name. */
  private readonly resolvedClasses = new Map<ClassDecl | null, Map<string, ResolvedType>>();

  constructor(
    readonly program: ApexProgram,
    readonly library: SystemLibrary,
    readonly host: OrgHost,
  ) {}

  get context(): TransactionContext {
    const context = this.contexts.getStore();
    if (!context) throw new Error('Apex runs only inside a transaction (Interpreter.contexts.run)');
    return context;
  }

  // ---- errors ------------------------------------------------------------------------------------------------

  /** Throws a System exception (`NullPointerException`, ...) with Salesforce's message. */
  fail(typeName: string, message: string, site: Site): never {
    const cls = systemExceptionClass(typeName);
    if (!cls) throw new Error(`no system exception ${typeName}`);
    throw new ApexThrow(newException(cls, message, site), this.stackLines(site));
  }

  nullDereference(site: Site): never {
    return this.fail('NullPointerException', 'Attempt to de-reference a null object', site);
  }

  unsupported(construct: string, site: Site): never {
    throw new UnsupportedApexError(construct, site);
  }

  stackLines(site: Site): string[] {
    const lines: string[] = [];
    for (let index = this.stack.length - 1; index >= 0; index--) {
      const frame = this.stack[index]!;
      const line = index === this.stack.length - 1 ? site.line : frame.line;
      lines.push(`${frame.where}: line ${line}, column 1`);
    }
    return lines;
  }

  /** Turns a LimitExceeded raised by the governor into the uncatchable System.LimitException. */
  private limitGuard<T>(site: Site, work: () => T): T {
    try {
      return work();
    } catch (error) {
      if (error instanceof LimitExceeded) this.fail('LimitException', error.apexMessage, site);
      throw error;
    }
  }

  spendLimit(name: Parameters<TransactionContext['limits']['spend']>[0], amount: number, site: Site): void {
    this.limitGuard(site, () => this.context.limits.spend(name, amount));
  }

  /** The estimated heap of the running transaction (heap-estimate.ts): statics and the frames running now. */
  heapBytes(): number {
    const roots: Value[] = [];
    for (const values of this.context.statics.values()) roots.push(...values.values());
    for (const frame of this.stack) {
      if (frame.self) roots.push(frame.self);
      for (const scope of frame.scopes) for (const variable of scope.values()) roots.push(variable.value);
      if (frame.trigger) roots.push(...frame.trigger.values());
    }
    return estimateHeap(roots);
  }

  /** Records the heap as a candidate peak and stops the transaction over the 6 MB synchronous limit. */
  checkHeap(site: Site): void {
    const bytes = this.heapBytes();
    const context = this.context;
    context.heapPeakBytes = Math.max(context.heapPeakBytes, bytes);
    this.heapPeakBytes = Math.max(this.heapPeakBytes, bytes);
    if (bytes > HEAP_LIMIT_BYTES) this.fail('LimitException', `Apex heap size too large: ${bytes}`, site);
  }

  // ---- entry points ------------------------------------------------------------------------------------------

  /** Calls a static method of a class by name (test methods, @TestSetup, REST endpoints). */
  async callStaticMethod(cls: ClassDecl, methodName: string, args: Value[]): Promise<Value> {
    return runSteps(this.staticMethodCall(cls, methodName, args));
  }

  private *staticMethodCall(cls: ClassDecl, methodName: string, args: Value[]): Step<Value> {
    const site = { file: cls.file, line: cls.line };
    yield* this.ensureStatics(cls);
    const method = this.findMethod(cls, methodName, args, true, site);
    return yield* this.invoke(cls, method, null, args, site);
  }

  /** A trigger body's run, as a step of the org bridge's run of a chunk's triggers. */
  *runTrigger(trigger: { name: string; file: string; body: Stmt }, variables: TriggerVariables): Step<void> {
    const frame: Frame = {
      scopes: [new Map()],
      self: null,
      cls: null,
      file: trigger.file,
      trigger: variables,
      where: `Trigger.${trigger.name}`,
      line: 0,
    };
    this.stack.push(frame);
    this.context.triggerStack.push(variables);
    try {
      yield* this.execute(trigger.body, frame);
    } finally {
      this.context.triggerStack.pop();
      this.stack.pop();
    }
  }

  // ---- statements --------------------------------------------------------------------------------------------

  private cover(site: Site): void {
    let lines = this.coveredLines.get(site.file);
    if (!lines) this.coveredLines.set(site.file, (lines = new Set()));
    lines.add(site.line);
  }

  *execute(statement: Stmt, frame: Frame): Step<Completion> {
    if (statement.kind !== 'block') {
      this.cover(statement);
      frame.line = statement.line;
    }
    switch (statement.kind) {
      case 'block': {
        frame.scopes.push(new Map());
        try {
          for (const child of statement.body) {
            const completion = yield* this.execute(child, frame);
            if (completion !== undefined) return completion;
          }
          return undefined;
        } finally {
          frame.scopes.pop();
        }
      }
      case 'local':
        for (const declarator of statement.declarators) {
          const value = declarator.init
            ? this.coerce(yield* this.evaluate(declarator.init, frame), statement.type, declarator.init, frame)
            : null;
          frame.scopes[frame.scopes.length - 1]!.set(declarator.name.toLowerCase(), { value });
        }
        return undefined;
      case 'expression':
        yield* this.evaluate(statement.expr, frame);
        return undefined;
      case 'if':
        if (this.truth(yield* this.evaluate(statement.test, frame), statement.test))
          return yield* this.execute(statement.then, frame);
        return statement.otherwise ? yield* this.execute(statement.otherwise, frame) : undefined;
      case 'for': {
        frame.scopes.push(new Map());
        try {
          if (Array.isArray(statement.init)) for (const expr of statement.init) yield* this.evaluate(expr, frame);
          else if (statement.init) yield* this.execute(statement.init as Stmt, frame);
          while (!statement.test || this.truth(yield* this.evaluate(statement.test, frame), statement.test)) {
            const completion = yield* this.execute(statement.body, frame);
            if (completion === 'break') break;
            if (completion !== undefined && completion !== 'continue') return completion;
            for (const expr of statement.update) yield* this.evaluate(expr, frame);
          }
          return undefined;
        } finally {
          frame.scopes.pop();
        }
      }
      case 'forEach': {
        const iterable = yield* this.evaluate(statement.iterable, frame);
        if (iterable === null) this.nullDereference(statement);
        const items = this.iterate(iterable, statement);
        for (const item of items) {
          frame.scopes.push(
            new Map([[statement.name.toLowerCase(), { value: this.coerce(item, statement.type, statement, frame) }]]),
          );
          let completion: Completion;
          try {
            completion = yield* this.execute(statement.body, frame);
          } finally {
            frame.scopes.pop();
          }
          if (completion === 'break') break;
          if (completion !== undefined && completion !== 'continue') return completion;
        }
        return undefined;
      }
      case 'while': {
        let first = statement.doWhile;
        while (first || this.truth(yield* this.evaluate(statement.test, frame), statement.test)) {
          first = false;
          const completion = yield* this.execute(statement.body, frame);
          if (completion === 'break') break;
          if (completion !== undefined && completion !== 'continue') return completion;
        }
        return undefined;
      }
      case 'return': {
        if (!statement.value) return { value: null };
        const value = yield* this.evaluate(statement.value, frame);
        return { value: frame.returnType ? this.coerce(value, frame.returnType, statement, frame) : value };
      }
      case 'throw': {
        const value = yield* this.evaluate(statement.value, frame);
        if (value === null) this.nullDereference(statement);
        if (!(value instanceof ApexObject) || !value.exception)
          this.unsupported('throw of a value that is not an exception', statement);
        value.exception.line = statement.line;
        value.exception.file = statement.file;
        throw new ApexThrow(value, this.stackLines(statement));
      }
      case 'break':
        return 'break';
      case 'continue':
        return 'continue';
      case 'try':
        return yield* this.executeTry(statement, frame);
      case 'dml': {
        const target = yield* this.evaluate(statement.target, frame);
        const mode = statement.userMode ? 'user' : 'system';
        this.transactionDependentSteps++;
        yield* settle(this.host.dml(this, statement.operation, target, statement, statement.externalIdField, mode));
        return undefined;
      }
      case 'runAs': {
        const user = yield* this.evaluate(statement.user, frame);
        this.transactionDependentSteps++;
        const leave = this.host.enterRunAs(this, user, statement);
        try {
          return yield* this.execute(statement.body, frame);
        } finally {
          leave();
        }
      }
      case 'switch':
        return yield* this.executeSwitch(statement, frame);
    }
  }

  private *executeTry(statement: Extract<Stmt, { kind: 'try' }>, frame: Frame): Step<Completion> {
    let completion: Completion;
    let pending: unknown = null;
    const depth = this.stack.length;
    try {
      completion = yield* this.execute(statement.body, frame);
    } catch (error) {
      this.stack.length = depth;
      if (!(error instanceof ApexThrow) || error.uncatchable) throw error;
      const clause = statement.catches.find((candidate) =>
        this.isInstance(error.exception, typeRef(candidate.type), frame),
      );
      if (!clause) {
        pending = error;
      } else {
        frame.scopes.push(new Map([[clause.name.toLowerCase(), { value: error.exception }]]));
        try {
          completion = yield* this.execute(clause.body, frame);
        } catch (inner) {
          if (inner instanceof ApexThrow && inner.uncatchable) throw inner;
          pending = inner;
        } finally {
          frame.scopes.pop();
        }
      }
    }
    if (statement.finally) {
      const finalCompletion = yield* this.execute(statement.finally, frame);
      if (finalCompletion !== undefined) return finalCompletion;
    }
    if (pending !== null) throw pending;
    return completion;
  }

  private *executeSwitch(statement: Extract<Stmt, { kind: 'switch' }>, frame: Frame): Step<Completion> {
    const subject = yield* this.evaluate(statement.subject, frame);
    for (const when of statement.whens) {
      if (when.values === 'else') return yield* this.execute(when.body, frame);
      for (const candidate of when.values) {
        let matches: boolean;
        if (candidate.kind === 'enum') {
          matches =
            subject instanceof ApexEnum && subject.name.toLowerCase() === candidate.name.toLowerCase().split('.').pop();
        } else {
          const literal = this.literal(candidate.value);
          // switch on String is case-sensitive, unlike == (Apex Developer Guide, "Switch Statements").
          matches =
            typeof subject === 'string' && typeof literal === 'string'
              ? subject === literal
              : this.equalsValue(subject, literal);
        }
        if (matches) return yield* this.execute(when.body, frame);
      }
    }
    return undefined;
  }

  iterate(value: Value, site: Site): Value[] {
    if (value instanceof ApexList) return [...value.items];
    if (value instanceof ApexSet) return [...value.members.values()];
    return this.unsupported(`iteration over ${this.runtimeTypeName(value)}`, site);
  }

  truth(value: Value, site: Site): boolean {
    if (value === null) this.nullDereference(site);
    if (typeof value !== 'boolean') this.unsupported(`condition of type ${this.runtimeTypeName(value)}`, site);
    return value;
  }

  // ---- expressions -------------------------------------------------------------------------------------------

  *evaluate(expr: Expr, frame: Frame): Step<Value> {
    switch (expr.kind) {
      case 'literal':
        return this.literal(expr.value);
      case 'name':
      case 'field': {
        const ref = yield* this.reference(expr, frame);
        if ('value' in ref) return ref.value;
        if ('type' in ref)
          return this.unsupported(`type ${expr.kind === 'name' ? expr.name : expr.name} used as a value`, expr);
        return this.unsupported(`unknown name ${ref.path.join('.')}`, expr);
      }
      case 'this':
        if (!frame.self) this.unsupported('this in a static context', expr);
        return frame.self;
      case 'super':
        return this.unsupported('super outside a call', expr);
      case 'call':
        return yield* this.call(expr, frame);
      case 'index': {
        const target = yield* this.evaluate(expr.target, frame);
        const index = yield* this.evaluate(expr.index, frame);
        if (target === null) this.nullDereference(expr);
        if (target instanceof ApexList) return this.listGet(target, index, expr);
        if (target instanceof ApexMap) return target.entries.get(this.mapKey(target, index))?.[1] ?? null;
        return this.unsupported(`[] on ${this.runtimeTypeName(target)}`, expr);
      }
      case 'new':
        return yield* this.create(expr.type, expr.creation, expr, frame);
      case 'assign':
        return yield* this.assign(expr, frame);
      case 'binary':
        return yield* this.binary(expr, frame);
      case 'unary': {
        const operand = yield* this.evaluate(expr.operand, frame);
        if (operand === null) this.nullDereference(expr);
        if (expr.operator === '!') return !this.truth(operand, expr);
        if (!isNumber(operand))
          return this.unsupported(`unary ${expr.operator} on ${this.runtimeTypeName(operand)}`, expr);
        if (expr.operator === '+') return operand;
        return typeof operand === 'number' ? -operand : new ApexDecimal(-operand.value, operand.scale, operand.double);
      }
      case 'step': {
        const before = yield* this.evaluate(expr.target, frame);
        if (before === null) this.nullDereference(expr);
        if (!isNumber(before)) return this.unsupported(`${expr.operator} on ${this.runtimeTypeName(before)}`, expr);
        const after = this.arithmetic(expr.operator === '++' ? '+' : '-', before, 1, expr);
        yield* this.store(expr.target, after, frame);
        return expr.prefix ? after : before;
      }
      case 'conditional':
        return this.truth(yield* this.evaluate(expr.test, frame), expr.test)
          ? yield* this.evaluate(expr.then, frame)
          : yield* this.evaluate(expr.otherwise, frame);
      case 'cast':
        return this.cast(yield* this.evaluate(expr.operand, frame), expr.type, expr, frame);
      case 'instanceof':
        return this.isInstance(yield* this.evaluate(expr.operand, frame), expr.type, frame);
      case 'classLiteral':
        return new ApexTypeValue('type', expr.type.name);
      case 'soql': {
        const binds: Value[] = [];
        for (const bind of expr.binds) binds.push(yield* this.evaluate(bind, frame));
        this.transactionDependentSteps++;
        const result = this.host.query(this, expr.text, binds, expr);
        if (result instanceof ApexList) SINGLE_ROW_SOQL.add(result);
        return result;
      }
    }
  }

  /**
   * An expression's value when reading it takes no step (a literal, `this`, a local variable), else NOT_IMMEDIATE.
   * Arguments and collection elements are mostly these, and a step is a generator object to make and run.
   */
  private immediate(expr: Expr, frame: Frame): Value | typeof NOT_IMMEDIATE {
    switch (expr.kind) {
      case 'literal':
        return this.literal(expr.value);
      case 'this':
        return frame.self ?? NOT_IMMEDIATE;
      case 'name':
        return this.lookupVariable(expr.name.toLowerCase(), frame)?.value ?? NOT_IMMEDIATE;
      default:
        return NOT_IMMEDIATE;
    }
  }

  /** The value of `expr`, through evaluate() only when it has to be. */
  private *valueOf(expr: Expr, frame: Frame): Step<Value> {
    const value = this.immediate(expr, frame);
    return value === NOT_IMMEDIATE ? yield* this.evaluate(expr, frame) : value;
  }

  literal(value: Extract<Expr, { kind: 'literal' }>['value']): Value {
    switch (value.type) {
      case 'String':
        return value.value;
      case 'Integer':
      case 'Long':
        return value.value;
      case 'Decimal':
        return ApexDecimal.parse(value.text);
      case 'Boolean':
        return value.value;
      case 'null':
        return null;
    }
  }

  /** Resolves a name or dotted chain to a value, a type, or a namespace prefix still being read. */
  private *reference(expr: Expr, frame: Frame): Step<Ref> {
    if (expr.kind === 'name') {
      const lower = expr.name.toLowerCase();
      const variable = this.lookupVariable(lower, frame);
      if (variable) return { value: variable.value };
      const holder = yield* this.fieldHolder(lower, frame);
      if (holder) return { value: holder.get(lower) ?? null };
      const type = this.resolveType([expr.name], frame.cls);
      return type ? { type } : { path: [expr.name] };
    }
    if (expr.kind !== 'field') return { value: yield* this.evaluate(expr, frame) };
    const target = yield* this.reference(expr.target, frame);
    if ('value' in target) {
      if (target.value === null) {
        if (expr.safe) return { value: null };
        this.nullDereference(expr);
      }
      return { value: this.getMember(target.value, expr.name, expr) };
    }
    if ('type' in target) return yield* this.staticMember(target.type, expr.name, expr, frame);
    const path = [...target.path, expr.name];
    const type = this.resolveType(path, frame.cls);
    return type ? { type } : { path };
  }

  private lookupVariable(lower: string, frame: Frame): Variable | undefined {
    for (let index = frame.scopes.length - 1; index >= 0; index--) {
      const variable = frame.scopes[index]!.get(lower);
      if (variable) return variable;
    }
    return undefined;
  }

  /**
   * Where a name that is not a variable lives: the fields of `this` for an instance field, or the statics of the
   * current class or an enclosing one for a static field (both keyed by lower-cased name).
   */
  private *fieldHolder(lower: string, frame: Frame): Step<Map<string, Value> | undefined> {
    const self = frame.self;
    if (self) {
      for (let cls: ClassDecl | null = self.cls; cls; cls = this.superclass(cls)) {
        if (cls.fields.some((field) => !field.isStatic && field.name.toLowerCase() === lower)) return self.fields;
      }
    }
    for (let cls: ClassDecl | null = frame.cls; cls; cls = cls.outer) {
      for (let owner: ClassDecl | null = cls; owner; owner = this.superclass(owner)) {
        if (owner.fields.some((field) => field.isStatic && field.name.toLowerCase() === lower))
          return yield* this.staticsOf(owner);
      }
    }
    return undefined;
  }

  private *staticMember(type: ResolvedType, name: string, site: Site, frame: Frame): Step<Ref> {
    const lower = name.toLowerCase();
    if (type.kind === 'class') {
      const inner = type.cls.inner.get(lower);
      if (inner) return { type: { kind: 'class', cls: inner } };
      if (type.cls.kind === 'enum') {
        const ordinal = type.cls.enumValues.findIndex((value) => value.toLowerCase() === lower);
        if (ordinal >= 0)
          return { value: new ApexEnum(type.cls.qualifiedName, type.cls.enumValues[ordinal]!, ordinal) };
      }
      for (let owner: ClassDecl | null = type.cls; owner; owner = this.superclass(owner)) {
        if (owner.fields.some((field) => field.isStatic && field.name.toLowerCase() === lower)) {
          const statics = yield* this.staticsOf(owner);
          return { value: statics.get(lower) ?? null };
        }
      }
      return this.unsupported(`unknown static member ${type.cls.qualifiedName}.${name}`, site);
    }
    if (type.kind === 'sobject') {
      if (lower === 'sobjecttype') return { value: new ApexTypeValue('sObjectType', type.name) };
      return { value: new ApexTypeValue('sObjectField', type.name, name) };
    }
    this.transactionDependentSteps++;
    const ref = this.library.getStatic(this, type.name, lower, site, frame);
    if (ref) return ref;
    return this.unsupported(`system member ${type.name}.${name}`, site);
  }

  getMember(target: Value, name: string, site: Site): Value {
    // `[SELECT Name FROM Account WHERE Id = :id].Name`: a field of an inline query is read from its single row.
    if (target instanceof ApexList && SINGLE_ROW_SOQL.has(target))
      return this.getMember(this.singleRow(target, site), name, site);
    if (target instanceof ApexObject) {
      const lower = name.toLowerCase();
      if (this.declaresField(target.cls, lower)) return target.fields.get(lower) ?? null;
    }
    if (target instanceof NativeObject || target instanceof ApexTypeValue) this.transactionDependentSteps++;
    return this.library.getProperty(this, target, name, site);
  }

  private declaresField(cls: ClassDecl, lower: string): boolean {
    for (let owner: ClassDecl | null = cls; owner; owner = this.superclass(owner)) {
      if (owner.fields.some((field) => !field.isStatic && field.name.toLowerCase() === lower)) return true;
    }
    return false;
  }

  private *assign(expr: Extract<Expr, { kind: 'assign' }>, frame: Frame): Step<Value> {
    let value = yield* this.evaluate(expr.value, frame);
    if (expr.operator !== '=') {
      const current = yield* this.evaluate(expr.target, frame);
      value = this.combine(expr.operator.slice(0, -1), current, value, expr);
    }
    yield* this.store(expr.target, value, frame);
    return value;
  }

  /** Writes to a variable, field, static, list element or map entry. */
  private *store(target: Expr, value: Value, frame: Frame): Step<void> {
    if (target.kind === 'name') {
      const lower = target.name.toLowerCase();
      const variable = this.lookupVariable(lower, frame);
      if (variable) {
        variable.value = this.coerceToCurrent(variable.value, value);
        return;
      }
      const holder = yield* this.fieldHolder(lower, frame);
      if (holder) return void holder.set(lower, value);
      return this.unsupported(`assignment to unknown name ${target.name}`, target);
    }
    if (target.kind === 'field') {
      const owner = yield* this.reference(target.target, frame);
      if ('value' in owner) {
        if (owner.value === null) this.nullDereference(target);
        const object = owner.value;
        if (object instanceof ApexObject && this.declaresField(object.cls, target.name.toLowerCase())) {
          object.fields.set(target.name.toLowerCase(), value);
          return;
        }
        if (object instanceof NativeObject) this.transactionDependentSteps++;
        return this.library.setProperty(this, object, target.name, value, target);
      }
      if ('type' in owner) {
        const lower = target.name.toLowerCase();
        if (owner.type.kind === 'class') {
          for (let cls: ClassDecl | null = owner.type.cls; cls; cls = this.superclass(cls)) {
            if (cls.fields.some((field) => field.isStatic && field.name.toLowerCase() === lower)) {
              (yield* this.staticsOf(cls)).set(lower, value);
              return;
            }
          }
        }
        if (owner.type.kind === 'system') {
          this.transactionDependentSteps++;
          if (this.library.setStatic(this, owner.type.name, lower, value, target)) return;
        }
      }
      return this.unsupported(`assignment to ${target.name}`, target);
    }
    if (target.kind === 'index') {
      const collection = yield* this.evaluate(target.target, frame);
      const index = yield* this.evaluate(target.index, frame);
      if (collection === null) this.nullDereference(target);
      if (collection instanceof ApexList) {
        const position = this.listIndex(collection, index, target);
        collection.items[position] = value;
        return;
      }
      if (collection instanceof ApexMap) {
        collection.entries.set(this.mapKey(collection, index), [index, value]);
        return;
      }
    }
    return this.unsupported('assignment target', target);
  }

  /** Integer assigned to a Decimal variable stays a Decimal. */
  private coerceToCurrent(current: Value, value: Value): Value {
    if (current instanceof ApexDecimal && typeof value === 'number') return new ApexDecimal(value, 0, current.double);
    return value;
  }

  listIndex(list: ApexList, index: Value, site: Site): number {
    if (typeof index !== 'number')
      return index === null ? this.nullDereference(site) : this.unsupported('non-Integer list index', site);
    if (index < 0 || index >= list.items.length) this.fail('ListException', `List index out of bounds: ${index}`, site);
    return index;
  }

  listGet(list: ApexList, index: Value, site: Site): Value {
    return list.items[this.listIndex(list, index, site)]!;
  }

  mapKey(map: ApexMap, key: Value): string {
    return keyOf(key, map.keyType.name.toLowerCase() === 'id');
  }

  // ---- operators ---------------------------------------------------------------------------------------------

  private *binary(expr: Extract<Expr, { kind: 'binary' }>, frame: Frame): Step<Value> {
    const operator = expr.operator;
    if (operator === '&&') {
      return (
        this.truth(yield* this.evaluate(expr.left, frame), expr.left) &&
        this.truth(yield* this.evaluate(expr.right, frame), expr.right)
      );
    }
    if (operator === '||') {
      return (
        this.truth(yield* this.evaluate(expr.left, frame), expr.left) ||
        this.truth(yield* this.evaluate(expr.right, frame), expr.right)
      );
    }
    if (operator === '??') {
      const left = yield* this.evaluate(expr.left, frame);
      return left !== null ? left : yield* this.evaluate(expr.right, frame);
    }
    const left = yield* this.evaluate(expr.left, frame);
    const right = yield* this.evaluate(expr.right, frame);
    return this.combine(operator, left, right, expr);
  }

  combine(operator: string, left: Value, right: Value, site: Site): Value {
    switch (operator) {
      case '==':
        return this.equalsValue(left, right);
      case '!=':
      case '<>':
        return !this.equalsValue(left, right);
      case '===':
        return left === right || (left !== null && typeof left !== 'object' && left === right);
      case '!==':
        return !(left === right);
      case '<':
      case '>':
      case '<=':
      case '>=':
        return this.compare(operator, left, right, site);
      case '+':
        if (typeof left === 'string' || typeof right === 'string')
          return this.toApexString(left) + this.toApexString(right);
        return this.arithmetic('+', left, right, site);
      case '-':
      case '*':
      case '/':
        return this.arithmetic(operator, left, right, site);
      default:
        return this.unsupported(`operator ${operator}`, site);
    }
  }

  /**
   * Integer arithmetic truncates toward zero; a Decimal operand makes the result a Decimal (Apex Developer Guide,
   * "Expression Operators" and "Rules of Conversion"). Date + Integer adds days.
   */
  arithmetic(operator: string, left: Value, right: Value, site: Site): Value {
    if (left === null || right === null) this.nullDereference(site);
    if (left instanceof ApexDate && typeof right === 'number' && (operator === '+' || operator === '-')) {
      return new ApexDate(left.epochDay + (operator === '+' ? right : -right));
    }
    if (left instanceof ApexDatetime && isNumber(right) && (operator === '+' || operator === '-')) {
      const days = numeric(right);
      return new ApexDatetime(left.epochMs + (operator === '+' ? 1 : -1) * Math.round(days * 86_400_000));
    }
    if (!isNumber(left) || !isNumber(right))
      return this.unsupported(`${this.runtimeTypeName(left)} ${operator} ${this.runtimeTypeName(right)}`, site);
    if (typeof left === 'number' && typeof right === 'number') {
      switch (operator) {
        case '+':
          return left + right;
        case '-':
          return left - right;
        case '*':
          return left * right;
        default:
          if (right === 0) this.fail('MathException', 'Divide by 0', site);
          return Math.trunc(left / right);
      }
    }
    const a = typeof left === 'number' ? new ApexDecimal(left, 0) : left;
    const b = typeof right === 'number' ? new ApexDecimal(right, 0) : right;
    const double = a.double || b.double;
    switch (operator) {
      case '+':
        return new ApexDecimal(a.value + b.value, Math.max(a.scale, b.scale), double);
      case '-':
        return new ApexDecimal(a.value - b.value, Math.max(a.scale, b.scale), double);
      case '*':
        return new ApexDecimal(a.value * b.value, a.scale + b.scale, double);
      default: {
        if (b.value === 0) this.fail('MathException', 'Divide by 0', site);
        const quotient = a.value / b.value;
        return ApexDecimal.of(quotient, Math.max(a.scale, Math.min(scaleOfNumber(quotient), 18)));
      }
    }
  }

  /** A comparison with a null operand is false (Apex Developer Guide, "Expression Operators"). */
  private compare(operator: string, left: Value, right: Value, site: Site): boolean {
    if (left === null || right === null) return false;
    let difference: number;
    if (isNumber(left) && isNumber(right)) difference = numeric(left) - numeric(right);
    else if (typeof left === 'string' && typeof right === 'string')
      difference = left.toLowerCase() < right.toLowerCase() ? -1 : left.toLowerCase() > right.toLowerCase() ? 1 : 0;
    else if (left instanceof ApexDate && right instanceof ApexDate) difference = left.epochDay - right.epochDay;
    else if (left instanceof ApexDatetime && right instanceof ApexDatetime) difference = left.epochMs - right.epochMs;
    else
      return this.unsupported(`comparison of ${this.runtimeTypeName(left)} and ${this.runtimeTypeName(right)}`, site);
    switch (operator) {
      case '<':
        return difference < 0;
      case '>':
        return difference > 0;
      case '<=':
        return difference <= 0;
      default:
        return difference >= 0;
    }
  }

  /** `==`: Strings ignore case; sObjects, lists, sets and maps compare by value; other objects by reference. */
  equalsValue(left: Value, right: Value): boolean {
    return this.sameValue(left, right, false);
  }

  /** `equals()` (Assert.areEqual, Set/Map membership): like ==, but Strings are case-sensitive. */
  equalsExact(left: Value, right: Value): boolean {
    return this.sameValue(left, right, true);
  }

  private sameValue(left: Value, right: Value, caseSensitive: boolean): boolean {
    if (left === null || right === null) return left === right;
    if (typeof left === 'string' && typeof right === 'string') {
      if (
        left.length !== right.length &&
        (left.length === 15 || left.length === 18) &&
        (right.length === 15 || right.length === 18)
      ) {
        const a = toId18(left);
        const b = toId18(right);
        if (a && b) return a === b;
      }
      return caseSensitive ? left === right : left.toLowerCase() === right.toLowerCase();
    }
    if (isNumber(left) && isNumber(right)) return numeric(left) === numeric(right);
    if (left instanceof ApexDate && right instanceof ApexDate) return left.epochDay === right.epochDay;
    if (left instanceof ApexDatetime && right instanceof ApexDatetime) return left.epochMs === right.epochMs;
    if (left instanceof ApexEnum && right instanceof ApexEnum)
      return left.typeName === right.typeName && left.name === right.name;
    if (left instanceof ApexBlob && right instanceof ApexBlob) return left.bytes.equals(right.bytes);
    if (left instanceof ApexList && right instanceof ApexList) {
      return (
        left.items.length === right.items.length &&
        left.items.every((item, index) => this.sameValue(item, right.items[index]!, caseSensitive))
      );
    }
    if (left instanceof ApexSet && right instanceof ApexSet) {
      return (
        left.members.size === right.members.size && [...left.members.keys()].every((key) => right.members.has(key))
      );
    }
    if (left instanceof ApexMap && right instanceof ApexMap) {
      if (left.entries.size !== right.entries.size) return false;
      for (const [key, [, value]] of left.entries) {
        const other = right.entries.get(key);
        if (!other || !this.sameValue(value, other[1], caseSensitive)) return false;
      }
      return true;
    }
    if (left instanceof ApexSObject && right instanceof ApexSObject) {
      if (left.objectName !== right.objectName || left.fields.size !== right.fields.size) return false;
      for (const [key, field] of left.fields) {
        const other = right.fields.get(key);
        if (!other || !this.sameValue(field.value, other.value, caseSensitive)) return false;
      }
      return true;
    }
    if (left instanceof ApexTypeValue && right instanceof ApexTypeValue) return keyOf(left) === keyOf(right);
    return left === right;
  }

  // ---- strings -----------------------------------------------------------------------------------------------

  /** String.valueOf / concatenation: how Apex prints a value. */
  toApexString(value: Value): string {
    if (value === null) return 'null';
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    if (value instanceof ApexDecimal || value instanceof ApexDate || value instanceof ApexDatetime)
      return value.toString();
    if (value instanceof ApexEnum) return value.name;
    if (value instanceof ApexList) return `(${value.items.map((item) => this.toApexString(item)).join(', ')})`;
    if (value instanceof ApexSet)
      return `{${[...value.members.values()].map((item) => this.toApexString(item)).join(', ')}}`;
    if (value instanceof ApexMap)
      return `{${[...value.entries.values()].map(([key, item]) => `${this.toApexString(key)}=${this.toApexString(item)}`).join(', ')}}`;
    if (value instanceof ApexSObject)
      return `${value.objectName}:{${[...value.fields.values()].map((field) => `${field.name}=${this.toApexString(field.value)}`).join(', ')}}`;
    if (value instanceof ApexObject) {
      if (value.exception) return `${typeNameOf(value)}: ${value.exception.message ?? ''}`;
      return `${value.cls.qualifiedName}:[${[...value.fields.entries()].map(([name, item]) => `${name}=${this.toApexString(item)}`).join(', ')}]`;
    }
    if (value instanceof ApexBlob) return `Blob[${value.bytes.length}]`;
    if (value instanceof ApexTypeValue) return value.field ? value.field : value.name;
    if (value instanceof NativeObject)
      return typeof value.state['toString'] === 'function'
        ? (value.state['toString'] as () => string)()
        : `${value.typeName}`;
    return String(value);
  }

  runtimeTypeName(value: Value): string {
    if (value === null) return 'null';
    if (typeof value === 'string') return 'String';
    if (typeof value === 'number') return 'Integer';
    if (typeof value === 'boolean') return 'Boolean';
    if (value instanceof ApexDecimal) return value.double ? 'Double' : 'Decimal';
    if (value instanceof ApexDate) return 'Date';
    if (value instanceof ApexDatetime) return 'Datetime';
    if (value instanceof ApexBlob) return 'Blob';
    if (value instanceof ApexList) return 'List<ANY>';
    if (value instanceof ApexSet) return 'Set<ANY>';
    if (value instanceof ApexMap) return 'Map<ANY,ANY>';
    if (value instanceof ApexSObject) return value.objectName;
    if (value instanceof ApexObject) return value.cls.qualifiedName;
    if (value instanceof ApexEnum) return value.typeName;
    if (value instanceof NativeObject) return value.typeName;
    return 'Type';
  }

  // ---- types -------------------------------------------------------------------------------------------------

  /** Resolves a dotted type name from inside `from` (its inner classes, enclosing classes, then top level). */
  resolveType(parts: readonly string[], from: ClassDecl | null): ResolvedType | undefined {
    // A name that resolves to a class of the program always does: classes come first, and the program does not
    // change while it runs. Anything else may change with the org (enabling Quotes makes Quote an sObject type).
    let classes = this.resolvedClasses.get(from);
    if (!classes) this.resolvedClasses.set(from, (classes = new Map()));
    const key = parts.length === 1 ? parts[0]!.toLowerCase() : parts.join('.').toLowerCase();
    const known = classes.get(key);
    if (known) return known;
    const type = this.typeNamed(parts, from);
    if (type?.kind === 'class' && !isSystemClass(type.cls)) classes.set(key, type);
    return type;
  }

  private typeNamed(parts: readonly string[], from: ClassDecl | null): ResolvedType | undefined {
    const lower = parts.map((part) => part.toLowerCase());
    for (let scope: ClassDecl | null = from; scope; scope = scope.outer) {
      let found: ClassDecl | undefined = lower[0] === scope.name.toLowerCase() ? scope : scope.inner.get(lower[0]!);
      for (let index = 1; found && index < lower.length; index++) found = found.inner.get(lower[index]!);
      if (found) return { kind: 'class', cls: found };
    }
    let top = this.program.classes.get(lower[0]!);
    for (let index = 1; top && index < lower.length; index++) top = top.inner.get(lower[index]!);
    if (top) return { kind: 'class', cls: top };
    if (lower.length === 1 || (lower.length === 2 && lower[0] === 'schema')) {
      const sobject = this.host.isSObjectType(parts[parts.length - 1]!);
      if (sobject) return { kind: 'sobject', name: sobject };
    }
    const joined = lower.join('.');
    const exception = systemExceptionClass(joined);
    if (exception) return { kind: 'class', cls: exception };
    const systemName =
      joined.startsWith('system.') && this.library.isSystemType(joined.slice(7)) ? joined.slice(7) : joined;
    if (this.library.isSystemType(systemName)) return { kind: 'system', name: systemName };
    return undefined;
  }

  superclass(cls: ClassDecl): ClassDecl | null {
    if (!cls.extendsType) return null;
    const resolved = this.resolveType(cls.extendsType.name.split('.'), cls.outer ?? cls);
    return resolved?.kind === 'class' ? resolved.cls : null;
  }

  isException(cls: ClassDecl): boolean {
    for (let owner: ClassDecl | null = cls; owner; owner = this.superclass(owner))
      if (owner === EXCEPTION_CLASS) return true;
    return false;
  }

  /** `instanceof` and catch matching. */
  isInstance(value: Value, type: TypeRef, frame: Frame | null): boolean {
    if (value === null) return false;
    const name = type.name.toLowerCase().replace(/^system\./, '');
    switch (name) {
      case 'object':
        return true;
      case 'string':
        return typeof value === 'string';
      case 'id':
        return typeof value === 'string' && toId18(value) !== undefined;
      case 'integer':
      case 'long':
        return typeof value === 'number';
      case 'decimal':
      case 'double':
        return value instanceof ApexDecimal;
      case 'boolean':
        return typeof value === 'boolean';
      case 'date':
        return value instanceof ApexDate;
      case 'datetime':
        return value instanceof ApexDatetime;
      case 'blob':
        return value instanceof ApexBlob;
      case 'list':
        return value instanceof ApexList && this.elementTypeMatches(value.elementType, type.args[0]);
      case 'set':
        return value instanceof ApexSet && this.elementTypeMatches(value.elementType, type.args[0]);
      case 'map':
        return (
          value instanceof ApexMap &&
          this.elementTypeMatches(value.keyType, type.args[0]) &&
          this.elementTypeMatches(value.valueType, type.args[1])
        );
      case 'sobject':
        return value instanceof ApexSObject;
      default:
        break;
    }
    const resolved = this.resolveType(type.name.split('.'), frame?.cls ?? null);
    if (!resolved) return false;
    if (resolved.kind === 'sobject') return value instanceof ApexSObject && value.objectName === resolved.name;
    if (resolved.kind === 'class') {
      if (!(value instanceof ApexObject)) return false;
      return this.classIsA(value.cls, resolved.cls);
    }
    if (value instanceof NativeObject) return value.typeName.toLowerCase().replace(/^system\./, '') === resolved.name;
    if (value instanceof ApexEnum) return value.typeName.toLowerCase().replace(/^system\./, '') === resolved.name;
    if (value instanceof ApexObject) {
      return this.implementsName(value.cls, resolved.name);
    }
    return false;
  }

  private elementTypeMatches(actual: TypeRef, wanted: TypeRef | undefined): boolean {
    if (!wanted) return true;
    const want = wanted.name.toLowerCase();
    if (want === 'object') return true;
    return (
      actual.name.toLowerCase() === want || (want === 'sobject' && this.host.isSObjectType(actual.name) !== undefined)
    );
  }

  classIsA(cls: ClassDecl, wanted: ClassDecl): boolean {
    for (let owner: ClassDecl | null = cls; owner; owner = this.superclass(owner)) {
      if (owner === wanted) return true;
      for (const implemented of owner.implementsTypes) {
        const resolved = this.resolveType(implemented.name.split('.'), owner);
        if (resolved?.kind === 'class' && resolved.cls === wanted) return true;
      }
    }
    return false;
  }

  /** Whether a class implements a system interface (`HttpCalloutMock`, `EventBus.EventPublishFailureCallback`). */
  implementsName(cls: ClassDecl, systemName: string): boolean {
    for (let owner: ClassDecl | null = cls; owner; owner = this.superclass(owner)) {
      if (
        owner.implementsTypes.some(
          (implemented) => implemented.name.toLowerCase().replace(/^system\./, '') === systemName,
        )
      )
        return true;
    }
    return false;
  }

  /** What a declaration's type does to an assigned value: Integer widens to Decimal, a SOQL list fills one sObject. */
  coerce(value: Value, type: TypeRef, site: Site, frame: Frame): Value {
    if (value === null) return null;
    const name = type.name.toLowerCase().replace(/^system\./, '');
    if ((name === 'decimal' || name === 'double') && typeof value === 'number')
      return new ApexDecimal(value, 0, name === 'double');
    if (name === 'id' && typeof value === 'string') return this.toId(value, site);
    if (
      value instanceof ApexList &&
      SINGLE_ROW_SOQL.has(value) &&
      type.args.length === 0 &&
      name !== 'list' &&
      name !== 'object'
    ) {
      return name === 'integer' ? value : this.singleRow(value, site);
    }
    void frame;
    return value;
  }

  /** The one row of an inline query used as an sObject (Apex Developer Guide, "SOQL Statements"). */
  private singleRow(rows: ApexList, site: Site): Value {
    if (rows.items.length === 0) this.fail('QueryException', 'List has no rows for assignment to SObject', site);
    if (rows.items.length > 1) this.fail('QueryException', 'List has more than 1 row for assignment to SObject', site);
    return rows.items[0]!;
  }

  toId(value: string, site: Site): string {
    const id = toId18(value);
    if (!id) this.fail('StringException', `Invalid id: ${value}`, site);
    return id;
  }

  /** `(Type) value`: checks the runtime type; numbers convert (Apex Developer Guide, "Rules of Conversion"). */
  cast(value: Value, type: TypeRef, site: Site, frame: Frame): Value {
    if (value === null) return null;
    const name = type.name.toLowerCase().replace(/^system\./, '');
    if ((name === 'integer' || name === 'long') && value instanceof ApexDecimal) return Math.trunc(value.value);
    if ((name === 'decimal' || name === 'double') && typeof value === 'number')
      return new ApexDecimal(value, 0, name === 'double');
    if (name === 'id' && typeof value === 'string') return this.toId(value, site);
    if (name === 'string' && typeof value === 'string') return value;
    const coerced = this.coerce(value, type, site, frame);
    if (name === 'list' && coerced instanceof ApexList) return coerced;
    if (name === 'map' && coerced instanceof ApexMap) return coerced;
    if (name === 'set' && coerced instanceof ApexSet) return coerced;
    if (this.isInstance(coerced, type, frame)) return coerced;
    const shown =
      type.args.length > 0
        ? `${type.name}<${type.args.map((arg) => (arg.name.toLowerCase() === 'object' ? 'ANY' : arg.name)).join(',')}>`
        : type.name;
    return this.fail(
      'TypeException',
      `Invalid conversion from runtime type ${this.runtimeTypeName(coerced)} to ${shown}`,
      site,
    );
  }

  // ---- classes -----------------------------------------------------------------------------------------------

  /** Static variables of a class, initialised on first use in each transaction (declaration order, then static blocks). */
  *ensureStatics(cls: ClassDecl): Step<Map<string, Value>> {
    const statics = this.context.statics;
    let values = statics.get(cls);
    const snapshot = this.staticSnapshots.get(cls);
    if (values) {
      // Initialised earlier in this transaction: an initialiser reaching it now would otherwise start it now, with
      // whatever that does, so a copy of that initialiser could only stand in for it if this class's is side-effect free.
      if (!snapshot && this.initialising.length > 0 && this.initialising.at(-1) !== cls)
        this.transactionDependentSteps++;
      return values;
    }
    if (snapshot && this.stack.length + snapshot.depth <= MAX_STACK_DEPTH) {
      values = copyStatics(snapshot.values);
      statics.set(cls, values);
      return values;
    }
    values = new Map();
    statics.set(cls, values);
    const stepsBefore = this.transactionDependentSteps;
    const start = this.stack.length;
    const deepestBefore = this.deepestCall;
    this.deepestCall = start;
    const frame = this.newFrame(cls, null, `Class.${cls.qualifiedName}.<clinit>`);
    this.stack.push(frame);
    this.initialising.push(cls);
    try {
      for (const field of cls.fields) {
        if (!field.isStatic) continue;
        if (field.init) this.cover(field);
        values.set(
          field.name.toLowerCase(),
          field.init ? this.coerce(yield* this.evaluate(field.init, frame), field.type, field, frame) : null,
        );
      }
      for (const block of cls.staticBlocks) yield* this.execute(block, frame);
    } finally {
      this.initialising.pop();
      this.stack.pop();
    }
    const depth = this.deepestCall - start;
    this.deepestCall = Math.max(deepestBefore, this.deepestCall);
    if (snapshot === undefined) this.staticSnapshots.set(cls, this.snapshotOf(values, stepsBefore, depth));
    return values;
  }

  /** A copy of statics just initialised, if their initialiser took no transaction-dependent step. */
  private snapshotOf(values: Map<string, Value>, stepsBefore: number, depth: number): StaticSnapshot | null {
    if (this.transactionDependentSteps !== stepsBefore) return null;
    try {
      return { values: copyStatics(values), depth };
    } catch (error) {
      if (error instanceof Uncopyable) return null;
      throw error;
    }
  }

  /** A class's statics for reading or writing one: another class's, read by an initialiser, vary by transaction. */
  private *staticsOf(owner: ClassDecl): Step<Map<string, Value>> {
    const initialising = this.initialising.at(-1);
    if (initialising && initialising !== owner) this.transactionDependentSteps++;
    return yield* this.ensureStatics(owner);
  }

  private newFrame(cls: ClassDecl | null, self: ApexObject | null, where: string): Frame {
    return { scopes: [new Map()], self, cls, file: cls?.file ?? '', trigger: null, where, line: cls?.line ?? 0 };
  }

  *instantiate(cls: ClassDecl, args: Value[], site: Site): Step<ApexObject> {
    if (cls.kind !== 'class' || cls.modifiers.has('abstract'))
      this.unsupported(`new of ${cls.kind} ${cls.qualifiedName}`, site);
    yield* this.ensureStatics(cls);
    const object = new ApexObject(cls);
    const chain: ClassDecl[] = [];
    for (let owner: ClassDecl | null = cls; owner; owner = this.superclass(owner)) chain.unshift(owner);
    if (this.isException(cls)) {
      // The constructors every exception class has (Apex Developer Guide, "Create Custom Exceptions").
      const message = typeof args[0] === 'string' ? args[0] : null;
      const cause = args.find((arg) => arg instanceof ApexObject && arg.exception) ?? null;
      object.exception = {
        message: message ?? (cause instanceof ApexObject ? this.toApexString(cause) : null),
        cause,
        line: site.line,
        file: site.file,
      };
    }
    for (const owner of chain) {
      const frame = this.newFrame(owner, object, `Class.${owner.qualifiedName}.<init>`);
      this.stack.push(frame);
      try {
        for (const field of owner.fields) {
          if (field.isStatic) continue;
          if (field.init) this.cover(field);
          object.fields.set(
            field.name.toLowerCase(),
            field.init
              ? this.coerce(yield* this.evaluate(field.init, frame), field.type, field, frame)
              : defaultOf(field.type),
          );
        }
        for (const block of owner.instanceBlocks) yield* this.execute(block, frame);
      } finally {
        this.stack.pop();
      }
    }
    if (cls.constructors.length > 0) {
      const constructor = this.selectOverload(cls.constructors, args, cls, site, `constructor ${cls.qualifiedName}`);
      yield* this.invoke(cls, constructor, object, args, site);
    } else if (args.length > 0 && !this.isException(cls)) {
      this.unsupported(`constructor ${cls.qualifiedName} with ${args.length} arguments`, site);
    }
    return object;
  }

  findMethod(cls: ClassDecl, name: string, args: Value[], staticOnly: boolean, site: Site): MethodDecl {
    const lower = name.toLowerCase();
    for (let owner: ClassDecl | null = cls; owner; owner = this.superclass(owner)) {
      const candidates = owner.methods.filter(
        (method) =>
          method.name.toLowerCase() === lower &&
          method.parameters.length === args.length &&
          (!staticOnly || method.isStatic),
      );
      if (candidates.length > 0)
        return this.selectOverload(candidates, args, owner, site, `${owner.qualifiedName}.${name}`);
    }
    return this.unsupported(`method ${cls.qualifiedName}.${name} with ${args.length} arguments`, site);
  }

  private selectOverload(
    candidates: readonly MethodDecl[],
    args: Value[],
    owner: ClassDecl,
    site: Site,
    what: string,
  ): MethodDecl {
    const byCount = candidates.filter((method) => method.parameters.length === args.length);
    if (byCount.length === 1) return byCount[0]!;
    const frame = this.newFrame(owner, null, '');
    const matching = byCount.filter((method) =>
      method.parameters.every(
        (parameter, index) =>
          args[index] === null ||
          this.isInstance(this.coerce(args[index]!, parameter.type, site, frame), parameter.type, frame),
      ),
    );
    if (matching.length >= 1) return matching[0]!;
    return this.unsupported(`no ${what} overload takes these ${args.length} arguments`, site);
  }

  /**
   * Runs a method or constructor body with its parameters bound, as a nested step: Apex calls nest 1,000 deep, and
   * the driver's stack of steps takes that depth rather than the JavaScript stack (steps.ts).
   */
  private *invoke(cls: ClassDecl, method: MethodDecl, self: ApexObject | null, args: Value[], site: Site): Step<Value> {
    return yield* nested(this.methodBody(cls, method, self, args, site));
  }

  private *methodBody(
    cls: ClassDecl,
    method: MethodDecl,
    self: ApexObject | null,
    args: Value[],
    site: Site,
  ): Step<Value> {
    if (!method.body)
      this.unsupported(`call of abstract or interface method ${cls.qualifiedName}.${method.name}`, site);
    const owner = this.ownerOf(cls, method);
    const frame = this.newFrame(owner, self, `Class.${owner.qualifiedName}.${method.name}`);
    if (method.returnType) frame.returnType = method.returnType;
    method.parameters.forEach((parameter, index) =>
      frame.scopes[0]!.set(parameter.name.toLowerCase(), {
        value: this.coerce(args[index] ?? null, parameter.type, site, frame),
      }),
    );
    if (this.stack.length > this.deepestCall) this.deepestCall = this.stack.length;
    if (this.stack.length > MAX_STACK_DEPTH)
      this.fail('LimitException', `Maximum stack depth reached: ${MAX_STACK_DEPTH + 1}`, site);
    this.stack.push(frame);
    try {
      const completion = yield* this.execute(method.body!, frame);
      return typeof completion === 'object' && completion !== null ? completion.value : null;
    } finally {
      this.stack.pop();
    }
  }

  private ownerOf(cls: ClassDecl, method: MethodDecl): ClassDecl {
    for (let owner: ClassDecl | null = cls; owner; owner = this.superclass(owner)) {
      if (owner.methods.includes(method) || owner.constructors.includes(method)) return owner;
    }
    return cls;
  }

  private *call(expr: Extract<Expr, { kind: 'call' }>, frame: Frame): Step<Value> {
    if (expr.target === null) {
      const args = yield* this.arguments(expr.args, frame);
      if (expr.name === 'this' || expr.name === 'super') {
        if (!frame.self || !frame.cls) return this.unsupported(`${expr.name}() outside a constructor`, expr);
        const cls = expr.name === 'this' ? frame.cls : this.superclass(frame.cls);
        if (!cls) return this.unsupported('super() in a class without a superclass', expr);
        if (this.isException(cls) && cls.constructors.length === 0) {
          frame.self.exception = {
            message: typeof args[0] === 'string' ? args[0] : null,
            cause: null,
            line: expr.line,
            file: expr.file,
          };
          return null;
        }
        const constructor = this.selectOverload(cls.constructors, args, cls, expr, `constructor ${cls.qualifiedName}`);
        return yield* this.invoke(cls, constructor, frame.self, args, expr);
      }
      const lower = expr.name.toLowerCase();
      if (frame.self) {
        for (let owner: ClassDecl | null = frame.self.cls; owner; owner = this.superclass(owner)) {
          if (
            owner.methods.some(
              (method) => method.name.toLowerCase() === lower && method.parameters.length === args.length,
            )
          ) {
            return yield* this.invoke(
              frame.self.cls,
              this.findMethod(frame.self.cls, expr.name, args, false, expr),
              frame.self,
              args,
              expr,
            );
          }
        }
      }
      for (let scope: ClassDecl | null = frame.cls; scope; scope = scope.outer) {
        if (
          scope.methods.some(
            (method) =>
              method.name.toLowerCase() === lower && method.isStatic && method.parameters.length === args.length,
          )
        ) {
          yield* this.ensureStatics(scope);
          return yield* this.invoke(scope, this.findMethod(scope, expr.name, args, true, expr), null, args, expr);
        }
      }
      return this.unsupported(`call of unknown method ${expr.name}`, expr);
    }
    if (expr.target.kind === 'super') {
      if (!frame.self || !frame.cls) return this.unsupported('super outside an instance method', expr);
      const parent = this.superclass(frame.cls);
      if (!parent) return this.unsupported('super in a class without a superclass', expr);
      const args = yield* this.arguments(expr.args, frame);
      return yield* this.invoke(parent, this.findMethod(parent, expr.name, args, false, expr), frame.self, args, expr);
    }
    const target = yield* this.reference(expr.target, frame);
    if ('path' in target) return this.unsupported(`unknown type or variable ${target.path.join('.')}`, expr);
    const args = yield* this.arguments(expr.args, frame);
    if ('type' in target) {
      const type = target.type;
      if (type.kind === 'class') {
        yield* this.ensureStatics(type.cls);
        return yield* this.invoke(type.cls, this.findMethod(type.cls, expr.name, args, true, expr), null, args, expr);
      }
      this.transactionDependentSteps++;
      if (type.kind === 'sobject')
        return yield* settle(
          this.library.callStatic(this, `sobject:${type.name}`, expr.name.toLowerCase(), args, expr, frame),
        );
      return yield* settle(
        this.limitGuard(expr, () =>
          this.library.callStatic(this, type.name, expr.name.toLowerCase(), args, expr, frame),
        ),
      );
    }
    return yield* this.methodCall(target.value, expr.name, args, expr, expr.safe);
  }

  /** Calls a method on a value: an Apex object's own method, or a system method. */
  async callOn(target: Value, name: string, args: Value[], site: Site, safe = false): Promise<Value> {
    return runSteps(this.methodCall(target, name, args, site, safe));
  }

  private *methodCall(target: Value, name: string, args: Value[], site: Site, safe = false): Step<Value> {
    if (target === null) {
      if (safe) return null;
      this.nullDereference(site);
    }
    if (target instanceof ApexObject) {
      const lower = name.toLowerCase();
      for (let owner: ClassDecl | null = target.cls; owner; owner = this.superclass(owner)) {
        if (
          owner.methods.some(
            (method) =>
              method.name.toLowerCase() === lower && method.parameters.length === args.length && !method.isStatic,
          )
        ) {
          return yield* this.invoke(
            target.cls,
            this.findMethod(target.cls, name, args, false, site),
            target,
            args,
            site,
          );
        }
      }
    }
    if (target instanceof NativeObject || target instanceof ApexTypeValue) this.transactionDependentSteps++;
    return yield* settle(this.library.callMethod(this, target, name.toLowerCase(), args, site));
  }

  private *arguments(exprs: readonly Expr[], frame: Frame): Step<Value[]> {
    const values: Value[] = [];
    for (const expr of exprs) {
      const value = this.immediate(expr, frame);
      values.push(value === NOT_IMMEDIATE ? yield* this.evaluate(expr, frame) : value);
    }
    return values;
  }

  private *create(type: TypeRef, creation: Creation, site: Site, frame: Frame): Step<Value> {
    const name = type.name.toLowerCase().replace(/^system\./, '');
    if (name === 'list' || name === 'set' || name === 'map') {
      const collection =
        name === 'list'
          ? new ApexList(type.args[0] ?? OBJECT_TYPE, [])
          : name === 'set'
            ? new ApexSet(type.args[0] ?? OBJECT_TYPE)
            : new ApexMap(type.args[0] ?? OBJECT_TYPE, type.args[1] ?? OBJECT_TYPE);
      if (creation.kind === 'elements') {
        for (const element of creation.elements) {
          const value = this.coerce(yield* this.valueOf(element, frame), type.args[0] ?? OBJECT_TYPE, element, frame);
          if (collection instanceof ApexList) collection.items.push(value);
          else if (collection instanceof ApexSet)
            collection.members.set(keyOf(value, collection.elementType.name.toLowerCase() === 'id'), value);
        }
        return collection;
      }
      if (creation.kind === 'pairs' && collection instanceof ApexMap) {
        for (const [keyExpr, valueExpr] of creation.pairs) {
          const key = this.coerce(yield* this.valueOf(keyExpr, frame), collection.keyType, keyExpr, frame);
          const value = this.coerce(yield* this.valueOf(valueExpr, frame), collection.valueType, valueExpr, frame);
          collection.entries.set(this.mapKey(collection, key), [key, value]);
        }
        return collection;
      }
      const args = creation.kind === 'arguments' ? yield* this.arguments(creation.args, frame) : [];
      return yield* settle(this.library.construct(this, type, { kind: 'system', name }, [collection, ...args], site));
    }
    const resolved = this.resolveType(type.name.split('.'), frame.cls);
    if (!resolved) return this.unsupported(`unknown type ${type.name}`, site);
    if (creation.kind === 'fields') {
      if (resolved.kind !== 'sobject') return this.unsupported(`name = value arguments for ${type.name}`, site);
      const record = new ApexSObject(resolved.name);
      for (const field of creation.fields) {
        const value = yield* this.evaluate(field.value, frame);
        this.library.setProperty(this, record, field.name, value, field.value);
      }
      return record;
    }
    const args = creation.kind === 'arguments' ? yield* this.arguments(creation.args, frame) : [];
    if (resolved.kind === 'class') return yield* this.instantiate(resolved.cls, args, site);
    if (resolved.kind === 'system') this.transactionDependentSteps++;
    return yield* settle(this.library.construct(this, type, resolved, args, site));
  }
}

function scaleOfNumber(value: number): number {
  const text = String(value);
  const dot = text.indexOf('.');
  return dot < 0 || text.includes('e') ? 0 : text.length - dot - 1;
}

/** Apex fields and variables start null, whatever their type (Apex Developer Guide, "Variables"). */
function defaultOf(type: TypeRef): Value {
  void type;
  return null;
}
