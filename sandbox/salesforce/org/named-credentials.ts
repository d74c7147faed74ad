/**
 * The org's Named and External Credentials (from force-app, as deployed) and the credentials stored under their
 * principals, as the Connect REST API manages them: /named-credentials/credential creates (POST), replaces (PUT),
 * reads (GET, encrypted values masked) and deletes a principal's credentials; /named-credential-setup/{name} and
 * /external-credentials/{name} read and update a definition (its URL, its parameters such as the token URL). The
 * sandbox keeps the values so tests can assert what was pushed (an org keeps them encrypted and never shows them).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { SalesforceError } from '../errors.js';

export const PRINCIPAL_TYPES = ['NamedPrincipal', 'PerUserPrincipal', 'AwsStsPrincipal'] as const;
export type PrincipalType = (typeof PRINCIPAL_TYPES)[number];

export interface CredentialParameter {
  readonly parameterName: string;
  readonly parameterType: string;
  readonly parameterValue?: string;
}

export interface ExternalCredentialDefinition {
  readonly name: string;
  readonly label?: string;
  /** The parameters that are not principals (AuthProtocolVariant, AuthProviderUrl, ...). */
  readonly parameters?: readonly CredentialParameter[];
  /** As the Connect API spells it: OAuth, AwsSv4, Custom, ... */
  readonly authenticationProtocol: string;
  readonly authenticationProtocolVariant?: string;
  readonly principals: readonly { readonly name: string; readonly type: PrincipalType }[];
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

/** What GET and PUT /named-credential-setup/{developerName} answer. */
export interface NamedCredentialOutput {
  readonly developerName: string;
  readonly masterLabel: string;
  readonly type: string;
  readonly calloutUrl: string;
  readonly calloutOptions: NamedCredentialDefinition['calloutOptions'];
  readonly customHeaders: readonly unknown[];
  readonly parameters: readonly unknown[];
  readonly externalCredentials: readonly { readonly developerName: string; readonly masterLabel: string }[];
}

/** What GET and PUT /external-credentials/{developerName} answer. */
export interface ExternalCredentialOutput {
  readonly developerName: string;
  readonly masterLabel: string;
  readonly authenticationProtocol: string;
  readonly authenticationProtocolVariant: string | null;
  readonly parameters: readonly CredentialParameter[];
  readonly principals: readonly {
    readonly principalName: string;
    readonly principalType: PrincipalType;
    readonly sequenceNumber: number;
    readonly authenticationStatus: 'Configured' | 'NotConfigured';
  }[];
  readonly relatedNamedCredentials: readonly { readonly developerName: string; readonly masterLabel: string }[];
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

/** A Named Credential as deployed, or as Setup (or Connect REST) last set it: `callout:<name>` stands for calloutUrl. */
export interface NamedCredentialDefinition {
  readonly name: string;
  readonly label: string;
  readonly type: string;
  readonly calloutUrl: string;
  readonly externalCredential?: string;
  readonly calloutOptions: {
    readonly allowMergeFieldsInBody: boolean;
    readonly allowMergeFieldsInHeader: boolean;
    readonly generateAuthorizationHeader: boolean;
  };
}

/** Reads `<forceApp>/main/default/namedCredentials` (the new-style ones, with namedCredentialParameters). */
export function readNamedCredentials(forceAppDir: string | false | undefined): NamedCredentialDefinition[] {
  return metadataFiles(forceAppDir, 'namedCredentials', '.namedCredential-meta.xml').map(({ name, text }) => {
    const node = (xml.parse(text) as { NamedCredential?: Record<string, unknown> }).NamedCredential ?? {};
    const parameters = (node.namedCredentialParameters ?? []) as Record<string, string>[];
    const flag = (key: string) => String(node[key] ?? 'false') === 'true';
    const externalCredential = parameters.find(
      (parameter) => parameter.parameterType === 'Authentication',
    )?.externalCredential;
    return {
      name,
      label: String(node.label ?? name),
      type: String(node.namedCredentialType ?? 'SecuredEndpoint'),
      calloutUrl: parameters.find((parameter) => parameter.parameterType === 'Url')?.parameterValue ?? '',
      ...(externalCredential ? { externalCredential } : {}),
      calloutOptions: {
        allowMergeFieldsInBody: flag('allowMergeFieldsInBody'),
        allowMergeFieldsInHeader: flag('allowMergeFieldsInHeader'),
        generateAuthorizationHeader: flag('generateAuthorizationHeader'),
      },
    };
  });
}

function metadataFiles(
  forceAppDir: string | false | undefined,
  folderName: string,
  suffix: string,
): { name: string; text: string }[] {
  if (forceAppDir === false) return [];
  const dir = forceAppDir ?? resolve('force-app');
  const root = existsSync(join(dir, 'main', 'default')) ? join(dir, 'main', 'default') : dir;
  const folder = join(root, folderName);
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((file) => file.endsWith(suffix))
    .sort()
    .map((file) => ({ name: file.slice(0, -suffix.length), text: readFileSync(join(folder, file), 'utf8') }));
}

/** Reads `<forceApp>/main/default/externalCredentials` (or `<dir>/externalCredentials` for fixtures). */
export function readExternalCredentials(forceAppDir: string | false | undefined): ExternalCredentialDefinition[] {
  return metadataFiles(forceAppDir, 'externalCredentials', '.externalCredential-meta.xml').map(({ name, text }) => {
    const node = (xml.parse(text) as { ExternalCredential?: Record<string, unknown> }).ExternalCredential ?? {};
    const parameters = (node.externalCredentialParameters ?? []) as Record<string, string>[];
    const protocol = String(node.authenticationProtocol ?? 'Custom');
    const variant = parameters.find((parameter) => parameter.parameterType === 'AuthProtocolVariant')?.parameterValue;
    const isPrincipal = (parameter: Record<string, string>) =>
      (PRINCIPAL_TYPES as readonly string[]).includes(parameter.parameterType ?? '');
    return {
      name,
      label: String(node.label ?? name),
      // Metadata writes Oauth, the Connect API OAuth.
      authenticationProtocol: protocol === 'Oauth' ? 'OAuth' : protocol,
      ...(variant ? { authenticationProtocolVariant: variant } : {}),
      parameters: parameters
        .filter((parameter) => !isPrincipal(parameter))
        .map((parameter) => ({
          parameterName: String(parameter.parameterName),
          parameterType: String(parameter.parameterType),
          ...(parameter.parameterValue === undefined ? {} : { parameterValue: String(parameter.parameterValue) }),
        })),
      principals: parameters.filter(isPrincipal).map((parameter) => ({
        name: String(parameter.parameterName),
        type: parameter.parameterType as PrincipalType,
      })),
    };
  });
}

export class NamedCredentials {
  private readonly stored = new Map<string, StoredCredential>();
  private readonly changes: {
    readonly action: 'created' | 'replaced' | 'deleted';
    readonly credential: Omit<StoredCredential, 'values'>;
  }[] = [];

  private readonly definitions = new Map<string, NamedCredentialDefinition>();
  private readonly externalParameters = new Map<string, readonly CredentialParameter[]>();
  private readonly definitionChanges: { readonly kind: 'named' | 'external'; readonly name: string }[] = [];

  constructor(
    readonly externalCredentials: readonly ExternalCredentialDefinition[],
    private readonly clock: () => number = Date.now,
    namedCredentials: readonly NamedCredentialDefinition[] = [],
  ) {
    for (const definition of namedCredentials) this.definitions.set(definition.name, definition);
    for (const definition of externalCredentials)
      this.externalParameters.set(definition.name, definition.parameters ?? []);
  }

  /** GET /named-credential-setup/{developerName}. */
  namedCredential(developerName: string): NamedCredentialOutput {
    return this.namedOutput(this.requireNamed(developerName));
  }

  /** PUT /named-credential-setup/{developerName}: calloutUrl, calloutOptions, masterLabel, type, externalCredentials. */
  updateNamedCredential(developerName: string, input: Readonly<Record<string, unknown>>): NamedCredentialOutput {
    const current = this.requireNamed(developerName);
    const missing = ['calloutOptions', 'calloutUrl', 'externalCredentials', 'masterLabel', 'type'].filter(
      (key) => input[key] === undefined,
    );
    if (missing.length > 0) throw new SalesforceError('INVALID_INPUT', `Missing required input: ${missing.join(', ')}`);
    const calloutUrl = String(input.calloutUrl);
    if (!URL.canParse(calloutUrl) || !/^https?:$/.test(new URL(calloutUrl).protocol)) {
      throw new SalesforceError('INVALID_INPUT', `calloutUrl is not a valid URL: ${calloutUrl}`);
    }
    const external = input.externalCredentials as readonly { developerName?: unknown }[];
    if (!Array.isArray(external) || external.length !== 1 || typeof external[0]?.developerName !== 'string') {
      throw new SalesforceError('INVALID_INPUT', 'externalCredentials must name exactly one external credential');
    }
    const externalName = external[0].developerName;
    if (!this.externalCredentials.some((candidate) => candidate.name === externalName)) {
      throw new SalesforceError('NOT_FOUND', `External credential ${externalName} does not exist`, [], 404);
    }
    const options = input.calloutOptions as Record<string, unknown>;
    const updated: NamedCredentialDefinition = {
      name: current.name,
      label: String(input.masterLabel),
      type: String(input.type),
      calloutUrl,
      externalCredential: externalName,
      calloutOptions: {
        allowMergeFieldsInBody: options?.allowMergeFieldsInBody === true,
        allowMergeFieldsInHeader: options?.allowMergeFieldsInHeader === true,
        generateAuthorizationHeader: options?.generateAuthorizationHeader !== false,
      },
    };
    this.definitions.set(current.name, updated);
    this.definitionChanges.push({ kind: 'named', name: current.name });
    return this.namedOutput(updated);
  }

  /** GET /external-credentials/{developerName}. */
  externalCredential(developerName: string): ExternalCredentialOutput {
    return this.externalOutput(this.requireExternal(developerName));
  }

  /**
   * PUT /external-credentials/{developerName}: replaces the parameters (the token URL, ...). Principals given must be
   * the ones the credential has: the sandbox does not model adding or removing principals.
   */
  updateExternalCredential(developerName: string, input: Readonly<Record<string, unknown>>): ExternalCredentialOutput {
    const definition = this.requireExternal(developerName);
    const missing = ['authenticationProtocol', 'masterLabel'].filter((key) => input[key] === undefined);
    if (missing.length > 0) throw new SalesforceError('INVALID_INPUT', `Missing required input: ${missing.join(', ')}`);
    if (input.authenticationProtocol !== definition.authenticationProtocol) {
      throw new SalesforceError(
        'INVALID_INPUT',
        `authenticationProtocol ${String(input.authenticationProtocol)} does not match the external credential's ${definition.authenticationProtocol}`,
      );
    }
    const principals = (input.principals ?? []) as readonly { principalName?: unknown; principalType?: unknown }[];
    for (const principal of principals) {
      if (!definition.principals.some((known) => known.name === principal.principalName)) {
        throw new SalesforceError(
          'INVALID_INPUT',
          `The sandbox cannot add principal ${String(principal.principalName)}`,
        );
      }
    }
    const parameters = (input.parameters ?? []) as readonly Record<string, unknown>[];
    const parsed = parameters.map((parameter, index) => {
      if (typeof parameter.parameterName !== 'string' || typeof parameter.parameterType !== 'string') {
        throw new SalesforceError('INVALID_INPUT', `parameters[${index}] needs parameterName and parameterType`);
      }
      return {
        parameterName: parameter.parameterName,
        parameterType: parameter.parameterType,
        ...(typeof parameter.parameterValue === 'string' ? { parameterValue: parameter.parameterValue } : {}),
      };
    });
    const tokenUrl = parsed.find((parameter) => parameter.parameterType === 'AuthProviderUrl')?.parameterValue;
    if (tokenUrl !== undefined && !URL.canParse(tokenUrl)) {
      throw new SalesforceError('INVALID_INPUT', `AuthProviderUrl is not a valid URL: ${tokenUrl}`);
    }
    this.externalParameters.set(definition.name, parsed);
    this.definitionChanges.push({ kind: 'external', name: definition.name });
    return this.externalOutput(definition);
  }

  /** Every PUT of a named or external credential, oldest first. */
  definitionHistory(): readonly { readonly kind: 'named' | 'external'; readonly name: string }[] {
    return [...this.definitionChanges];
  }

  /**
   * What an admin does in Setup after a deploy (what `setup` does through Connect REST): points the Named Credential
   * at this org's relay (its URL) and its External Credential at the relay's token endpoint.
   */
  pointAt(namedCredential: string, url: string, tokenUrl?: string): void {
    const definition = this.calloutTarget(namedCredential);
    if (!definition) throw new Error(`the org has no Named Credential ${namedCredential}`);
    this.definitions.set(definition.name, { ...definition, calloutUrl: url });
    const external = definition.externalCredential;
    if (tokenUrl === undefined || external === undefined) return;
    const kept = (this.externalParameters.get(external) ?? []).filter(
      (parameter) => parameter.parameterType !== 'AuthProviderUrl',
    );
    this.externalParameters.set(external, [
      ...kept,
      { parameterName: 'AuthProviderUrl', parameterType: 'AuthProviderUrl', parameterValue: tokenUrl },
    ]);
  }

  /** The Named Credential `callout:<name>` names (names are case-insensitive), as it is set now. */
  calloutTarget(name: string): NamedCredentialDefinition | undefined {
    const lower = name.toLowerCase();
    return [...this.definitions.values()].find((definition) => definition.name.toLowerCase() === lower);
  }

  /** An External Credential as a callout uses it: OAuth's token URL is its AuthProviderUrl parameter, as set now. */
  calloutCredential(name: string): (ExternalCredentialDefinition & { readonly tokenUrl?: string }) | undefined {
    const definition = this.externalCredentials.find((candidate) => candidate.name === name);
    if (!definition) return undefined;
    const tokenUrl = (this.externalParameters.get(name) ?? []).find(
      (parameter) => parameter.parameterType === 'AuthProviderUrl',
    )?.parameterValue;
    return { ...definition, ...(tokenUrl ? { tokenUrl } : {}) };
  }

  private requireNamed(developerName: string): NamedCredentialDefinition {
    const definition = this.definitions.get(developerName);
    if (!definition)
      throw new SalesforceError('NOT_FOUND', `Named credential ${developerName} does not exist`, [], 404);
    return definition;
  }

  private requireExternal(developerName: string): ExternalCredentialDefinition {
    const definition = this.externalCredentials.find((candidate) => candidate.name === developerName);
    if (!definition)
      throw new SalesforceError('NOT_FOUND', `External credential ${developerName} does not exist`, [], 404);
    return definition;
  }

  private namedOutput(definition: NamedCredentialDefinition): NamedCredentialOutput {
    return {
      developerName: definition.name,
      masterLabel: definition.label,
      type: definition.type,
      calloutUrl: definition.calloutUrl,
      calloutOptions: { ...definition.calloutOptions },
      customHeaders: [],
      parameters: [],
      externalCredentials: definition.externalCredential
        ? [
            {
              developerName: definition.externalCredential,
              masterLabel:
                this.externalCredentials.find((candidate) => candidate.name === definition.externalCredential)?.label ??
                definition.externalCredential,
            },
          ]
        : [],
    };
  }

  private externalOutput(definition: ExternalCredentialDefinition): ExternalCredentialOutput {
    return {
      developerName: definition.name,
      masterLabel: definition.label ?? definition.name,
      authenticationProtocol: definition.authenticationProtocol,
      authenticationProtocolVariant: definition.authenticationProtocolVariant ?? null,
      parameters: (this.externalParameters.get(definition.name) ?? []).map((parameter) => ({ ...parameter })),
      principals: definition.principals.map((principal, index) => ({
        principalName: principal.name,
        principalType: principal.type,
        sequenceNumber: index + 1,
        authenticationStatus: this.stored.has(keyOf(definition.name, principal.name, principal.type))
          ? 'Configured'
          : 'NotConfigured',
      })),
      relatedNamedCredentials: [...this.definitions.values()]
        .filter((named) => named.externalCredential === definition.name)
        .map((named) => ({ developerName: named.name, masterLabel: named.label })),
    };
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
