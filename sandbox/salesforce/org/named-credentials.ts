/**
 * The org's External Credentials (from force-app, as deployed) and the credentials stored under their principals,
 * as the Connect REST API's /named-credentials/credential resource manages them: create (POST), replace (PUT), read
 * (GET, encrypted values masked) and delete. The sandbox keeps the values so tests can assert what was pushed (an
 * org keeps them encrypted and never shows them again).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { SalesforceError } from '../errors.js';

export const PRINCIPAL_TYPES = ['NamedPrincipal', 'PerUserPrincipal', 'AwsStsPrincipal'] as const;
export type PrincipalType = (typeof PRINCIPAL_TYPES)[number];

export interface ExternalCredentialDefinition {
  readonly name: string;
  /** As the Connect API spells it: OAuth, AwsSv4, Custom, ... */
  readonly authenticationProtocol: string;
  readonly authenticationProtocolVariant?: string;
  readonly principals: readonly { readonly name: string; readonly type: PrincipalType }[];
  /** OAuth: where tokens are requested (the AuthProviderUrl parameter). */
  readonly tokenUrl?: string;
}

/** A Named Credential of force-app: the endpoint `callout:<name>` stands for, and how it authenticates. */
export interface NamedCredentialDefinition {
  readonly name: string;
  readonly url: string;
  readonly externalCredential: string;
}

export interface CredentialValue {
  readonly value: string;
  readonly encrypted: boolean;
}

export interface CredentialInput {
  readonly externalCredential?: unknown;
  readonly principalName?: unknown;
  readonly principalType?: unknown;
  readonly authenticationProtocol?: unknown;
  readonly authenticationProtocolVariant?: unknown;
  readonly credentials?: unknown;
}

export interface StoredCredential {
  readonly externalCredential: string;
  readonly principalName: string;
  readonly principalType: PrincipalType;
  readonly values: Readonly<Record<string, CredentialValue>>;
  /** Username of who set them, and when (epoch ms). */
  readonly setBy: string;
  readonly setAt: number;
}

/** What the Connect API answers: encrypted values are never given back. */
export interface CredentialOutput {
  readonly externalCredential: string;
  readonly principalName: string;
  readonly principalType: PrincipalType;
  readonly authenticationProtocol: string;
  readonly authenticationProtocolVariant: string | null;
  readonly authenticationStatus: 'Configured' | 'NotConfigured';
  readonly credentials: Record<string, { value: string | null; encrypted: boolean }>;
}

/** Credentials the OAuth client-credentials variants need. */
const REQUIRED_CREDENTIALS: Readonly<Record<string, readonly string[]>> = {
  ClientCredentialsClientSecret: ['clientId', 'clientSecret'],
  ClientCredentialsClientSecretBasic: ['clientId', 'clientSecret'],
};

const xml = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  isArray: (name) => name === 'externalCredentialParameters' || name === 'namedCredentialParameters',
});

/**
 * The components of one metadata folder of force-app (`<forceApp>/main/default/<folder>`, or `<dir>/<folder>` for
 * fixtures), in name order: each file's name and its root element's content.
 */
function readMetadataFolder(
  forceAppDir: string | false | undefined,
  folder: string,
  rootElement: string,
): { name: string; node: Record<string, unknown> }[] {
  if (forceAppDir === false) return [];
  const dir = forceAppDir ?? resolve('force-app');
  const root = existsSync(join(dir, 'main', 'default')) ? join(dir, 'main', 'default') : dir;
  const path = join(root, folder);
  const suffix = `.${rootElement[0]!.toLowerCase()}${rootElement.slice(1)}-meta.xml`;
  if (!existsSync(path)) return [];
  return readdirSync(path)
    .filter((file) => file.endsWith(suffix))
    .sort()
    .map((file) => ({
      name: file.slice(0, -suffix.length),
      node:
        (xml.parse(readFileSync(join(path, file), 'utf8')) as Record<string, Record<string, unknown> | undefined>)[
          rootElement
        ] ?? {},
    }));
}

/** Reads `<forceApp>/main/default/externalCredentials` (or `<dir>/externalCredentials` for fixtures). */
export function readExternalCredentials(forceAppDir: string | false | undefined): ExternalCredentialDefinition[] {
  return readMetadataFolder(forceAppDir, 'externalCredentials', 'ExternalCredential').map(({ name, node }) => {
    const parameters = (node.externalCredentialParameters ?? []) as Record<string, string>[];
    const protocol = String(node.authenticationProtocol ?? 'Custom');
    const variant = parameters.find((parameter) => parameter.parameterType === 'AuthProtocolVariant')?.parameterValue;
    const tokenUrl = parameters.find((parameter) => parameter.parameterType === 'AuthProviderUrl')?.parameterValue;
    return {
      name,
      // Metadata writes Oauth, the Connect API OAuth.
      authenticationProtocol: protocol === 'Oauth' ? 'OAuth' : protocol,
      ...(variant ? { authenticationProtocolVariant: variant } : {}),
      ...(tokenUrl ? { tokenUrl } : {}),
      principals: parameters
        .filter((parameter) => (PRINCIPAL_TYPES as readonly string[]).includes(parameter.parameterType ?? ''))
        .map((parameter) => ({
          name: String(parameter.parameterName),
          type: parameter.parameterType as PrincipalType,
        })),
    };
  });
}

/** Reads `<forceApp>/main/default/namedCredentials` (secured endpoints with an External Credential). */
export function readNamedCredentials(forceAppDir: string | false | undefined): NamedCredentialDefinition[] {
  return readMetadataFolder(forceAppDir, 'namedCredentials', 'NamedCredential').map(({ name, node }) => {
    const parameters = (node.namedCredentialParameters ?? []) as Record<string, string>[];
    return {
      name,
      url: parameters.find((parameter) => parameter.parameterType === 'Url')?.parameterValue ?? '',
      externalCredential:
        parameters.find((parameter) => parameter.parameterType === 'Authentication')?.externalCredential ?? '',
    };
  });
}

export class NamedCredentials {
  private readonly stored = new Map<string, StoredCredential>();
  private readonly changes: {
    readonly action: 'created' | 'replaced' | 'deleted';
    readonly credential: Omit<StoredCredential, 'values'>;
  }[] = [];

  private readonly endpoints: Map<string, NamedCredentialDefinition>;
  private readonly tokenUrls = new Map<string, string>();

  constructor(
    readonly externalCredentials: readonly ExternalCredentialDefinition[],
    private readonly clock: () => number = Date.now,
    namedCredentials: readonly NamedCredentialDefinition[] = [],
  ) {
    this.endpoints = new Map(namedCredentials.map((definition) => [definition.name.toLowerCase(), definition]));
  }

  /**
   * What an admin does in Setup after a deploy: points the Named Credential at this org's relay (its URL) and its
   * External Credential at the relay's token endpoint.
   */
  pointAt(namedCredential: string, url: string, tokenUrl?: string): void {
    const definition = this.namedCredential(namedCredential);
    if (!definition) throw new Error(`the org has no Named Credential ${namedCredential}`);
    this.endpoints.set(namedCredential.toLowerCase(), { ...definition, url });
    if (tokenUrl !== undefined) this.tokenUrls.set(definition.externalCredential, tokenUrl);
  }

  /** The Named Credential `callout:<name>` names (names are case-insensitive). */
  namedCredential(name: string): NamedCredentialDefinition | undefined {
    return this.endpoints.get(name.toLowerCase());
  }

  externalCredential(name: string): (ExternalCredentialDefinition & { readonly tokenUrl?: string }) | undefined {
    const definition = this.externalCredentials.find((candidate) => candidate.name === name);
    const tokenUrl = this.tokenUrls.get(name) ?? definition?.tokenUrl;
    return definition && { ...definition, ...(tokenUrl ? { tokenUrl } : {}) };
  }

  /** POST: the principal must not hold credentials yet. */
  create(input: CredentialInput, username: string): CredentialOutput {
    const { definition, principal, values } = this.validate(input, true);
    const key = keyOf(definition.name, principal.name, principal.type);
    if (this.stored.has(key)) {
      throw new SalesforceError(
        'DUPLICATE_VALUE',
        `Credentials already exist for principal ${principal.name} of ${definition.name}; replace them with PUT`,
      );
    }
    return this.save(definition, principal, values, username, 'created');
  }

  /** PUT: replaces every credential of the principal; 404 when it holds none yet. */
  replace(input: CredentialInput, username: string): CredentialOutput {
    const { definition, principal, values } = this.validate(input, true);
    if (!this.stored.has(keyOf(definition.name, principal.name, principal.type))) {
      throw new SalesforceError(
        'NOT_FOUND',
        `No credentials exist for principal ${principal.name} of ${definition.name}; create them with POST`,
        [],
        404,
      );
    }
    return this.save(definition, principal, values, username, 'replaced');
  }

  read(query: CredentialInput): CredentialOutput {
    const { definition, principal } = this.validate(query, false);
    return this.output(definition, principal, this.stored.get(keyOf(definition.name, principal.name, principal.type)));
  }

  remove(query: CredentialInput): void {
    const { definition, principal } = this.validate(query, false);
    const key = keyOf(definition.name, principal.name, principal.type);
    const existing = this.stored.get(key);
    if (!existing)
      throw new SalesforceError(
        'NOT_FOUND',
        `No credentials exist for principal ${principal.name} of ${definition.name}`,
        [],
        404,
      );
    this.stored.delete(key);
    this.changes.push({ action: 'deleted', credential: withoutValues(existing) });
  }

  /** The stored values, secrets included (tests assert what was pushed). */
  credential(
    externalCredential: string,
    principalName: string,
    principalType: PrincipalType = 'NamedPrincipal',
  ): StoredCredential | undefined {
    return this.stored.get(keyOf(externalCredential, principalName, principalType));
  }

  /** Every create, replace and delete, oldest first, without values. */
  history(): readonly {
    readonly action: 'created' | 'replaced' | 'deleted';
    readonly credential: Omit<StoredCredential, 'values'>;
  }[] {
    return [...this.changes];
  }

  private save(
    definition: ExternalCredentialDefinition,
    principal: ExternalCredentialDefinition['principals'][number],
    values: Record<string, CredentialValue>,
    username: string,
    action: 'created' | 'replaced',
  ): CredentialOutput {
    const credential: StoredCredential = {
      externalCredential: definition.name,
      principalName: principal.name,
      principalType: principal.type,
      values,
      setBy: username,
      setAt: this.clock(),
    };
    this.stored.set(keyOf(definition.name, principal.name, principal.type), credential);
    this.changes.push({ action, credential: withoutValues(credential) });
    return this.output(definition, principal, credential);
  }

  private output(
    definition: ExternalCredentialDefinition,
    principal: ExternalCredentialDefinition['principals'][number],
    credential: StoredCredential | undefined,
  ): CredentialOutput {
    return {
      externalCredential: definition.name,
      principalName: principal.name,
      principalType: principal.type,
      authenticationProtocol: definition.authenticationProtocol,
      authenticationProtocolVariant: definition.authenticationProtocolVariant ?? null,
      authenticationStatus: credential ? 'Configured' : 'NotConfigured',
      credentials: Object.fromEntries(
        Object.entries(credential?.values ?? {}).map(([name, value]) => [
          name,
          { value: value.encrypted ? null : value.value, encrypted: value.encrypted },
        ]),
      ),
    };
  }

  private validate(input: CredentialInput, withValues: boolean) {
    const name = typeof input.externalCredential === 'string' ? input.externalCredential : '';
    const definition = this.externalCredentials.find((candidate) => candidate.name === name);
    if (!definition)
      throw new SalesforceError(
        'NOT_FOUND',
        `External credential ${name || '(none given)'} does not exist or you do not have access to it`,
        [],
        404,
      );
    const principalType = input.principalType;
    if (typeof principalType !== 'string' || !(PRINCIPAL_TYPES as readonly string[]).includes(principalType)) {
      throw new SalesforceError('INVALID_INPUT', `principalType must be one of ${PRINCIPAL_TYPES.join(', ')}`);
    }
    const principal = definition.principals.find(
      (candidate) =>
        candidate.type === principalType &&
        (principalType !== 'NamedPrincipal' || candidate.name === input.principalName),
    );
    if (!principal) {
      throw new SalesforceError(
        'NOT_FOUND',
        `External credential ${definition.name} has no ${principalType} ${String(input.principalName ?? '')}`,
        [],
        404,
      );
    }
    if (!withValues) return { definition, principal, values: {} };
    if (
      input.authenticationProtocol !== undefined &&
      input.authenticationProtocol !== definition.authenticationProtocol
    ) {
      throw new SalesforceError(
        'INVALID_INPUT',
        `authenticationProtocol ${String(input.authenticationProtocol)} does not match the external credential's ${definition.authenticationProtocol}`,
      );
    }
    const values = readValues(input.credentials);
    const required = REQUIRED_CREDENTIALS[definition.authenticationProtocolVariant ?? ''] ?? [];
    const missing = required.filter((credentialName) => !values[credentialName]?.value);
    if (missing.length > 0) {
      throw new SalesforceError(
        'INVALID_INPUT',
        `${definition.authenticationProtocolVariant} credentials need ${missing.join(' and ')}`,
      );
    }
    return { definition, principal, values };
  }
}

function readValues(credentials: unknown): Record<string, CredentialValue> {
  if (credentials === null || typeof credentials !== 'object' || Array.isArray(credentials)) {
    throw new SalesforceError('INVALID_INPUT', 'credentials must be a map of names to { value, encrypted }');
  }
  const values: Record<string, CredentialValue> = {};
  for (const [name, entry] of Object.entries(credentials)) {
    const { value, encrypted } = (entry ?? {}) as { value?: unknown; encrypted?: unknown };
    if (typeof value !== 'string' || typeof encrypted !== 'boolean') {
      throw new SalesforceError(
        'INVALID_INPUT',
        `credentials.${name} must be { "value": string, "encrypted": boolean }`,
      );
    }
    values[name] = { value, encrypted };
  }
  return values;
}

function keyOf(externalCredential: string, principalName: string, principalType: string): string {
  return `${externalCredential}\u0000${principalType}\u0000${principalName}`;
}

function withoutValues(credential: StoredCredential): Omit<StoredCredential, 'values'> {
  const { values: _values, ...rest } = credential;
  return rest;
}
