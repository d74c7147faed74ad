/**
 * The current Metadata API schema, read from `@salesforce/types` (Salesforce's TypeScript types generated from the
 * Metadata WSDL, kept current by the CLI team; SDR depends on the same package). Each metadata type becomes its
 * elements: their schema type, whether they repeat, and whether the WSDL requires them; enumerations become their
 * allowed values.
 *
 * The types are read from the package's declaration file with the TypeScript parser, once per process: in it,
 * `T = Metadata & { a: string; b?: Enum; c: Item[] }` declares a type, `Enum = 'x' | 'y'` an enumeration, and a
 * property without `?` that is not an array an element the WSDL requires (minOccurs 1).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import ts from 'typescript';

export interface SchemaElement {
  /** A schema type name, an enumeration name, or string, boolean, number. */
  readonly type: string;
  readonly repeats: boolean;
  readonly required: boolean;
}

export interface MetadataSchema {
  /** The elements of a complex type, inherited ones included; undefined for a leaf or an unknown type. */
  elementsOf(typeName: string): ReadonlyMap<string, SchemaElement> | undefined;
  /** The allowed values of an enumeration; undefined when `typeName` is not one. */
  valuesOf(typeName: string): readonly string[] | undefined;
  isKnownType(typeName: string): boolean;
}

interface ComplexType {
  readonly bases: readonly string[];
  readonly elements: ReadonlyMap<string, SchemaElement>;
}

let loaded: MetadataSchema | undefined;

export function metadataSchema(): MetadataSchema {
  loaded ??= parseSchema(readFileSync(declarationFile(), 'utf8'));
  return loaded;
}

function declarationFile(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('@salesforce/types/metadata')), 'metadata.d.ts');
}

export function parseSchema(source: string): MetadataSchema {
  const file = ts.createSourceFile('metadata.d.ts', source, ts.ScriptTarget.Latest, false);
  const complex = new Map<string, ComplexType>();
  const enums = new Map<string, readonly string[]>();
  const aliases = new Map<string, string>();
  for (const statement of file.statements) {
    if (!ts.isTypeAliasDeclaration(statement)) continue;
    const name = statement.name.text;
    const type = statement.type;
    const literals = stringLiterals(type);
    if (literals) enums.set(name, literals);
    else if (isPrimitive(type)) aliases.set(name, type.getText(file));
    else {
      const parts = ts.isIntersectionTypeNode(type) ? type.types : [type];
      const bases: string[] = [];
      const elements = new Map<string, SchemaElement>();
      for (const part of parts) {
        if (ts.isTypeReferenceNode(part)) bases.push(part.typeName.getText(file));
        else if (ts.isTypeLiteralNode(part)) for (const member of part.members) addElement(member, elements, file);
      }
      complex.set(name, { bases, elements });
    }
  }

  const flattened = new Map<string, ReadonlyMap<string, SchemaElement>>();
  const elementsOf = (typeName: string): ReadonlyMap<string, SchemaElement> | undefined => {
    const cached = flattened.get(typeName);
    if (cached) return cached;
    const type = complex.get(typeName);
    if (!type) return undefined;
    const all = new Map<string, SchemaElement>();
    for (const base of type.bases) for (const [name, element] of elementsOf(base) ?? []) all.set(name, element);
    for (const [name, element] of type.elements)
      all.set(name, { ...element, type: aliases.get(element.type) ?? element.type });
    flattened.set(typeName, all);
    return all;
  };
  return {
    elementsOf,
    valuesOf: (typeName) => enums.get(typeName),
    isKnownType: (typeName) => complex.has(typeName),
  };
}

function addElement(member: ts.TypeElement, elements: Map<string, SchemaElement>, file: ts.SourceFile): void {
  if (!ts.isPropertySignature(member) || !member.type) return;
  const name = member.name.getText(file);
  const repeats = ts.isArrayTypeNode(member.type);
  const type = (repeats ? (member.type as ts.ArrayTypeNode).elementType : member.type).getText(file);
  elements.set(name, { type, repeats, required: !member.questionToken && !repeats });
}

function stringLiterals(type: ts.TypeNode): string[] | undefined {
  const members = ts.isUnionTypeNode(type) ? type.types : [type];
  const values: string[] = [];
  for (const member of members) {
    if (!ts.isLiteralTypeNode(member) || !ts.isStringLiteral(member.literal)) return undefined;
    values.push(member.literal.text);
  }
  return values;
}

function isPrimitive(type: ts.TypeNode): boolean {
  return (
    type.kind === ts.SyntaxKind.StringKeyword ||
    type.kind === ts.SyntaxKind.NumberKeyword ||
    type.kind === ts.SyntaxKind.BooleanKeyword
  );
}
