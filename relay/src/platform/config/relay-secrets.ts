/**
 * Reads the relay's secrets (RELAY_SECRET_SPECS) from the environment or from a secrets file, never from the config
 * file. The secrets file must be readable by its owner only. Values are wrapped in `Secret`, and no message here
 * ever contains one: problems name the variable and the line, not what was written there.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { RelayConfig } from './relay-config-schema.js';
import { RELAY_SECRETS_FILE_ENV } from './relay-config-env.js';
import { Secret } from './secret.js';
import { RELAY_SECRET_SPECS, type RelaySecretSpec } from './secret-table.js';
import { RelayError } from '../errors.js';

/** One property per row of the table; secrets that some configurations do without may be undefined. */
export type RelaySecrets = {
  readonly [Spec in RelaySecretSpec as Spec['key']]: Spec['requiredBy'] extends 'always' ? Secret : Secret | undefined;
};

export type RelaySecretsErrorCode = 'RELAY_SECRETS_FILE_UNSAFE' | 'INVALID_RELAY_SECRETS';

export class RelaySecretsError extends RelayError {
  constructor(
    readonly code: RelaySecretsErrorCode,
    readonly problems: readonly string[],
  ) {
    super(
      problems.length === 1
        ? problems[0]!
        : `the relay's secrets have ${problems.length} problems:\n${problems.map((problem) => `  ${problem}`).join('\n')}`,
    );
    this.name = 'RelaySecretsError';
  }
}

export interface LoadRelaySecretsOptions {
  /** Decides which secrets are required (the password flow needs the password). */
  readonly config: RelayConfig;
  readonly env?: NodeJS.ProcessEnv;
  /** KEY=VALUE lines or a JSON object; defaults to $GENTRACK_RELAY_SECRETS_FILE. The environment wins over it. */
  readonly file?: string;
}

export function loadRelaySecrets(options: LoadRelaySecretsOptions): RelaySecrets;
/**
 * Only the named secrets, read and required as usual: for a command whose Salesforce session comes from elsewhere
 * (an sf org alias), which needs none of the Connected App's.
 */
export function loadRelaySecrets<Key extends keyof RelaySecrets>(
  options: LoadRelaySecretsOptions & { readonly only: readonly Key[] },
): Pick<RelaySecrets, Key>;
export function loadRelaySecrets(
  options: LoadRelaySecretsOptions & { readonly only?: readonly (keyof RelaySecrets)[] },
): Partial<RelaySecrets> {
  const env = options.env ?? process.env;
  const file = secretsFileOf(options, env);
  const problems: string[] = [];
  const fromFile =
    file === undefined ? new Map<string, string>() : readSecretsFile(file, problems, namedByConfig(options.config));

  const secrets: Record<string, Secret | undefined> = {};
  for (const spec of RELAY_SECRET_SPECS as readonly RelaySecretSpec[]) {
    if (options.only && !options.only.includes(spec.key)) continue;
    // Trimmed: a trailing newline from `$(cat key)` or an editor is a mistake, never part of a secret.
    const value = env[spec.name]?.trim() || fromFile.get(spec.name);
    if (value) {
      secrets[spec.key] = new Secret(value);
      continue;
    }
    const reason = spec.requiredBy === 'always' ? 'the relay always needs it' : spec.requiredBy(options.config);
    if (reason !== undefined) {
      const where =
        file === undefined
          ? `the environment (or a secrets file named by ${RELAY_SECRETS_FILE_ENV})`
          : `the environment or ${file}`;
      problems.push(`${spec.name} (${spec.description}) is required because ${reason}: set it in ${where}`);
    }
  }
  if (problems.length > 0) throw new RelaySecretsError('INVALID_RELAY_SECRETS', problems);
  return Object.freeze(secrets) as Partial<RelaySecrets>;
}

/** The secrets file: the one given, else the one $GENTRACK_RELAY_SECRETS_FILE names, else none. */
function secretsFileOf(options: { readonly file?: string }, env: NodeJS.ProcessEnv): string | undefined {
  return options.file ?? (env[RELAY_SECRETS_FILE_ENV]?.trim() || undefined);
}

/** Secrets whose variable name the configuration chooses: the portal's OpenID Connect client secret. */
function namedByConfig(config: RelayConfig): string[] {
  const oidc = config.portal?.oidc;
  return oidc ? [oidc.clientSecretEnv] : [];
}

/**
 * A secret the configuration names (see namedByConfig), from the environment or, failing that, the secrets file
 * ($GENTRACK_RELAY_SECRETS_FILE), read with the same checks as the table's; undefined when neither has it.
 */
export function loadNamedSecret(name: string, options: Omit<LoadRelaySecretsOptions, 'config'>): Secret | undefined {
  const env = options.env ?? process.env;
  const fromEnv = env[name]?.trim();
  if (fromEnv) return new Secret(fromEnv);
  const file = secretsFileOf(options, env);
  if (file === undefined) return undefined;
  const problems: string[] = [];
  const value = readSecretsFile(file, problems, [name]).get(name);
  if (problems.length > 0) throw new RelaySecretsError('INVALID_RELAY_SECRETS', problems);
  return value ? new Secret(value) : undefined;
}

/** Refuses a file others can read before reading a byte of it; collects format problems into `problems`. */
function readSecretsFile(file: string, problems: string[], alsoKnown: readonly string[]): Map<string, string> {
  let stats;
  try {
    stats = statSync(file);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : (error as Error).message;
    throw new RelaySecretsError('INVALID_RELAY_SECRETS', [`the secrets file ${file} ${reason}`]);
  }
  if (!stats.isFile()) {
    throw new RelaySecretsError('RELAY_SECRETS_FILE_UNSAFE', [`the secrets file ${file} is not a regular file`]);
  }
  // Windows has no POSIX modes to check.
  if (process.platform !== 'win32' && (stats.mode & 0o077) !== 0) {
    const mode = (stats.mode & 0o777).toString(8).padStart(3, '0');
    throw new RelaySecretsError('RELAY_SECRETS_FILE_UNSAFE', [
      `the secrets file ${file} is readable by group or others (mode ${mode}); restrict it to its owner and start again: chmod 600 ${shellQuote(path.resolve(file))}`,
    ]);
  }
  const text = readFileSync(file, 'utf8');
  const entries = text.trimStart().startsWith('{')
    ? parseJsonSecrets(text, file, problems)
    : parseKeyValueSecrets(text, file, problems);
  const known = new Set<string>([...RELAY_SECRET_SPECS.map((spec) => spec.name), ...alsoKnown]);
  for (const name of entries.keys()) {
    if (!known.has(name)) problems.push(`${file}: ${name} is not a relay secret (known: ${[...known].join(', ')})`);
  }
  return entries;
}

/** `KEY=VALUE` per line, `#` comments, optional `export ` and matching quotes around the value (dotenv habits). */
function parseKeyValueSecrets(text: string, file: string, problems: string[]): Map<string, string> {
  const entries = new Map<string, string>();
  const lineOf = new Map<string, number>();
  text.split(/\r?\n/).forEach((rawLine, index) => {
    const line = rawLine.trim();
    const lineNumber = index + 1;
    if (line === '' || line.startsWith('#')) return;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$/.exec(line);
    if (!match) {
      // The line may be a value pasted on its own: say where, never what.
      problems.push(`${file}:${lineNumber}: expected KEY=VALUE`);
      return;
    }
    const [, name, rawValue] = match as unknown as [string, string, string];
    if (lineOf.has(name)) {
      problems.push(`${file}:${lineNumber}: ${name} is already set on line ${lineOf.get(name)}`);
      return;
    }
    lineOf.set(name, lineNumber);
    entries.set(name, unquote(rawValue.trim()));
  });
  return entries;
}

function parseJsonSecrets(text: string, file: string, problems: string[]): Map<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // JSON.parse's message quotes the text near the error, which may be a secret.
    problems.push(`${file}: is not valid JSON (nor KEY=VALUE lines)`);
    return new Map();
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    problems.push(`${file}: must be a JSON object of names to values`);
    return new Map();
  }
  const entries = new Map<string, string>();
  for (const [name, value] of Object.entries(parsed)) {
    if (typeof value === 'string') entries.set(name, value.trim());
    else problems.push(`${file}: ${name} must be a string`);
  }
  return entries;
}

function unquote(value: string): string {
  const quoted = /^(['"])(.*)\1$/.exec(value);
  return quoted ? quoted[2]! : value;
}

function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
