/**
 * Environment variables that override config file values. Every leaf key has one, derived from its path so the
 * names never drift from the schema: `gentrack.baseUrl` -> GENTRACK_RELAY_GENTRACK_BASE_URL.
 */
import type { z } from 'zod';
import { relayConfigSchema } from './relay-config-schema.js';
import { closestMatch } from '../../../../model/edit-distance.js';

export const RELAY_ENV_PREFIX = 'GENTRACK_RELAY_';
/** Names with the prefix that are not config keys. */
export const RELAY_CONFIG_FILE_ENV = `${RELAY_ENV_PREFIX}CONFIG_FILE`;
export const RELAY_SECRETS_FILE_ENV = `${RELAY_ENV_PREFIX}SECRETS_FILE`;

export type ConfigPath = readonly string[];
type LeafKind = 'string' | 'number' | 'boolean';

export interface ConfigEnvVar {
  readonly name: string;
  readonly path: ConfigPath;
  readonly kind: LeafKind;
}

export function envVarName(path: ConfigPath): string {
  return (
    RELAY_ENV_PREFIX + path.map((segment) => segment.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()).join('_')
  );
}

/** Every config env var, in schema order. */
export const RELAY_CONFIG_ENV_VARS: readonly ConfigEnvVar[] = leavesOf(relayConfigSchema, []);

function leavesOf(schema: z.core.$ZodType, path: ConfigPath): ConfigEnvVar[] {
  const def = schema._zod.def as z.core.$ZodTypeDef & {
    innerType?: z.core.$ZodType;
    in?: z.core.$ZodType;
    shape?: Record<string, z.core.$ZodType>;
  };
  switch (def.type) {
    case 'object':
      return Object.entries(def.shape!).flatMap(([key, child]) => leavesOf(child, [...path, key]));
    case 'default':
    case 'prefault':
    case 'optional':
      return leavesOf(def.innerType!, path);
    case 'pipe':
      return leavesOf(def.in!, path);
    case 'number':
    case 'boolean':
      return [{ name: envVarName(path), path, kind: def.type }];
    default:
      return [{ name: envVarName(path), path, kind: 'string' }];
  }
}

export interface EnvOverride {
  readonly variable: ConfigEnvVar;
  readonly value: unknown;
}

/**
 * The overrides set in `env`, converted to the key's type. A value that does not convert is passed through as
 * text so validation reports it against the variable's name. Empty values count as unset (compose files leave them).
 */
export function envOverrides(env: NodeJS.ProcessEnv): EnvOverride[] {
  return RELAY_CONFIG_ENV_VARS.flatMap((variable) => {
    const text = env[variable.name]?.trim();
    if (text === undefined || text === '') return [];
    return [{ variable, value: convert(text, variable.kind) }];
  });
}

/** Prefixed variables that match no key: almost always a typo that would otherwise be silently ignored. */
export function unknownRelayEnvVars(env: NodeJS.ProcessEnv): string[] {
  const known = new Set([
    ...RELAY_CONFIG_ENV_VARS.map((variable) => variable.name),
    RELAY_CONFIG_FILE_ENV,
    RELAY_SECRETS_FILE_ENV,
  ]);
  return Object.keys(env)
    .filter((name) => name.startsWith(RELAY_ENV_PREFIX) && !known.has(name))
    .sort();
}

function convert(text: string, kind: LeafKind): unknown {
  if (kind === 'number') return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
  if (kind === 'boolean') {
    if (/^(true|1|yes)$/i.test(text)) return true;
    if (/^(false|0|no)$/i.test(text)) return false;
  }
  return text;
}

/** The known name a mistyped one most likely meant, when it is close enough to be a typo. */
export function closestEnvVarName(name: string): string | undefined {
  return closestMatch(name, [
    ...RELAY_CONFIG_ENV_VARS.map((variable) => variable.name),
    RELAY_CONFIG_FILE_ENV,
    RELAY_SECRETS_FILE_ENV,
  ]);
}
