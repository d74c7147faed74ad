/**
 * Points the org at this relay through the Connect REST API (58.0+): the Named Credential Gentrack_Relay's URL (the
 * relay API's root, under which the sync-jobs API and the Gentrack gateway are), the External Credential's token URL (the relay's /oauth/token), and the
 * principal's client id and secret (issued by the relay, pushed as `credentials create` does). Each is read back.
 */
import {
  RELAY_API_PATH,
  RELAY_CREDENTIAL_PRINCIPAL,
  RELAY_EXTERNAL_CREDENTIAL,
  RELAY_NAMED_CREDENTIAL,
  RELAY_TOKEN_PATH,
} from '../../../model/connector-fields.js';
import type { IssuedCredentials } from '../platform/api-auth/credential-lifecycle.js';
import { pushClientCredentials } from '../platform/salesforce/external-credential-push.js';
import type { OrgConnection } from '../platform/salesforce/org-connection.js';
import { already, done, failed, manual, salesforceMessage, type SetupStepResult } from './setup-step.js';

const SETUP_PATH = 'Setup > Named Credentials';

interface NamedCredentialView {
  readonly developerName: string;
  readonly masterLabel: string;
  readonly type: string;
  readonly calloutUrl: string;
  readonly calloutOptions: Record<string, boolean>;
  readonly customHeaders?: readonly unknown[];
  readonly externalCredentials: readonly { readonly developerName: string }[];
}

interface ExternalCredentialView {
  readonly developerName: string;
  readonly masterLabel: string;
  readonly authenticationProtocol: string;
  readonly authenticationProtocolVariant?: string | null;
  readonly parameters: readonly { parameterName: string; parameterType: string; parameterValue?: string }[];
}

const connect = (connection: OrgConnection) => `/services/data/v${connection.version}/named-credentials`;

async function getJson<T>(connection: OrgConnection, url: string): Promise<T> {
  return (await connection.request({ method: 'GET', url })) as T;
}

async function putJson<T>(connection: OrgConnection, url: string, body: unknown): Promise<T> {
  return (await connection.request({
    method: 'PUT',
    url,
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  })) as T;
}

/** The Named Credential's URL is the relay API's root: the Apex adds the tenant's sync-jobs path or the gateway's. */
export function relayUrls(relayBaseUrl: string): { calloutUrl: string; tokenUrl: string } {
  const base = relayBaseUrl.replace(/\/+$/, '');
  return { calloutUrl: base + RELAY_API_PATH, tokenUrl: base + RELAY_TOKEN_PATH };
}

export async function setNamedCredentialUrl(connection: OrgConnection, calloutUrl: string): Promise<SetupStepResult> {
  const step = `Named Credential ${RELAY_NAMED_CREDENTIAL} URL`;
  const url = `${connect(connection)}/named-credential-setup/${RELAY_NAMED_CREDENTIAL}`;
  try {
    const current = await getJson<NamedCredentialView>(connection, url);
    if (current.calloutUrl === calloutUrl) return already(step, calloutUrl);
    // PUT replaces the definition: everything but the URL is sent back as it was.
    await putJson(connection, url, {
      developerName: current.developerName,
      masterLabel: current.masterLabel,
      type: current.type,
      calloutUrl,
      calloutOptions: current.calloutOptions,
      customHeaders: current.customHeaders ?? [],
      externalCredentials: current.externalCredentials.map((external) => ({ developerName: external.developerName })),
    });
    const after = await getJson<NamedCredentialView>(connection, url);
    if (after.calloutUrl !== calloutUrl)
      return failed(
        step,
        `reads back ${after.calloutUrl}`,
        `${SETUP_PATH} > ${RELAY_NAMED_CREDENTIAL} > Edit: URL ${calloutUrl}`,
      );
    return done(step, `${current.calloutUrl} -> ${calloutUrl}`);
  } catch (error) {
    return failed(
      step,
      salesforceMessage(error),
      `${SETUP_PATH} > ${RELAY_NAMED_CREDENTIAL} > Edit: URL ${calloutUrl} (deploy force-app first if it is missing)`,
    );
  }
}

export async function setTokenUrl(connection: OrgConnection, tokenUrl: string): Promise<SetupStepResult> {
  const step = `External Credential ${RELAY_EXTERNAL_CREDENTIAL} token URL`;
  const url = `${connect(connection)}/external-credentials/${RELAY_EXTERNAL_CREDENTIAL}`;
  const isTokenUrl = (parameter: { parameterType: string }) => parameter.parameterType === 'AuthProviderUrl';
  try {
    const current = await getJson<ExternalCredentialView>(connection, url);
    const found = current.parameters.find(isTokenUrl)?.parameterValue;
    if (found === tokenUrl) return already(step, tokenUrl);
    await putJson(connection, url, {
      developerName: current.developerName,
      masterLabel: current.masterLabel,
      authenticationProtocol: current.authenticationProtocol,
      ...(current.authenticationProtocolVariant
        ? { authenticationProtocolVariant: current.authenticationProtocolVariant }
        : {}),
      parameters: [
        ...current.parameters.filter((parameter) => !isTokenUrl(parameter)),
        { parameterName: 'AuthProviderUrl', parameterType: 'AuthProviderUrl', parameterValue: tokenUrl },
      ],
    });
    const after = await getJson<ExternalCredentialView>(connection, url);
    if (after.parameters.find(isTokenUrl)?.parameterValue !== tokenUrl) {
      return failed(
        step,
        'the new token URL does not read back',
        `${SETUP_PATH} > External Credentials > ${RELAY_EXTERNAL_CREDENTIAL} > Edit: Identity Provider URL ${tokenUrl}`,
      );
    }
    return done(step, `${found ?? '(none)'} -> ${tokenUrl}`);
  } catch (error) {
    return failed(
      step,
      salesforceMessage(error),
      `${SETUP_PATH} > External Credentials > ${RELAY_EXTERNAL_CREDENTIAL} > Edit: Identity Provider URL ${tokenUrl}`,
    );
  }
}

/**
 * The principal needs the relay's client id and secret. Only the relay can issue them (it keeps their hash), so
 * `issue` is given when setup runs with the relay's store at hand; otherwise this is left to `credentials create`.
 */
export async function configurePrincipal(
  connection: OrgConnection,
  issue: (() => Promise<IssuedCredentials>) | undefined,
): Promise<SetupStepResult> {
  const step = `External Credential principal ${RELAY_CREDENTIAL_PRINCIPAL}`;
  const query = new URLSearchParams({
    externalCredential: RELAY_EXTERNAL_CREDENTIAL,
    principalName: RELAY_CREDENTIAL_PRINCIPAL,
    principalType: 'NamedPrincipal',
  });
  const status = async () =>
    (await getJson<{ authenticationStatus?: string }>(connection, `${connect(connection)}/credential?${query}`))
      .authenticationStatus;
  const byHand = `${SETUP_PATH} > External Credentials > ${RELAY_EXTERNAL_CREDENTIAL} > Principals > ${RELAY_CREDENTIAL_PRINCIPAL}`;
  try {
    if ((await status()) === 'Configured') return already(step, 'holds a client id and secret');
    if (!issue) {
      return manual(
        step,
        'holds no client id and secret',
        'run setup (or credentials create) with --config <relay.yaml> where the relay store is, so the relay issues them and pushes them here',
      );
    }
    const issued = await issue();
    await pushClientCredentials(connection, connection.version, {
      externalCredential: RELAY_EXTERNAL_CREDENTIAL,
      principalName: RELAY_CREDENTIAL_PRINCIPAL,
      clientId: issued.client.clientId,
      clientSecret: issued.clientSecret,
    });
    if ((await status()) !== 'Configured') return failed(step, 'still not configured after the push', byHand);
    return done(step, `the relay issued client ${issued.client.clientId}; its secret is in Salesforce only`);
  } catch (error) {
    return failed(step, salesforceMessage(error), byHand);
  }
}
