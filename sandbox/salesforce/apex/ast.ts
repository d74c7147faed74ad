/**
 * The Apex the runtime executes, lowered from the ANTLR parse tree (lower.ts): only the constructs the interpreter
 * implements have a node here, so anything else is refused when a file is loaded, not when a line first runs.
 */

/** Where a node came from, for error messages, stack lines and coverage. */
export interface Site {
  readonly file: string;
  readonly line: number;
}

export interface TypeRef {
  /** As written, dotted: `List`, `GentrackCallout.Change`, `System.TriggerOperation`. */
  readonly name: string;
  readonly args: readonly TypeRef[];
}

export type Expr = Site &
  (
    | { readonly kind: 'literal'; readonly value: LiteralValue }
    | { readonly kind: 'name'; readonly name: string }
    | { readonly kind: 'this' }
    | { readonly kind: 'super' }
    | { readonly kind: 'field'; readonly target: Expr; readonly name: string; readonly safe: boolean }
    /** `target.name(args)`, or `name(args)` when target is null; `this(...)`/`super(...)` in a constructor. */
    | {
        readonly kind: 'call';
        readonly target: Expr | null;
        readonly name: string;
        readonly args: readonly Expr[];
        readonly safe: boolean;
      }
    | { readonly kind: 'index'; readonly target: Expr; readonly index: Expr }
    | { readonly kind: 'new'; readonly type: TypeRef; readonly creation: Creation }
    | { readonly kind: 'assign'; readonly operator: string; readonly target: Expr; readonly value: Expr }
    | { readonly kind: 'binary'; readonly operator: string; readonly left: Expr; readonly right: Expr }
    | { readonly kind: 'unary'; readonly operator: '!' | '-' | '+'; readonly operand: Expr }
    | { readonly kind: 'step'; readonly operator: '++' | '--'; readonly prefix: boolean; readonly target: Expr }
    | { readonly kind: 'conditional'; readonly test: Expr; readonly then: Expr; readonly otherwise: Expr }
    | { readonly kind: 'cast'; readonly type: TypeRef; readonly operand: Expr }
    | { readonly kind: 'instanceof'; readonly operand: Expr; readonly type: TypeRef }
    | { readonly kind: 'classLiteral'; readonly type: TypeRef }
    /** Inline SOQL: the query text with each bind replaced by `:<n>`, and the bind expressions. */
    | { readonly kind: 'soql'; readonly text: string; readonly binds: readonly Expr[] }
  );

export type LiteralValue =
  | { readonly type: 'String'; readonly value: string }
  | { readonly type: 'Integer' | 'Long'; readonly value: number }
  | { readonly type: 'Decimal'; readonly text: string }
  | { readonly type: 'Boolean'; readonly value: boolean }
  | { readonly type: 'null' };

export type Creation =
  | { readonly kind: 'arguments'; readonly args: readonly Expr[] }
  /** `new Account(Name = 'x')`: field initialisers of an sObject. */
  | { readonly kind: 'fields'; readonly fields: readonly { readonly name: string; readonly value: Expr }[] }
  | { readonly kind: 'elements'; readonly elements: readonly Expr[] }
  | { readonly kind: 'pairs'; readonly pairs: readonly (readonly [Expr, Expr])[] };

export type WhenValue =
  { readonly kind: 'literal'; readonly value: LiteralValue } | { readonly kind: 'enum'; readonly name: string };

export type Stmt = Site &
  (
    | { readonly kind: 'block'; readonly body: readonly Stmt[] }
    | {
        readonly kind: 'local';
        readonly type: TypeRef;
        readonly declarators: readonly { readonly name: string; readonly init: Expr | null }[];
      }
    | { readonly kind: 'expression'; readonly expr: Expr }
    | { readonly kind: 'if'; readonly test: Expr; readonly then: Stmt; readonly otherwise: Stmt | null }
    | {
        readonly kind: 'for';
        readonly init: Stmt | readonly Expr[] | null;
        readonly test: Expr | null;
        readonly update: readonly Expr[];
        readonly body: Stmt;
      }
    | {
        readonly kind: 'forEach';
        readonly type: TypeRef;
        readonly name: string;
        readonly iterable: Expr;
        readonly body: Stmt;
      }
    | { readonly kind: 'while'; readonly test: Expr; readonly body: Stmt; readonly doWhile: boolean }
    | { readonly kind: 'return'; readonly value: Expr | null }
    | { readonly kind: 'throw'; readonly value: Expr }
    | { readonly kind: 'break' }
    | { readonly kind: 'continue' }
    | {
        readonly kind: 'try';
        readonly body: Stmt;
        readonly catches: readonly { readonly type: string; readonly name: string; readonly body: Stmt }[];
        readonly finally: Stmt | null;
      }
    | {
        readonly kind: 'dml';
        readonly operation: 'insert' | 'update' | 'delete' | 'undelete' | 'upsert';
        readonly target: Expr;
        readonly userMode: boolean;
        readonly externalIdField: string | null;
      }
    | { readonly kind: 'runAs'; readonly user: Expr; readonly body: Stmt }
    | {
        readonly kind: 'switch';
        readonly subject: Expr;
        readonly whens: readonly { readonly values: readonly WhenValue[] | 'else'; readonly body: Stmt }[];
      }
  );

export interface Parameter {
  readonly type: TypeRef;
  readonly name: string;
}

export interface MethodDecl extends Site {
  readonly name: string;
  readonly parameters: readonly Parameter[];
  readonly returnType: TypeRef | null;
  readonly body: Stmt | null;
  readonly isStatic: boolean;
  readonly annotations: ReadonlySet<string>;
}

export interface FieldDecl extends Site {
  readonly name: string;
  readonly type: TypeRef;
  readonly init: Expr | null;
  readonly isStatic: boolean;
}

export interface ClassDecl extends Site {
  readonly kind: 'class' | 'interface' | 'enum';
  readonly name: string;
  /** `Outer.Inner` for inner classes. */
  readonly qualifiedName: string;
  readonly outer: ClassDecl | null;
  readonly annotations: ReadonlySet<string>;
  /** Annotation (lower-cased) -> the text of its parameters: `urlMapping='/gentrack/events'`. */
  readonly annotationValues: ReadonlyMap<string, string>;
  readonly modifiers: ReadonlySet<string>;
  readonly extendsType: TypeRef | null;
  readonly implementsTypes: readonly TypeRef[];
  readonly fields: readonly FieldDecl[];
  readonly methods: readonly MethodDecl[];
  readonly constructors: readonly MethodDecl[];
  readonly staticBlocks: readonly Stmt[];
  readonly instanceBlocks: readonly Stmt[];
  readonly inner: ReadonlyMap<string, ClassDecl>;
  readonly enumValues: readonly string[];
}

export interface TriggerDecl extends Site {
  readonly name: string;
  readonly objectName: string;
  /** `after insert`, `before update`, ... lower-cased. */
  readonly events: readonly string[];
  readonly body: Stmt;
}
