/**
 * Loads config/connector.yaml: parses the YAML, checks its shape, resolves it, and reports every problem at once
 * with the file, line and model path it concerns, so a model author can fix them all in one pass.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { closestMatch } from './edit-distance.js';
import { renameDeprecatedOperations } from './deprecated-operation-names.js';
import { connectorModelSchema } from './schema.js';
import { knownKeysAt } from './schema-keys.js';
import { resolveModel, type ModelPath } from './resolve-model.js';
import type { ConnectorModel } from './connector-model.js';

export const DEFAULT_MODEL_PATH = 'config/connector.yaml';

export interface LocatedProblem {
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
  /** Dotted model path, e.g. objects.Account.fields.Name.master */
  readonly path: string;
  readonly message: string;
}

export class ConnectorModelError extends Error {
  readonly code = 'INVALID_CONNECTOR_MODEL';

  constructor(
    readonly file: string,
    readonly problems: readonly LocatedProblem[],
  ) {
    super(
      `${file}: the connector model has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n` +
        problems.map((p) => `  ${formatLocatedProblem(p)}`).join('\n'),
    );
    this.name = 'ConnectorModelError';
  }
}

function formatLocation(problem: LocatedProblem): string {
  return problem.line === undefined ? problem.file : `${problem.file}:${problem.line}:${problem.column ?? 1}`;
}

/** `file:line:column  model.path: message`, as problems and warnings are printed. */
export function formatLocatedProblem(problem: LocatedProblem): string {
  return `${formatLocation(problem)}  ${problem.path ? `${problem.path}: ` : ''}${problem.message}`;
}

export interface LoadModelOptions {
  /**
   * Called for each thing in the model that still works but should change (a deprecated operation name). Default:
   * a Node DeprecationWarning (process.emitWarning), which node prints on stderr.
   */
  onWarning?: (warning: LocatedProblem) => void;
}

function emitDeprecationWarning(warning: LocatedProblem): void {
  process.emitWarning(formatLocatedProblem(warning), {
    type: 'DeprecationWarning',
    code: 'GENTRACK_MODEL_DEPRECATED_NAME',
  });
}

/** Reads and validates the model file. `projectRoot` makes the reported file path relative and stable. */
export async function loadConnectorModel(
  modelPath: string = DEFAULT_MODEL_PATH,
  projectRoot: string = process.cwd(),
  options: LoadModelOptions = {},
): Promise<ConnectorModel> {
  const absolute = path.resolve(projectRoot, modelPath);
  const relative = path.relative(projectRoot, absolute).split(path.sep).join('/');
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? `there is no file ${absolute}`
        : code === 'EISDIR'
          ? `${absolute} is a folder`
          : (error as Error).message;
    throw new ConnectorModelError(relative, [
      { file: relative, path: '', message: `cannot read the connector model: ${reason}` },
    ]);
  }
  return parseConnectorModel(text, relative, options);
}

/** Validates model text; `file` is only used in messages and in the generated headers. */
export function parseConnectorModel(text: string, file: string, options: LoadModelOptions = {}): ConnectorModel {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  if (document.errors.length > 0) {
    throw new ConnectorModelError(
      file,
      document.errors.map((error) => {
        const position = lineCounter.linePos(error.pos[0]);
        return { file, line: position.line, column: position.col, path: '', message: error.message.split('\n')[0]! };
      }),
    );
  }

  const locate = (modelPath: ModelPath, message: string): LocatedProblem => {
    const offset = offsetOf(document, modelPath);
    const position = offset === undefined ? undefined : lineCounter.linePos(offset);
    return {
      file,
      path: modelPath.join('.'),
      message,
      ...(position ? { line: position.line, column: position.col } : {}),
    };
  };

  const parsed = connectorModelSchema.safeParse(document.toJS());
  if (!parsed.success) {
    throw new ConnectorModelError(
      file,
      parsed.error.issues.flatMap((issue) => specificIssues(issue)).map((issue) => locate(issue.path, issue.message)),
    );
  }
  const { input, warnings } = renameDeprecatedOperations(parsed.data);
  const onWarning = options.onWarning ?? emitDeprecationWarning;
  for (const warning of warnings) onWarning(locate(warning.path, warning.message));
  const { model, problems } = resolveModel(input, file);
  if (!model) {
    throw new ConnectorModelError(
      file,
      problems.map((problem) => locate(problem.path, problem.message)),
    );
  }
  return model;
}

/** zod's type names as a model author reads them. */
const EXPECTED_VALUE: Readonly<Record<string, string>> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping',
  record: 'a mapping',
  array: 'a list',
};

interface PlainIssue {
  readonly path: ModelPath;
  readonly message: string;
}

/**
 * zod wraps the real cause of a bad record key or a failed union in a nested issue list ("Invalid key in record",
 * "Invalid input"); a model author needs the cause. For a union (one rule, or a list of rules) the branch that failed
 * on the contents rather than on the overall type is the one that matches what the author wrote.
 */
function specificIssues(issue: z.core.$ZodIssue, base: ModelPath = []): PlainIssue[] {
  const at = [...base, ...(issue.path as ModelPath)];
  if (issue.code === 'invalid_key') return issue.issues.flatMap((inner) => specificIssues(inner, at));
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeysAt(connectorModelSchema, at);
    return issue.keys.map((key) => {
      const meant = closestMatch(key, known);
      return {
        path: [...at, key],
        message: `is not a key of the model here${meant ? ` (did you mean "${meant}"?)` : ''}`,
      };
    });
  }
  if (issue.code === 'invalid_type' && issue.input === undefined) {
    return [{ path: at, message: `is required (${EXPECTED_VALUE[issue.expected] ?? issue.expected})` }];
  }
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    const matching =
      issue.errors.find(
        (branch) => !branch.some((inner) => inner.code === 'invalid_type' && inner.path.length === 0),
      ) ?? issue.errors[0]!;
    return matching.flatMap((inner) => specificIssues(inner, at));
  }
  return [{ path: at, message: issue.message }];
}

/**
 * Where a model path starts in the file. For a map entry the key is the best anchor (a wrong field name is on the
 * key); for a path that does not exist, the nearest existing parent.
 */
function offsetOf(document: Document, modelPath: ModelPath): number | undefined {
  for (let depth = modelPath.length; depth >= 0; depth--) {
    const parentPath = modelPath.slice(0, depth - 1);
    const key = modelPath[depth - 1];
    if (depth > 0) {
      const parent = parentPath.length === 0 ? document.contents : document.getIn(parentPath, true);
      if (isNode(parent) && 'items' in parent && Array.isArray(parent.items)) {
        const pair = parent.items.find(
          (item: unknown) =>
            typeof item === 'object' &&
            item !== null &&
            'key' in item &&
            isNode(item.key) &&
            String((item.key as { value?: unknown }).value) === String(key),
        ) as { key: { range?: [number, number, number] } } | undefined;
        if (pair?.key.range) return pair.key.range[0];
      }
    }
    const node = document.getIn(modelPath.slice(0, depth), true);
    if (isNode(node) && node.range) return node.range[0];
  }
  return undefined;
}
