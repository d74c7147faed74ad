/**
 * Loads the relay's configuration: an optional YAML or JSON file, overlaid with GENTRACK_RELAY_* environment
 * variables, validated and completed with defaults. Every problem is reported at once, each with the key's path and
 * where its value came from (file:line or the variable's name), so an operator fixes them all in one pass.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isMap, isNode, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { relayConfigSchema, type RelayConfig } from './relay-config-schema.js';
import {
  closestEnvVarName,
  envOverrides,
  RELAY_CONFIG_ENV_VARS,
  RELAY_CONFIG_FILE_ENV,
  unknownRelayEnvVars,
  type ConfigPath,
} from './relay-config-env.js';
import { RELAY_SECRET_SPECS } from './secret-table.js';
import { closestMatch } from '../../../../model/edit-distance.js';
import { knownKeysAt } from '../../../../model/schema-keys.js';
import { RelayError } from '../errors.js';

export interface RelayConfigProblem {
  /** Dotted key path, e.g. gentrack.baseUrl ('' for the file as a whole). */
  readonly path: string;
  /** Where the value came from: `relay.yaml:12:3`, `env GENTRACK_RELAY_HTTP_PORT`, or where it can be set. */
  readonly source: string;
  readonly message: string;
}

export class RelayConfigError extends RelayError {
  readonly code = 'INVALID_RELAY_CONFIG';

  constructor(readonly problems: readonly RelayConfigProblem[]) {
    super(
      `the relay configuration has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n` +
        problems.map((p) => `  ${p.path ? `${p.path}: ` : ''}${p.message} [${p.source}]`).join('\n'),
    );
    this.name = 'RelayConfigError';
  }
}

export interface LoadRelayConfigOptions {
  /** YAML or JSON file; defaults to $GENTRACK_RELAY_CONFIG_FILE. Without either, env and defaults alone. */
  readonly file?: string;
  readonly env?: NodeJS.ProcessEnv;
}

export function loadRelayConfig(options: LoadRelayConfigOptions = {}): RelayConfig {
  const env = options.env ?? process.env;
  const file = options.file ?? (env[RELAY_CONFIG_FILE_ENV]?.trim() || undefined);
  let text: string | undefined;
  if (file !== undefined) {
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (error as Error).message;
      throw new RelayConfigError([{ path: '', source: file, message: `cannot read the config file: ${reason}` }]);
    }
  }
  return resolveRelayConfig({ text, file, env });
}

/** The pure part of loading, for callers that already hold the text. */
export function resolveRelayConfig(input: { text?: string; file?: string; env: NodeJS.ProcessEnv }): RelayConfig {
  const file = input.file ?? 'config';
  const parsedFile = input.text === undefined ? undefined : parseConfigFile(input.text, file);
  const problems: RelayConfigProblem[] = [...(parsedFile?.problems ?? [])];

  for (const name of unknownRelayEnvVars(input.env)) {
    const suggestion = closestEnvVarName(name);
    problems.push({
      path: '',
      source: 'environment',
      message: `${name} is not a relay setting${suggestion ? ` (did you mean ${suggestion}?)` : ''}; see config/relay.example.yaml`,
    });
  }

  // Validating a file that did not parse would only add noise ("required" for every key it holds).
  if (parsedFile && parsedFile.problems.length > 0) throw new RelayConfigError(problems);

  const raw: Record<string, unknown> = isPlainObject(parsedFile?.value) ? structuredClone(parsedFile.value) : {};
  const fromEnv = new Map<string, string>();
  for (const { variable, value } of envOverrides(input.env)) {
    setIn(raw, variable.path, value);
    fromEnv.set(variable.path.join('.'), variable.name);
  }

  const sourceOf = (path: ConfigPath): string => {
    const fromVariable = fromEnv.get(path.join('.'));
    if (fromVariable) return `env ${fromVariable}`;
    const position = parsedFile?.positionOf(path);
    if (position && getIn(raw, path) !== undefined) return `${file}:${position.line}:${position.col}`;
    // Not set anywhere (a default may apply): say where it can be set.
    const settable = RELAY_CONFIG_ENV_VARS.find((candidate) => candidate.path.join('.') === path.join('.'));
    const variable = settable ? `env ${settable.name}` : 'the environment';
    return parsedFile ? `not set in ${file} or ${variable}` : `not set in ${variable} (no config file)`;
  };

  const result = relayConfigSchema.safeParse(raw, { error: describeIssue });
  if (!result.success) {
    for (const issue of result.error.issues) {
      for (const { path, message } of plainIssues(issue)) {
        problems.push({ path: path.join('.'), source: sourceOf(path), message });
      }
    }
  }
  if (problems.length > 0 || !result.success) throw new RelayConfigError(problems);
  // A relative path written in the config file means next to that file, wherever the relay is started from.
  for (const keyPath of FILE_PATH_KEYS) {
    const value = getIn(result.data, keyPath);
    const fromFile = input.file !== undefined && !fromEnv.has(keyPath.join('.')) && getIn(raw, keyPath) !== undefined;
    if (fromFile && typeof value === 'string' && value !== ':memory:' && !path.isAbsolute(value)) {
      setIn(result.data as unknown as Record<string, unknown>, keyPath, path.resolve(path.dirname(input.file!), value));
    }
  }
  return deepFreeze(result.data);
}

/** Keys that name files: relative to the config file when written there. */
const FILE_PATH_KEYS: readonly ConfigPath[] = [
  ['store', 'path'],
  ['gentrack', 'tls', 'caFile'],
  ['gentrack', 'tls', 'certFile'],
  ['gentrack', 'tls', 'keyFile'],
  ['portal', 'initialSync', 'extractRoot'],
  ['portal', 'initialSync', 'reportDir'],
];

interface PlainIssue {
  readonly path: string[];
  readonly message: string;
}

/** One problem per unrecognized key, located at that key, and a pointer to the right place for a misplaced secret. */
function plainIssues(issue: z.core.$ZodIssue): PlainIssue[] {
  const path = issue.path.map(String);
  if (issue.code !== 'unrecognized_keys') return [{ path, message: issue.message }];
  return issue.keys.map((key) => {
    const keyPath = [...path, key];
    const secret = RELAY_SECRET_SPECS.find((spec) =>
      (spec.misplacedAt as readonly string[]).includes(keyPath.join('.')),
    );
    return {
      path: keyPath,
      message: secret
        ? `secrets do not belong in the config file: set ${secret.name} in the environment or the secrets file`
        : `is not a relay setting${didYouMean(key, knownKeysAt(relayConfigSchema, path))}; see config/relay.example.yaml`,
    };
  });
}

function didYouMean(key: string, known: readonly string[]): string {
  const meant = closestMatch(key, known);
  return meant ? ` (did you mean ${meant}?)` : ' (a typo?)';
}

/** Messages for people, without zod's "Invalid input" preamble; values are only echoed for enums. */
function describeIssue(issue: z.core.$ZodRawIssue): string | undefined {
  if ((issue.code === 'invalid_type' || issue.code === 'invalid_value') && issue.input === undefined)
    return 'is required';
  switch (issue.code) {
    case 'invalid_type':
      return `must be a ${issue.expected}, got ${describeType(issue.input)}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}, got ${JSON.stringify(issue.input)}`;
    case 'invalid_format':
      return issue.format === 'url' ? 'must be an http(s) URL' : undefined;
    case 'too_small':
      return issue.minimum === 1 && issue.origin === 'string'
        ? 'must not be empty'
        : `must be ${issue.inclusive === false ? 'greater than' : 'at least'} ${String(issue.minimum)}`;
    case 'too_big':
      return `must be ${issue.inclusive === false ? 'less than' : 'at most'} ${String(issue.maximum)}`;
    default:
      return undefined;
  }
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `text ${JSON.stringify(value)}`;
  return `a ${typeof value}`;
}

interface ParsedConfigFile {
  readonly value: unknown;
  readonly problems: RelayConfigProblem[];
  positionOf(path: ConfigPath): { line: number; col: number } | undefined;
}

/** YAML 1.2 is a superset of JSON, so one parser serves both and gives line numbers for both. */
function parseConfigFile(text: string, file: string): ParsedConfigFile {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const problems: RelayConfigProblem[] = document.errors.map((error) => {
    const position = lineCounter.linePos(error.pos[0]);
    return { path: '', source: `${file}:${position.line}:${position.col}`, message: error.message.split('\n')[0]! };
  });
  const value: unknown = problems.length === 0 ? document.toJS() : undefined;
  if (problems.length === 0 && value != null && !isPlainObject(value)) {
    problems.push({
      path: '',
      source: `${file}:1:1`,
      message: 'must be a mapping of sections (tenantId, salesforce, gentrack, ...)',
    });
  }
  return {
    value,
    problems,
    positionOf: (path) => {
      const offset = offsetOf(document, path);
      return offset === undefined ? undefined : lineCounter.linePos(offset);
    },
  };
}

/** Where a key path starts in the file: the key itself when present, else the nearest enclosing key. */
function offsetOf(document: Document, path: ConfigPath): number | undefined {
  for (let depth = path.length; depth > 0; depth--) {
    const parent = depth === 1 ? document.contents : document.getIn(path.slice(0, depth - 1), true);
    if (!isMap(parent)) continue;
    const pair = parent.items.find((item) => isScalar(item.key) && String(item.key.value) === path[depth - 1]);
    if (pair && isNode(pair.key) && pair.key.range) return pair.key.range[0];
  }
  return undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function getIn(value: unknown, path: ConfigPath): unknown {
  return path.reduce<unknown>((node, key) => (isPlainObject(node) ? node[key] : undefined), value);
}

function setIn(target: Record<string, unknown>, path: ConfigPath, value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    // An env var wins over a file value of the wrong shape (e.g. `gentrack: ""`); the rest of the section stays.
    if (!isPlainObject(node[key])) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}

/** The config is shared by every module; freezing it stops one from changing what the others see. */
function deepFreeze<T>(value: T): T {
  if (isPlainObject(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
