/**
 * Where an Apex syntax error is. prettier-plugin-apex throws only the parser's message ("Unexpected token ';'."),
 * so the same native parser it uses (jorje, shipped as a binary in @prettier-apex/apex-ast-serializer-<platform>)
 * is asked again for the structured errors, which carry line and column.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

export interface ApexSyntaxError {
  readonly message: string;
  readonly line?: number;
  readonly column?: number;
}

/** The native serializer prettier-plugin-apex would use, or undefined when this platform has none installed. */
function nativeSerializer(): string | undefined {
  const target = `${process.platform}-${process.arch}`;
  const binary = `apex-ast-serializer-${target}${process.platform === 'win32' ? '.exe' : ''}`;
  try {
    const fromPlugin = createRequire(createRequire(import.meta.url).resolve('prettier-plugin-apex'));
    return fromPlugin.resolve(`@prettier-apex/apex-ast-serializer-${target}/${binary}`);
  } catch {
    return undefined;
  }
}

/** The syntax errors of a compilation unit (class or trigger); undefined when the parser cannot be run here. */
export async function locateApexSyntaxErrors(source: string): Promise<ApexSyntaxError[] | undefined> {
  const executable = nativeSerializer();
  if (!executable) return undefined;
  const output = await new Promise<string | undefined>((resolve) => {
    const child = spawn(executable, [], { stdio: ['pipe', 'pipe', 'ignore'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.on('error', () => resolve(undefined));
    child.on('close', (code) => resolve(code === 0 ? stdout : undefined));
    child.stdin.end(source);
  });
  if (output === undefined) return undefined;
  const errors = findParseErrors(JSON.parse(output) as unknown);
  return errors?.map((error) => ({
    message: String(error.message ?? 'syntax error').replace(/\.+$/, ''),
    ...firstLocation(error),
  }));
}

type JsonObject = Record<string, unknown>;

function findParseErrors(value: unknown): JsonObject[] | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  if (!Array.isArray(value) && Array.isArray((value as JsonObject).parseErrors))
    return (value as JsonObject).parseErrors as JsonObject[];
  for (const nested of Object.values(value)) {
    const found = findParseErrors(nested);
    if (found) return found;
  }
  return undefined;
}

/** jorje nests the location at different depths per error kind; take the first `{ line, column }` found. */
function firstLocation(value: unknown): { line?: number; column?: number } {
  if (typeof value !== 'object' || value === null) return {};
  const candidate = value as JsonObject;
  if (typeof candidate.line === 'number') {
    return { line: candidate.line, ...(typeof candidate.column === 'number' ? { column: candidate.column } : {}) };
  }
  for (const nested of Object.values(candidate)) {
    const location = firstLocation(nested);
    if (location.line !== undefined) return location;
  }
  return {};
}
