/**
 * Check 3: every Apex class and trigger parses, and is formatted the way the project formats Apex.
 *
 * Parsing uses prettier-plugin-apex (Salesforce's own jorje parser compiled to a native binary: no JVM, about a
 * second for a whole project). Formatting matters because generated code must read as hand-written and a
 * `generate --check` diff should never be noise from formatting.
 */
import { readFile } from 'node:fs/promises';
import * as prettier from 'prettier';
import * as apexPlugin from 'prettier-plugin-apex';
import type { Finding } from './finding.js';
import { locateApexSyntaxErrors } from './apex-parse-errors.js';
import { listSourceFiles, projectRelative, readSfdxProjectFor, type SfdxProject } from './sfdx-project.js';

const CHECK = 'apex-syntax' as const;

/** The project's Apex style (also in .prettierrc.json, which wins where it exists). */
export const APEX_PRETTIER_DEFAULTS: prettier.Options = { printWidth: 120, tabWidth: 4 };

const APEX_SUFFIXES = ['.cls', '.trigger'];

export async function checkApexSyntax(projectDir: string): Promise<Finding[]> {
  const read = await readSfdxProjectFor(CHECK, projectDir);
  if ('unreadable' in read) return [read.unreadable];
  const { project } = read;
  const files = (await listSourceFiles(project)).filter((file) =>
    APEX_SUFFIXES.some((suffix) => file.endsWith(suffix)),
  );
  const findings = await Promise.all(files.map((file) => checkFile(project, file)));
  return findings.flat();
}

async function checkFile(project: SfdxProject, file: string): Promise<Finding[]> {
  const relative = projectRelative(project, file);
  const source = await readFile(file, 'utf8');
  const options: prettier.Options = {
    ...APEX_PRETTIER_DEFAULTS,
    ...((await prettier.resolveConfig(file, { editorconfig: false })) ?? {}),
    // Triggers use the same 'apex' parser as classes ('apex-anonymous' is for anonymous blocks).
    parser: 'apex',
    plugins: [apexPlugin],
    filepath: file,
  };
  let formatted: string;
  try {
    formatted = await prettier.format(source, options);
  } catch (error) {
    return syntaxFindings(relative, source, error);
  }
  if (formatted === source) return [];
  return [
    {
      check: CHECK,
      file: relative,
      line: firstDifferentLine(source, formatted),
      rule: 'apex-unformatted',
      message: `not formatted with the project's prettier settings (printWidth ${options.printWidth}, tabWidth ${options.tabWidth}); run \`npx prettier --write ${relative}\` or format it in the generator`,
    },
  ];
}

async function syntaxFindings(relative: string, source: string, error: unknown): Promise<Finding[]> {
  const located = await locateApexSyntaxErrors(source);
  if (located && located.length > 0) {
    return located.map((syntaxError) => ({
      check: CHECK,
      file: relative,
      rule: 'apex-syntax-error',
      message: `syntax error: ${syntaxError.message}${syntaxError.column !== undefined ? ` (column ${syntaxError.column})` : ''}; it cannot compile; fix the source or the template it came from`,
      ...(syntaxError.line !== undefined ? { line: syntaxError.line } : {}),
    }));
  }
  const message = error instanceof Error ? error.message : String(error);
  return [
    {
      check: CHECK,
      file: relative,
      rule: 'apex-syntax-error',
      message: `syntax error: ${message.replace(/\s+/g, ' ').trim()}; it cannot compile; fix the source or the template it came from`,
    },
  ];
}

function firstDifferentLine(actual: string, expected: string): number {
  const actualLines = actual.split('\n');
  const expectedLines = expected.split('\n');
  const index = actualLines.findIndex((line, i) => line !== expectedLines[i]);
  return (index === -1 ? Math.min(actualLines.length, expectedLines.length) : index) + 1;
}
