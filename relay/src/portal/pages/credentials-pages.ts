/**
 * Named Credentials: the relay API client that Salesforce's Named Credential Gentrack_Relay uses, with Create,
 * Rotate and Revoke; the new secret shown once (selectable text, with a copy button when script runs); and what
 * happened in Salesforce's External Credential, or the Setup path to do it by hand.
 */
import { RELAY_CREDENTIAL_PRINCIPAL, RELAY_EXTERNAL_CREDENTIAL } from '../../../../model/connector-fields.js';
import type { ApiClient } from '../../platform/api-auth/api-client-store.js';
import {
  CREDENTIALS_SETUP_PATH,
  salesforceCredentialsReport,
  type CredentialsChange,
} from '../../platform/api-auth/manage-credentials.js';
import { html, type Html } from '../html.js';
import type { Frame } from '../routes/page-frame.js';
import { page, when } from './layout.js';

export function credentialsPage(frame: Frame, client: ApiClient | undefined): Html {
  const active = client?.status === 'active';
  const token = html`<input type="hidden" name="_csrf" value="${frame.viewer.csrfToken}" />`;
  return page(
    { title: 'Named Credentials', section: 'credentials', ...frame },
    html`<h1>Named Credentials</h1>
      <p>
        Salesforce calls the relay (on-demand syncs, the Gentrack API gateway) through the Named Credential
        <code>Gentrack_Relay</code>, whose External Credential <code>${RELAY_EXTERNAL_CREDENTIAL}</code> holds this
        relay API client's id and secret (principal <code>${RELAY_CREDENTIAL_PRINCIPAL}</code>). The relay keeps only a
        hash of the secret: a new one is shown once, here, and pushed into Salesforce.
      </p>
      <h2>API client</h2>
      ${
        client
          ? html`<dl class="details" id="api-client">
              <dt>Client id</dt>
              <dd><code>${client.clientId}</code></dd>
              <dt>Status</dt>
              <dd>${client.status}</dd>
              <dt>Created</dt>
              <dd>${when(client.createdAt)}</dd>
              <dt>Secret set</dt>
              <dd>${when(client.secretSetAt)}</dd>
              ${
                client.revokedAt
                  ? html`<dt>Revoked</dt>
                      <dd>${when(client.revokedAt)}</dd>`
                  : ''
              }
            </dl>`
          : html`<p id="api-client">No API client yet: Salesforce cannot call the relay until one is created.</p>`
      }
      <div class="actions">
        ${
          active
            ? html`<form method="post" action="/credentials/rotate">
                  ${token}
                  <button type="submit">Rotate the secret</button>
                </form>
                <a class="button danger" href="/credentials/revoke">Revoke…</a>`
            : html`<form method="post" action="/credentials/create">
                ${token}
                <button type="submit">Create the API client</button>
              </form>`
        }
      </div>
      <p class="hint">
        Rotating gives the client a new secret at once: the old one can no longer get tokens (tokens it already got stay
        valid until they expire). Revoking stops every secret from getting tokens.
      </p>`,
  );
}

export function revokeConfirmPage(frame: Frame, client: ApiClient, tokenTtlSeconds: number): Html {
  return page(
    { title: 'Revoke the API client?', section: 'credentials', ...frame },
    html`<h1>Revoke API client ${client.clientId}?</h1>
      <p>
        No secret of this client will get a token any more, and its credentials are removed from the External Credential
        in Salesforce: on-demand syncs and Gentrack API calls from Salesforce stop working (tokens already issued until
        they expire, at most ${tokenTtlSeconds} s) until a new client is created.
      </p>
      <form method="post" action="/credentials/revoke" class="actions">
        <input type="hidden" name="_csrf" value="${frame.viewer.csrfToken}" />
        <input type="hidden" name="confirm" value="yes" />
        <button type="submit" class="danger">Revoke for good</button>
        <a class="button" href="/credentials">Keep it</a>
      </form>`,
  );
}

/** The outcome of create or rotate: the only page that ever shows the secret. */
export function newSecretPage(frame: Frame, change: CredentialsChange, copyScript: string | undefined): Html {
  return page(
    {
      title: change.action === 'create' ? 'API client created' : 'Secret rotated',
      section: 'credentials',
      ...frame,
      ...(copyScript ? { scripts: [copyScript] } : {}),
    },
    html`<h1>${change.action === 'create' ? 'API client created' : 'Secret rotated'}</h1>
      <p class="notice" role="status">
        ${change.action === 'create' ? 'Created' : 'Rotated the secret of'} API client <code>${change.clientId}</code>.
        ${change.action === 'rotate' ? 'The old secret can no longer get tokens.' : ''}
      </p>
      <dl class="details">
        <dt>Client id</dt>
        <dd><code id="client-id">${change.clientId}</code></dd>
        <dt id="client-secret-label">Client secret</dt>
        <dd>
          <code id="client-secret" class="secret" tabindex="0" aria-labelledby="client-secret-label"
            >${change.clientSecret?.reveal() ?? ''}</code
          >
          <button type="button" class="copy" data-copy-target="client-secret" hidden>Copy the secret</button>
          <span class="copy-status" role="status" aria-live="polite"></span>
        </dd>
      </dl>
      <p class="hint">
        This is the only time the secret is shown: the relay keeps only its hash. Leaving this page forgets it.
      </p>
      <h2>Salesforce</h2>
      ${salesforcePart(change)}
      <p><a href="/credentials">Back to Named Credentials</a></p>`,
  );
}

/** What happened in the org's External Credential, in words, with the Setup path when it is left to do by hand. */
export function salesforcePart(change: CredentialsChange): Html {
  if (change.salesforce === 'not pushed') {
    return html`<p class="notice error" id="salesforce-outcome">
      This portal has no Salesforce session, so nothing was pushed:
      ${change.clientSecret ? 'enter the client id and secret above in' : 'remove the client secret in'}
      <strong>${CREDENTIALS_SETUP_PATH}</strong>.
    </p>`;
  }
  const [first, ...rest] = salesforceCredentialsReport(change);
  return html`<p class="notice ${change.salesforce === 'failed' ? 'error' : ''}" id="salesforce-outcome">
    ${first}${rest.map((line) => html`<br />${line}`)}
  </p>`;
}
