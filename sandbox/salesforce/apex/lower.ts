/**
 * Parses Apex with @apexdevtools/apex-parser (the ANTLR grammar Salesforce tooling uses) and lowers the parse tree
 * into ast.ts. Every construct the interpreter does not implement stops here with UnsupportedApexError naming the
 * construct and its file:line: a model change that makes the generators emit new Apex fails loudly, not silently.
 */
import {
  ApexErrorListener,
  ApexParserFactory,
  ArrayExpressionContext,
  Arth1ExpressionContext,
  Arth2ExpressionContext,
  AssignExpressionContext,
  BlockContext,
  CastExpressionContext,
  ClassDeclarationContext,
  CmpExpressionContext,
  CoalExpressionContext,
  CondExpressionContext,
  DotExpressionContext,
  EnumDeclarationContext,
  EqualityExpressionContext,
  ExpressionContext,
  ExpressionListContext,
  IdPrimaryContext,
  InstanceOfExpressionContext,
  InterfaceDeclarationContext,
  LiteralContext,
  LiteralPrimaryContext,
  LocalVariableDeclarationContext,
  LogAndExpressionContext,
  LogOrExpressionContext,
  MethodCallExpressionContext,
  ModifierContext,
  NegExpressionContext,
  NewExpressionContext,
  PostOpExpressionContext,
  PreOpExpressionContext,
  PrimaryExpressionContext,
  SoqlPrimaryContext,
  StatementContext,
  SubExpressionContext,
  SuperPrimaryContext,
  ThisPrimaryContext,
  TypeRefContext,
  TypeRefPrimaryContext,
  type ApexParserRuleContext as ParserRuleContext,
} from '@apexdevtools/apex-parser';
import type {
  ClassDecl,
  Creation,
  Expr,
  FieldDecl,
  LiteralValue,
  MethodDecl,
  Site,
  Stmt,
  TriggerDecl,
  TypeRef,
  WhenValue,
} from './ast.js';
import { ApexSyntaxError, UnsupportedApexError } from './unsupported.js';

class CollectingListener extends ApexErrorListener {
  readonly errors: string[] = [];
  apexSyntaxError(line: number, column: number, message: string): void {
    this.errors.push(`${line}:${column} ${message}`);
  }
}

function parserFor(file: string, source: string) {
  const listener = new CollectingListener();
  const { parser } = ApexParserFactory.createLexerAndParser(source, listener);
  return {
    parser,
    check: () => {
      if (listener.errors.length > 0) throw new ApexSyntaxError(file, listener.errors);
    },
  };
}

export function parseClass(file: string, source: string): ClassDecl {
  const { parser, check } = parserFor(file, source);
  const unit = parser.compilationUnit();
  check();
  const declaration = unit.typeDeclaration();
  return new Lowering(file, source).typeDeclaration(
    declaration.classDeclaration() ?? declaration.interfaceDeclaration() ?? declaration.enumDeclaration(),
    declaration.modifier_list(),
    null,
  );
}

export function parseTrigger(file: string, source: string): TriggerDecl {
  const { parser, check } = parserFor(file, source);
  const unit = parser.triggerUnit();
  check();
  const lowering = new Lowering(file, source);
  const site = lowering.site(unit);
  const events = unit.triggerCase_list().map((item) =>
    item
      .getText()
      .replace(/^(before|after)/i, '$1 ')
      .toLowerCase(),
  );
  const body: Stmt[] = [];
  for (const member of unit.triggerBlock().triggerBlockMember_list()) {
    const statement = member.statement();
    if (!statement) throw new UnsupportedApexError('a declaration in a trigger body', lowering.site(member));
    body.push(lowering.statement(statement));
  }
  return {
    ...site,
    name: unit.id(0).getText(),
    objectName: unit.id(1).getText(),
    events,
    body: { ...site, kind: 'block', body },
  };
}

class Lowering {
  constructor(
    readonly file: string,
    readonly source: string,
  ) {}

  site(ctx: ParserRuleContext): Site {
    return { file: this.file, line: ctx.start.line };
  }

  unsupported(construct: string, ctx: ParserRuleContext): never {
    throw new UnsupportedApexError(construct, this.site(ctx));
  }

  typeDeclaration(
    ctx: ClassDeclarationContext | InterfaceDeclarationContext | EnumDeclarationContext,
    modifierList: ModifierContext[],
    outer: ClassDecl | null,
  ): ClassDecl {
    const { annotations, modifiers, annotationValues } = this.modifiers(modifierList);
    const name = ctx.id().getText();
    const fields: FieldDecl[] = [];
    const methods: MethodDecl[] = [];
    const constructors: MethodDecl[] = [];
    const staticBlocks: Stmt[] = [];
    const instanceBlocks: Stmt[] = [];
    const inner = new Map<string, ClassDecl>();
    const decl: ClassDecl = {
      ...this.site(ctx),
      kind:
        ctx instanceof ClassDeclarationContext
          ? 'class'
          : ctx instanceof InterfaceDeclarationContext
            ? 'interface'
            : 'enum',
      name,
      qualifiedName: outer ? `${outer.name}.${name}` : name,
      outer,
      annotations,
      annotationValues,
      modifiers,
      extendsType: ctx instanceof ClassDeclarationContext && ctx.typeRef() ? this.typeRef(ctx.typeRef()) : null,
      implementsTypes:
        ctx instanceof ClassDeclarationContext && ctx.typeList()
          ? ctx
              .typeList()
              .typeRef_list()
              .map((type) => this.typeRef(type))
          : ctx instanceof InterfaceDeclarationContext && ctx.typeList()
            ? ctx
                .typeList()
                .typeRef_list()
                .map((type) => this.typeRef(type))
            : [],
      fields,
      methods,
      constructors,
      staticBlocks,
      instanceBlocks,
      inner,
      enumValues:
        ctx instanceof EnumDeclarationContext ? (ctx.enumConstants()?.id_list() ?? []).map((id) => id.getText()) : [],
    };
    if (ctx instanceof InterfaceDeclarationContext) {
      for (const method of ctx.interfaceBody().interfaceMethodDeclaration_list()) {
        methods.push({
          ...this.site(method),
          name: method.id().getText(),
          parameters: this.parameters(method.formalParameters()),
          returnType: method.typeRef() ? this.typeRef(method.typeRef()) : null,
          body: null,
          isStatic: false,
          annotations: new Set(),
        });
      }
      return decl;
    }
    if (ctx instanceof EnumDeclarationContext) return decl;
    for (const member of ctx.classBody().classBodyDeclaration_list()) {
      if (member.block()) {
        (member.STATIC() ? staticBlocks : instanceBlocks).push(this.block(member.block()));
        continue;
      }
      const declaration = member.memberDeclaration();
      if (!declaration) continue;
      const { annotations: memberAnnotations, modifiers: memberModifiers } = this.modifiers(member.modifier_list());
      const isStatic = memberModifiers.has('static');
      if (declaration.fieldDeclaration()) {
        const field = declaration.fieldDeclaration();
        const type = this.typeRef(field.typeRef());
        for (const declarator of field.variableDeclarators().variableDeclarator_list()) {
          fields.push({
            ...this.site(declarator),
            name: declarator.id().getText(),
            type,
            init: declarator.expression() ? this.expression(declarator.expression()) : null,
            isStatic,
          });
        }
      } else if (declaration.methodDeclaration()) {
        const method = declaration.methodDeclaration();
        methods.push({
          ...this.site(method),
          name: method.id().getText(),
          parameters: this.parameters(method.formalParameters()),
          returnType: method.typeRef() ? this.typeRef(method.typeRef()) : null,
          body: method.block() ? this.block(method.block()) : null,
          isStatic,
          annotations: memberAnnotations,
        });
      } else if (declaration.constructorDeclaration()) {
        const constructor = declaration.constructorDeclaration();
        constructors.push({
          ...this.site(constructor),
          name,
          parameters: this.parameters(constructor.formalParameters()),
          returnType: null,
          body: this.block(constructor.block()),
          isStatic: false,
          annotations: memberAnnotations,
        });
      } else if (
        declaration.classDeclaration() ||
        declaration.interfaceDeclaration() ||
        declaration.enumDeclaration()
      ) {
        const nested = this.typeDeclaration(
          declaration.classDeclaration() ?? declaration.interfaceDeclaration() ?? declaration.enumDeclaration(),
          member.modifier_list(),
          decl,
        );
        inner.set(nested.name.toLowerCase(), nested);
      } else {
        this.unsupported('property declaration (get/set)', declaration);
      }
    }
    return decl;
  }

  modifiers(list: ModifierContext[]): {
    annotations: Set<string>;
    modifiers: Set<string>;
    annotationValues: Map<string, string>;
  } {
    const annotations = new Set<string>();
    const modifiers = new Set<string>();
    const annotationValues = new Map<string, string>();
    for (const modifier of list) {
      const annotation = modifier.annotation();
      if (annotation) {
        const name = annotation.id().getText().toLowerCase();
        annotations.add(name);
        const parameters = annotation.elementValuePairs() ?? annotation.elementValue();
        if (parameters)
          annotationValues.set(name, this.source.slice(parameters.start.start, parameters.stop!.stop + 1));
      } else {
        modifiers.add(modifier.getText().toLowerCase());
      }
    }
    return { annotations, modifiers, annotationValues };
  }

  parameters(ctx: ReturnType<import('@apexdevtools/apex-parser').MethodDeclarationContext['formalParameters']>) {
    return (ctx.formalParameterList()?.formalParameter_list() ?? []).map((parameter) => ({
      type: this.typeRef(parameter.typeRef()),
      name: parameter.id().getText(),
    }));
  }

  typeRef(ctx: TypeRefContext): TypeRef {
    if (ctx.arraySubscripts()?.getText()) this.unsupported('array type (use List<T>)', ctx);
    const names = ctx.typeName_list();
    const last = names[names.length - 1]!;
    const args = last.typeArguments()
      ? last
          .typeArguments()
          .typeList()
          .typeRef_list()
          .map((type) => this.typeRef(type))
      : [];
    const name = names
      .map((part) => (part.LIST() ? 'List' : part.SET() ? 'Set' : part.MAP() ? 'Map' : part.id().getText()))
      .join('.');
    return { name, args };
  }

  block(ctx: BlockContext): Stmt {
    return {
      ...this.site(ctx),
      kind: 'block',
      body: ctx.statement_list().map((statement) => this.statement(statement)),
    };
  }

  local(ctx: LocalVariableDeclarationContext): Stmt {
    return {
      ...this.site(ctx),
      kind: 'local',
      type: this.typeRef(ctx.typeRef()),
      declarators: ctx
        .variableDeclarators()
        .variableDeclarator_list()
        .map((declarator) => ({
          name: declarator.id().getText(),
          init: declarator.expression() ? this.expression(declarator.expression()) : null,
        })),
    };
  }

  statement(ctx: StatementContext): Stmt {
    const site = this.site(ctx);
    if (ctx.block()) return this.block(ctx.block());
    if (ctx.localVariableDeclarationStatement())
      return this.local(ctx.localVariableDeclarationStatement().localVariableDeclaration());
    if (ctx.expressionStatement())
      return { ...site, kind: 'expression', expr: this.expression(ctx.expressionStatement().expression()) };
    if (ctx.ifStatement()) {
      const statement = ctx.ifStatement();
      const branches = statement.statement_list();
      return {
        ...site,
        kind: 'if',
        test: this.expression(statement.parExpression().expression()),
        then: this.statement(branches[0]!),
        otherwise: branches[1] ? this.statement(branches[1]) : null,
      };
    }
    if (ctx.forStatement()) {
      const statement = ctx.forStatement();
      const control = statement.forControl();
      const body: Stmt = statement.statement()
        ? this.statement(statement.statement())
        : { ...site, kind: 'block', body: [] };
      const enhanced = control.enhancedForControl();
      if (enhanced) {
        return {
          ...site,
          kind: 'forEach',
          type: this.typeRef(enhanced.typeRef()),
          name: enhanced.id().getText(),
          iterable: this.expression(enhanced.expression()),
          body,
        };
      }
      const init = control.forInit();
      return {
        ...site,
        kind: 'for',
        init: !init
          ? null
          : init.localVariableDeclaration()
            ? this.local(init.localVariableDeclaration())
            : this.expressions(init.expressionList()),
        test: control.expression() ? this.expression(control.expression()) : null,
        update: control.forUpdate() ? this.expressions(control.forUpdate().expressionList()) : [],
        body,
      };
    }
    if (ctx.whileStatement()) {
      const statement = ctx.whileStatement();
      return {
        ...site,
        kind: 'while',
        test: this.expression(statement.parExpression().expression()),
        body: statement.statement() ? this.statement(statement.statement()) : { ...site, kind: 'block', body: [] },
        doWhile: false,
      };
    }
    if (ctx.doWhileStatement()) {
      const statement = ctx.doWhileStatement();
      return {
        ...site,
        kind: 'while',
        test: this.expression(statement.parExpression().expression()),
        body: this.block(statement.block()),
        doWhile: true,
      };
    }
    if (ctx.returnStatement()) {
      const value = ctx.returnStatement().expression();
      return { ...site, kind: 'return', value: value ? this.expression(value) : null };
    }
    if (ctx.throwStatement())
      return { ...site, kind: 'throw', value: this.expression(ctx.throwStatement().expression()) };
    if (ctx.breakStatement()) return { ...site, kind: 'break' };
    if (ctx.continueStatement()) return { ...site, kind: 'continue' };
    if (ctx.tryStatement()) {
      const statement = ctx.tryStatement();
      return {
        ...site,
        kind: 'try',
        body: this.block(statement.block()),
        catches: statement.catchClause_list().map((clause) => ({
          type: clause.qualifiedName().getText(),
          name: clause.id().getText(),
          body: this.block(clause.block()),
        })),
        finally: statement.finallyBlock() ? this.block(statement.finallyBlock().block()) : null,
      };
    }
    const dml =
      ctx.insertStatement() ??
      ctx.updateStatement() ??
      ctx.deleteStatement() ??
      ctx.undeleteStatement() ??
      ctx.upsertStatement();
    if (dml) {
      const operation = dml.getChild(0).getText().toLowerCase() as
        'insert' | 'update' | 'delete' | 'undelete' | 'upsert';
      const level = dml.accessLevel();
      const upsertField = ctx.upsertStatement()?.qualifiedName();
      return {
        ...site,
        kind: 'dml',
        operation,
        target: this.expression(dml.expression()),
        userMode: Boolean(level?.USER()),
        externalIdField: upsertField ? upsertField.getText() : null,
      };
    }
    if (ctx.runAsStatement()) {
      const statement = ctx.runAsStatement();
      const args = this.expressions(statement.expressionList());
      if (args.length !== 1) this.unsupported('System.runAs with other than one argument', statement);
      return { ...site, kind: 'runAs', user: args[0]!, body: this.block(statement.block()) };
    }
    if (ctx.switchStatement()) {
      const statement = ctx.switchStatement();
      return {
        ...site,
        kind: 'switch',
        subject: this.expression(statement.expression()),
        whens: statement.whenControl_list().map((when) => {
          const value = when.whenValue();
          if (value.ELSE()) return { values: 'else' as const, body: this.block(when.block()) };
          if (value.typeRef()) this.unsupported('switch on sObject type (when Type variable)', when);
          const values: WhenValue[] = value.whenLiteral_list().map((literal) => {
            if (literal.qualifiedName()) return { kind: 'enum', name: literal.qualifiedName().getText() };
            if (literal.StringLiteral())
              return {
                kind: 'literal',
                value: { type: 'String', value: unescapeString(literal.StringLiteral().getText()) },
              };
            if (literal.NULL()) return { kind: 'literal', value: { type: 'null' } };
            if (literal.IntegerLiteral()) {
              const negative = literal.SUB_list().length % 2 === 1;
              return {
                kind: 'literal',
                value: { type: 'Integer', value: (negative ? -1 : 1) * Number(literal.IntegerLiteral().getText()) },
              };
            }
            return this.unsupported(`switch value ${literal.getText()}`, literal);
          });
          return { values, body: this.block(when.block()) };
        }),
      };
    }
    if (ctx.mergeStatement()) this.unsupported('merge statement', ctx);
    return this.unsupported(`statement ${ctx.getText().slice(0, 40)}`, ctx);
  }

  expressions(ctx: ExpressionListContext | null | undefined): Expr[] {
    return ctx ? ctx.expression_list().map((expression) => this.expression(expression)) : [];
  }

  expression(ctx: ExpressionContext): Expr {
    const site = this.site(ctx);
    if (ctx instanceof PrimaryExpressionContext) {
      const primary = ctx.primary();
      if (primary instanceof LiteralPrimaryContext)
        return { ...site, kind: 'literal', value: literal(primary.literal()) };
      if (primary instanceof IdPrimaryContext) return { ...site, kind: 'name', name: primary.id().getText() };
      if (primary instanceof ThisPrimaryContext) return { ...site, kind: 'this' };
      if (primary instanceof SuperPrimaryContext) return { ...site, kind: 'super' };
      if (primary instanceof TypeRefPrimaryContext)
        return { ...site, kind: 'classLiteral', type: this.typeRef(primary.typeRef()) };
      if (primary instanceof SoqlPrimaryContext) return this.soql(primary);
      return this.unsupported(`expression ${primary.getText().slice(0, 40)}`, primary);
    }
    if (ctx instanceof SubExpressionContext) return this.expression(ctx.expression());
    if (ctx instanceof DotExpressionContext) {
      const target = this.expression(ctx.expression());
      const safe = Boolean(ctx.QUESTIONDOT());
      const call = ctx.dotMethodCall();
      if (call)
        return {
          ...site,
          kind: 'call',
          target,
          name: call.anyId().getText(),
          args: this.expressions(call.expressionList()),
          safe,
        };
      return { ...site, kind: 'field', target, name: ctx.anyId().getText(), safe };
    }
    if (ctx instanceof MethodCallExpressionContext) {
      const call = ctx.methodCall();
      const name = call.id() ? call.id().getText() : call.THIS() ? 'this' : 'super';
      return { ...site, kind: 'call', target: null, name, args: this.expressions(call.expressionList()), safe: false };
    }
    if (ctx instanceof ArrayExpressionContext)
      return {
        ...site,
        kind: 'index',
        target: this.expression(ctx.expression(0)),
        index: this.expression(ctx.expression(1)),
      };
    if (ctx instanceof NewExpressionContext) return this.creator(ctx);
    if (ctx instanceof AssignExpressionContext) {
      return {
        ...site,
        kind: 'assign',
        operator: ctx.getChild(1).getText(),
        target: this.expression(ctx.expression(0)),
        value: this.expression(ctx.expression(1)),
      };
    }
    if (
      ctx instanceof Arth1ExpressionContext ||
      ctx instanceof Arth2ExpressionContext ||
      ctx instanceof EqualityExpressionContext ||
      ctx instanceof CmpExpressionContext ||
      ctx instanceof LogAndExpressionContext ||
      ctx instanceof LogOrExpressionContext ||
      ctx instanceof CoalExpressionContext
    ) {
      // `>=` arrives as two tokens: the operator is everything between the operands.
      let operator = '';
      for (let index = 1; index < ctx.getChildCount() - 1; index++) operator += ctx.getChild(index).getText();
      return {
        ...site,
        kind: 'binary',
        operator,
        left: this.expression(ctx.expression(0)),
        right: this.expression(ctx.expression(1)),
      };
    }
    if (ctx instanceof NegExpressionContext) {
      if (ctx.TILDE()) this.unsupported('bitwise ~', ctx);
      return { ...site, kind: 'unary', operator: '!', operand: this.expression(ctx.expression()) };
    }
    if (ctx instanceof PreOpExpressionContext) {
      const operator = ctx.getChild(0).getText();
      if (operator === '++' || operator === '--')
        return { ...site, kind: 'step', operator, prefix: true, target: this.expression(ctx.expression()) };
      return { ...site, kind: 'unary', operator: operator as '-' | '+', operand: this.expression(ctx.expression()) };
    }
    if (ctx instanceof PostOpExpressionContext) {
      return {
        ...site,
        kind: 'step',
        operator: ctx.getChild(1).getText() as '++' | '--',
        prefix: false,
        target: this.expression(ctx.expression()),
      };
    }
    if (ctx instanceof CondExpressionContext) {
      return {
        ...site,
        kind: 'conditional',
        test: this.expression(ctx.expression(0)),
        then: this.expression(ctx.expression(1)),
        otherwise: this.expression(ctx.expression(2)),
      };
    }
    if (ctx instanceof CastExpressionContext)
      return { ...site, kind: 'cast', type: this.typeRef(ctx.typeRef()), operand: this.expression(ctx.expression()) };
    if (ctx instanceof InstanceOfExpressionContext)
      return {
        ...site,
        kind: 'instanceof',
        operand: this.expression(ctx.expression()),
        type: this.typeRef(ctx.typeRef()),
      };
    return this.unsupported(`expression ${ctx.getText().slice(0, 40)}`, ctx);
  }

  creator(ctx: NewExpressionContext): Expr {
    const site = this.site(ctx);
    const creator = ctx.creator();
    const pairs = creator.createdName().idCreatedNamePair_list();
    const last = pairs[pairs.length - 1]!;
    const type: TypeRef = {
      name: pairs.map((pair) => pair.anyId().getText()).join('.'),
      args: last.typeList()
        ? last
            .typeList()
            .typeRef_list()
            .map((item) => this.typeRef(item))
        : [],
    };
    let creation: Creation;
    if (creator.classCreatorRest()) {
      const args = creator.classCreatorRest().arguments().expressionList()?.expression_list() ?? [];
      if (
        args.length > 0 &&
        args.every((arg) => arg instanceof AssignExpressionContext && arg.getChild(1).getText() === '=')
      ) {
        creation = {
          kind: 'fields',
          fields: args.map((arg) => {
            const assign = arg as AssignExpressionContext;
            return { name: assign.expression(0).getText(), value: this.expression(assign.expression(1)) };
          }),
        };
      } else {
        creation = { kind: 'arguments', args: args.map((arg) => this.expression(arg)) };
      }
    } else if (creator.noRest()) {
      creation = { kind: 'elements', elements: [] };
    } else if (creator.setCreatorRest()) {
      creation = {
        kind: 'elements',
        elements: creator
          .setCreatorRest()
          .expression_list()
          .map((item) => this.expression(item)),
      };
    } else if (creator.mapCreatorRest()) {
      creation = {
        kind: 'pairs',
        pairs: creator
          .mapCreatorRest()
          .mapCreatorRestPair_list()
          .map((pair) => [this.expression(pair.expression(0)), this.expression(pair.expression(1))] as const),
      };
    } else {
      const rest = creator.arrayCreatorRest();
      if (rest?.arrayInitializer() && type.name.toLowerCase() !== 'list') this.unsupported('array initializer', ctx);
      return this.unsupported('array creation (use new List<T>())', ctx);
    }
    return { ...site, kind: 'new', type, creation };
  }

  /** The query text as written, binds replaced by `:<n>`; the SOQL engine sees literals (see soql-binds.ts). */
  soql(primary: SoqlPrimaryContext): Expr {
    const site = this.site(primary);
    const query = primary.soqlLiteral().query();
    const binds: Expr[] = [];
    let text = '';
    const walk = (node: ParserRuleContext | { getText(): string; symbol?: unknown }): void => {
      const ruleNode = node as ParserRuleContext;
      if (ruleNode.constructor.name === 'BoundExpressionContext') {
        const expression = (ruleNode as unknown as { expression(): ExpressionContext }).expression();
        text += ` :${binds.length} `;
        binds.push(this.expression(expression));
        return;
      }
      if (typeof ruleNode.getChildCount === 'function' && !('symbol' in node)) {
        for (let index = 0; index < ruleNode.getChildCount(); index++)
          walk(ruleNode.getChild(index) as ParserRuleContext);
        return;
      }
      text += ` ${node.getText()}`;
    };
    walk(query);
    return { ...site, kind: 'soql', text: text.replace(/\s+/g, ' ').trim(), binds };
  }
}

function literal(ctx: LiteralContext): LiteralValue {
  if (ctx.StringLiteral()) return { type: 'String', value: unescapeString(ctx.StringLiteral().getText()) };
  if (ctx.IntegerLiteral()) return { type: 'Integer', value: Number(ctx.IntegerLiteral().getText()) };
  if (ctx.LongLiteral()) return { type: 'Long', value: Number(ctx.LongLiteral().getText().replace(/l$/i, '')) };
  if (ctx.NumberLiteral()) return { type: 'Decimal', text: ctx.NumberLiteral().getText().replace(/d$/i, '') };
  if (ctx.BooleanLiteral()) return { type: 'Boolean', value: ctx.BooleanLiteral().getText().toLowerCase() === 'true' };
  if (ctx.NULL()) return { type: 'null' };
  throw new Error(`literal ${ctx.getText()}`);
}

/** Apex string escapes (Apex Developer Guide, "Primitive Data Types": String): \n \t \r \b \f \' \" \\ \uXXXX. */
export function unescapeString(quoted: string): string {
  const body = quoted.slice(1, -1);
  return body.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, escape: string) => {
    if (escape.length === 5) return String.fromCharCode(parseInt(escape.slice(1), 16));
    switch (escape) {
      case 'n':
        return '\n';
      case 't':
        return '\t';
      case 'r':
        return '\r';
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      default:
        return escape;
    }
  });
}
