/**
 * The Apex of a force-app folder, loaded: classes by name (case-insensitive, as Apex names are), triggers by object,
 * and the executable lines of each file for code coverage.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ClassDecl, Stmt, TriggerDecl } from './ast.js';
import { parseClass, parseTrigger } from './lower.js';

/**
 * Parsed files by name and source: parsing is most of a runtime's start-up (about 2 s for force-app), and the
 * lowered declarations are never modified, so every runtime of a process shares them.
 */
const parsedFiles = new Map<string, ClassDecl | TriggerDecl>();

function parsedOnce<T extends ClassDecl | TriggerDecl>(file: string, source: string, parse: () => T): T {
  const key = `${file}\0${source}`;
  let decl = parsedFiles.get(key);
  if (!decl) {
    decl = parse();
    parsedFiles.set(key, decl);
  }
  return decl as T;
}

export class ApexProgram {
  readonly classes = new Map<string, ClassDecl>();
  readonly triggers: TriggerDecl[] = [];
  /** File -> the lines holding an executable statement (what Salesforce counts for coverage). */
  readonly executableLines = new Map<string, Set<number>>();

  addClass(file: string, source: string): ClassDecl {
    const decl = parsedOnce(file, source, () => parseClass(file, source));
    this.classes.set(decl.name.toLowerCase(), decl);
    const lines = new Set<number>();
    collectClassLines(decl, lines);
    this.executableLines.set(file, lines);
    return decl;
  }

  addTrigger(file: string, source: string): TriggerDecl {
    const decl = parsedOnce(file, source, () => parseTrigger(file, source));
    this.triggers.push(decl);
    const lines = new Set<number>();
    collectLines(decl.body, lines);
    this.executableLines.set(file, lines);
    return decl;
  }

  triggersOn(objectName: string, event: string): TriggerDecl[] {
    const lower = objectName.toLowerCase();
    return this.triggers.filter(
      (trigger) => trigger.objectName.toLowerCase() === lower && trigger.events.includes(event),
    );
  }

  /** Classes annotated @IsTest that declare test methods, in name order. */
  testClasses(): ClassDecl[] {
    return [...this.classes.values()]
      .filter((decl) => decl.annotations.has('istest') && decl.methods.some(isTestMethod))
      .sort((a, b) => a.name.localeCompare(b.name));
  }
}

export function isTestMethod(method: ClassDecl['methods'][number]): boolean {
  return method.annotations.has('istest') && method.isStatic;
}

/** Loads every class and trigger under `<forceAppDir>/main/default/{classes,triggers}`. */
export function loadApexProgram(forceAppDir: string): ApexProgram {
  const program = new ApexProgram();
  const base = path.join(forceAppDir, 'main', 'default');
  for (const [folder, extension] of [
    ['classes', '.cls'],
    ['triggers', '.trigger'],
  ] as const) {
    let files: string[];
    try {
      files = readdirSync(path.join(base, folder))
        .filter((name) => name.endsWith(extension))
        .sort();
    } catch {
      continue;
    }
    for (const file of files) {
      const source = readFileSync(path.join(base, folder, file), 'utf8');
      if (extension === '.cls') program.addClass(file, source);
      else program.addTrigger(file, source);
    }
  }
  return program;
}

function collectClassLines(decl: ClassDecl, lines: Set<number>): void {
  for (const field of decl.fields) if (field.init) lines.add(field.line);
  for (const method of [...decl.methods, ...decl.constructors]) if (method.body) collectLines(method.body, lines);
  for (const block of [...decl.staticBlocks, ...decl.instanceBlocks]) collectLines(block, lines);
  for (const inner of decl.inner.values()) collectClassLines(inner, lines);
}

function collectLines(statement: Stmt, lines: Set<number>): void {
  if (statement.kind !== 'block') lines.add(statement.line);
  switch (statement.kind) {
    case 'block':
      for (const child of statement.body) collectLines(child, lines);
      break;
    case 'if':
      collectLines(statement.then, lines);
      if (statement.otherwise) collectLines(statement.otherwise, lines);
      break;
    case 'for':
      if (statement.init && !Array.isArray(statement.init)) collectLines(statement.init as Stmt, lines);
      collectLines(statement.body, lines);
      break;
    case 'forEach':
    case 'while':
    case 'runAs':
      collectLines(statement.body, lines);
      break;
    case 'try':
      collectLines(statement.body, lines);
      for (const clause of statement.catches) collectLines(clause.body, lines);
      if (statement.finally) collectLines(statement.finally, lines);
      break;
    case 'switch':
      for (const when of statement.whens) collectLines(when.body, lines);
      break;
    default:
      break;
  }
}
