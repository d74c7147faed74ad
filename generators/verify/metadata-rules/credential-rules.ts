/**
 * External Credentials and Named Credentials (the new, API 56+ model): what the deploy insists on and nothing
 * offline checks. An OAuth External Credential needs its protocol variant and token URL parameters ("requires the
 * following external credential parameter types: AuthProtocolVariant, AuthProviderUrl"); a secured Named Credential
 * needs a URL and an External Credential that exists; custom headers need a sequence number, and may not use $User
 * with a Named Principal (Salesforce Help, "Create and Edit Custom Headers": "If you're using a formula in a custom
 * header and you've chosen Named Principal as your identity type, don't use $User in the formula"): the header
 * would not carry the user, so set it in Apex from UserInfo instead.
 */
import { childrenNamed, childText, type XmlElement } from '../xml-document.js';
import { applyElementRules, optional, required, type Violation } from './element-rules.js';
import type { MetadataDocument } from './metadata-document.js';
import type { ProjectInventory } from './project-inventory.js';

const EXTERNAL_CREDENTIAL_PARAMETER_TYPES = [
  'AuthHeader',
  'AuthParameter',
  'AuthProtocolVariant',
  'AuthProvider',
  'AuthProviderUrl',
  'AuthProviderUrlQueryParameter',
  'AwsStsPrincipal',
  'ExternalAuthIdentityProvider',
  'JwtBodyClaim',
  'JwtHeaderClaim',
  'NamedPrincipal',
  'PerUserPrincipal',
  'SigningCertificate',
] as const;

const OAUTH_VARIANTS = [
  'ClientCredentialsClientSecret',
  'ClientCredentialsClientSecretBasic',
  'ClientCredentialsJwtAssertion',
  'JwtBearer',
  'BrowserFlow',
];

const EXTERNAL_CREDENTIAL_RULES = [
  required('external-credential-label', 'label', { maxLength: 80 }),
  required('external-credential-protocol', 'authenticationProtocol', {
    oneOf: ['AwsSv4', 'Basic', 'Custom', 'Jwt', 'JwtExchange', 'NoAuthentication', 'Oauth'],
  }),
  optional('external-credential-description', 'description', { maxLength: 255 }),
  required('external-credential-parameter-type', 'externalCredentialParameters/parameterType', {
    oneOf: EXTERNAL_CREDENTIAL_PARAMETER_TYPES,
  }),
  required('external-credential-parameter-name', 'externalCredentialParameters/parameterName'),
  optional('external-credential-sequence', 'externalCredentialParameters/sequenceNumber', {
    integer: { min: 1, max: 1_000 },
  }),
];

const NAMED_CREDENTIAL_RULES = [
  required('named-credential-label', 'label', { maxLength: 80 }),
  required('named-credential-type', 'namedCredentialType', { oneOf: ['SecuredEndpoint', 'PrivateEndpoint', 'Legacy'] }),
  optional('named-credential-description', 'description', { maxLength: 255 }),
  optional('named-credential-callout-status', 'calloutStatus', { oneOf: ['Enabled', 'Disabled'] }),
  required('named-credential-parameter-type', 'namedCredentialParameters/parameterType', {
    oneOf: [
      'Url',
      'Authentication',
      'HttpHeader',
      'OutboundNetworkConnection',
      'AllowedManagedPackageNamespaces',
      'ClientCertificate',
    ],
  }),
  required('named-credential-parameter-name', 'namedCredentialParameters/parameterName'),
];

const parametersOf = (root: XmlElement, element: string, type: string) =>
  childrenNamed(root, element).filter((parameter) => childText(parameter, 'parameterType') === type);

export function checkExternalCredential(document: MetadataDocument): Violation[] {
  const { root } = document;
  const violations = applyElementRules(root, EXTERNAL_CREDENTIAL_RULES);
  const of = (type: string) => parametersOf(root, 'externalCredentialParameters', type);
  if (childText(root, 'authenticationProtocol') === 'Oauth') {
    const missing = ['AuthProtocolVariant', 'AuthProviderUrl'].filter((type) => of(type).length === 0);
    if (missing.length > 0) {
      violations.push({
        rule: 'external-credential-oauth-parameters',
        line: root.line,
        message: `an Oauth External Credential requires the external credential parameter types AuthProtocolVariant and AuthProviderUrl; add ${missing.join(' and ')}`,
      });
    }
    for (const variant of of('AuthProtocolVariant')) {
      const value = childText(variant, 'parameterValue') ?? '';
      if (!OAUTH_VARIANTS.includes(value)) {
        violations.push({
          rule: 'external-credential-oauth-parameters',
          line: variant.line,
          message: `'${value}' is not an OAuth protocol variant; use one of ${OAUTH_VARIANTS.join(', ')}`,
        });
      }
    }
    for (const url of of('AuthProviderUrl')) {
      if (!/^https:\/\/\S+$/.test(childText(url, 'parameterValue') ?? '')) {
        violations.push({
          rule: 'external-credential-oauth-parameters',
          line: url.line,
          message: 'the AuthProviderUrl (token URL) must be an https URL',
        });
      }
    }
  }
  for (const principal of [...of('NamedPrincipal'), ...of('PerUserPrincipal')]) {
    if (childText(principal, 'sequenceNumber') === undefined) {
      violations.push({
        rule: 'external-credential-principal',
        line: principal.line,
        message: `principal '${childText(principal, 'parameterName') ?? ''}' needs a <sequenceNumber>`,
      });
    }
  }
  return violations;
}

export function checkNamedCredential(document: MetadataDocument, inventory: ProjectInventory): Violation[] {
  const { root } = document;
  const violations = applyElementRules(root, NAMED_CREDENTIAL_RULES);
  if (childText(root, 'namedCredentialType') !== 'SecuredEndpoint') return violations;
  const of = (type: string) => parametersOf(root, 'namedCredentialParameters', type);
  const urls = of('Url');
  if (urls.length !== 1) {
    violations.push({
      rule: 'named-credential-url',
      line: root.line,
      message: `a SecuredEndpoint Named Credential needs exactly one Url parameter, found ${urls.length}`,
    });
  }
  for (const url of urls) {
    if (!/^https?:\/\/\S+$/.test(childText(url, 'parameterValue') ?? '')) {
      violations.push({
        rule: 'named-credential-url',
        line: url.line,
        message: 'the Url parameter must hold the endpoint URL in <parameterValue>',
      });
    }
  }
  for (const authentication of of('Authentication')) {
    const name = childText(authentication, 'externalCredential');
    if (!name || !inventory.hasExternalCredential(name)) {
      violations.push({
        rule: 'named-credential-external-credential',
        line: authentication.line,
        message: `the Authentication parameter names External Credential '${name ?? ''}', which is not in the project; generate it or fix the name`,
      });
    }
  }
  const namedPrincipal = of('Authentication').some((authentication) =>
    inventory.usesNamedPrincipal(childText(authentication, 'externalCredential') ?? ''),
  );
  for (const header of of('HttpHeader')) {
    if (namedPrincipal && /\$User\./i.test(childText(header, 'parameterValue') ?? '')) {
      violations.push({
        rule: 'named-credential-user-formula',
        line: header.line,
        message: `custom header '${childText(header, 'parameterName') ?? ''}' uses $User with a Named Principal External Credential, which Salesforce does not support; set the header in Apex (UserInfo.getUserName())`,
      });
    }
    if (childText(header, 'parameterValue') === undefined || childText(header, 'sequenceNumber') === undefined) {
      violations.push({
        rule: 'named-credential-header',
        line: header.line,
        message: `custom header '${childText(header, 'parameterName') ?? ''}' needs a <parameterValue> (a formula) and a <sequenceNumber>`,
      });
    }
  }
  return violations;
}
