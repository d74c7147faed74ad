/**
 * The External Credential and Named Credential rules on in-memory documents: each fires on the mistake it describes
 * and stays quiet on the form the generator writes.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findUnknownElements } from '../../generators/verify/metadata-rules/allowed-elements.js';
import {
  checkExternalCredential,
  checkNamedCredential,
} from '../../generators/verify/metadata-rules/credential-rules.js';
import type { MetadataDocument, ValidatedType } from '../../generators/verify/metadata-rules/metadata-document.js';
import { checkPermissionSet } from '../../generators/verify/metadata-rules/permission-set-rules.js';
import { buildInventory } from '../../generators/verify/metadata-rules/project-inventory.js';
import { parseXmlDocument } from '../../generators/verify/xml-document.js';
import { PROJECT_ROOT } from '../../model/project-root.js';

function document(type: ValidatedType, name: string, body: string): MetadataDocument {
  const root = parseXmlDocument(
    `<?xml version="1.0" encoding="UTF-8"?>\n<${type} xmlns="http://soap.sforce.com/2006/04/metadata">\n${body}\n</${type}>\n`,
  );
  return { type, file: `/project/${name}`, name, fileName: name, root };
}

const rulesOf = (violations: readonly { rule: string }[]): string[] =>
  violations.map((violation) => violation.rule).sort();

const parameter = (group: string, name: string, type: string, value?: string, sequence?: number) =>
  `<externalCredentialParameters><parameterGroup>${group}</parameterGroup><parameterName>${name}</parameterName><parameterType>${type}</parameterType>` +
  `${value === undefined ? '' : `<parameterValue>${value}</parameterValue>`}${sequence === undefined ? '' : `<sequenceNumber>${sequence}</sequenceNumber>`}</externalCredentialParameters>`;

const VALID_EXTERNAL = [
  '<authenticationProtocol>Oauth</authenticationProtocol>',
  parameter('DefaultGroup', 'Oauth', 'AuthProtocolVariant', 'ClientCredentialsClientSecret'),
  parameter('DefaultGroup', 'AuthProviderUrl', 'AuthProviderUrl', 'https://relay.example.com/oauth/token'),
  parameter('Relay_Client', 'Relay_Client', 'NamedPrincipal', undefined, 1),
  '<label>Relay</label>',
].join('\n');

const namedParameter = (name: string, type: string, inner: string) =>
  `<namedCredentialParameters><parameterName>${name}</parameterName><parameterType>${type}</parameterType>${inner}</namedCredentialParameters>`;

const VALID_NAMED = [
  '<label>Relay</label>',
  namedParameter('Url', 'Url', '<parameterValue>https://relay.example.com/v1</parameterValue>'),
  namedParameter('ExternalCredential', 'Authentication', '<externalCredential>Relay</externalCredential>'),
  namedParameter(
    'X-Caller',
    'HttpHeader',
    '<parameterValue>"salesforce"</parameterValue><sequenceNumber>1</sequenceNumber>',
  ),
  '<namedCredentialType>SecuredEndpoint</namedCredentialType>',
].join('\n');

test('an OAuth client-credentials External Credential passes; missing token URL, bad variant and principal without sequence do not', () => {
  const valid = document('ExternalCredential', 'Relay', VALID_EXTERNAL);
  assert.deepEqual(rulesOf(checkExternalCredential(valid)), []);
  assert.deepEqual(findUnknownElements(valid.root, 'ExternalCredential'), []);

  const broken = document(
    'ExternalCredential',
    'Relay',
    [
      '<authenticationProtocol>Oauth</authenticationProtocol>',
      parameter('DefaultGroup', 'Oauth', 'AuthProtocolVariant', 'ClientSecretPlease'),
      parameter('Relay_Client', 'Relay_Client', 'NamedPrincipal'),
      '<label>Relay</label>',
    ].join('\n'),
  );
  const violations = checkExternalCredential(broken);
  assert.deepEqual(rulesOf(violations), [
    'external-credential-oauth-parameters',
    'external-credential-oauth-parameters',
    'external-credential-principal',
  ]);
  assert.match(violations.map((v) => v.message).join('\n'), /add AuthProviderUrl/);
  assert.deepEqual(
    findUnknownElements(
      document('ExternalCredential', 'Relay', `${VALID_EXTERNAL}<principals/>`).root,
      'ExternalCredential',
    ).map((v) => v.rule),
    ['unknown-element'],
  );
});

test('a secured Named Credential needs its URL, an External Credential of the project, and sequenced headers', () => {
  const inventory = buildInventory([document('ExternalCredential', 'Relay', VALID_EXTERNAL)]);
  const valid = document('NamedCredential', 'Relay', VALID_NAMED);
  assert.deepEqual(rulesOf(checkNamedCredential(valid, inventory)), []);
  assert.deepEqual(findUnknownElements(valid.root, 'NamedCredential'), []);

  const broken = document(
    'NamedCredential',
    'Relay',
    [
      '<label>Relay</label>',
      namedParameter('ExternalCredential', 'Authentication', '<externalCredential>Gentrack_Rely</externalCredential>'),
      namedParameter('X-On-Behalf-Of', 'HttpHeader', '<parameterValue>{!$User.Username}</parameterValue>'),
      '<namedCredentialType>SecuredEndpoint</namedCredentialType>',
    ].join('\n'),
  );
  assert.deepEqual(rulesOf(checkNamedCredential(broken, inventory)), [
    'named-credential-external-credential',
    'named-credential-header',
    'named-credential-url',
  ]);
});

test('a $User formula in a custom header of a Named Principal credential is refused (Salesforce does not evaluate it)', () => {
  const inventory = buildInventory([document('ExternalCredential', 'Relay', VALID_EXTERNAL)]);
  const withUser = document(
    'NamedCredential',
    'Relay',
    VALID_NAMED.replace(
      '<parameterValue>"salesforce"</parameterValue>',
      '<parameterValue>{!$User.Username}</parameterValue>',
    ),
  );
  const violations = checkNamedCredential(withUser, inventory);
  assert.deepEqual(rulesOf(violations), ['named-credential-user-formula']);
  assert.match(violations[0]!.message, /set the header in Apex \(UserInfo\.getUserName\(\)\)/);

  const perUser = buildInventory([
    document(
      'ExternalCredential',
      'Relay',
      VALID_EXTERNAL.replace("'NamedPrincipal'", '').replace('NamedPrincipal', 'PerUserPrincipal'),
    ),
  ]);
  assert.deepEqual(rulesOf(checkNamedCredential(withUser, perUser)), [], 'a per-user principal evaluates $User');
});

test('the generated Named Credential holds no $User formula: the sync controller sets X-On-Behalf-Of itself', () => {
  const generated = readFileSync(
    path.join(PROJECT_ROOT, 'force-app/main/default/namedCredentials/Gentrack_Relay.namedCredential-meta.xml'),
    'utf8',
  );
  assert.doesNotMatch(generated, /\$User/);
  const controller = readFileSync(
    path.join(PROJECT_ROOT, 'force-app/main/default/classes/GentrackSyncController.cls'),
    'utf8',
  );
  assert.match(controller, /request\.setHeader\('X-On-Behalf-Of', UserInfo\.getUserName\(\)\);/);
});

test('a permission set may grant only principals of External Credentials in the project', () => {
  const inventory = buildInventory([document('ExternalCredential', 'Relay', VALID_EXTERNAL)]);
  const grant = (principal: string) =>
    document(
      'PermissionSet',
      'Users',
      `<externalCredentialPrincipalAccesses><enabled>true</enabled><externalCredentialPrincipal>${principal}</externalCredentialPrincipal></externalCredentialPrincipalAccesses><label>Users</label>`,
    );
  assert.deepEqual(rulesOf(checkPermissionSet(grant('Relay-Relay_Client'), inventory)), []);
  assert.deepEqual(rulesOf(checkPermissionSet(grant('Relay-Other_Client'), inventory)), ['permission-set-reference']);
});
