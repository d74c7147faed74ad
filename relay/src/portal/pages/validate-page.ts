/**
 * Validate Data Model: the last run of validate-org's check (what it found, with the fix for each item that is not
 * right, who ran it and when), and the button that runs it again.
 */
import type { DataModelValidation } from '../connector-operations.js';
import { html, type Html } from '../html.js';
import { may } from '../roles.js';
import type { Frame } from '../routes/page-frame.js';
import { dataTable, page, when } from './layout.js';

export interface ValidationRun {
  readonly at: number;
  readonly by: string;
  readonly validation?: DataModelValidation;
  /** Why the check could not run (Salesforce unreachable, no session). */
  readonly error?: string;
}

const STATUS_LABELS = { ok: 'OK', missing: 'Missing', wrong: 'Wrong' } as const;

export function validatePage(frame: Frame, data: { readonly last?: ValidationRun; readonly available: boolean }): Html {
  const { last } = data;
  const canRun = may(frame.viewer.role, 'validate-data-model');
  return page(
    { title: 'Validate Data Model', section: 'validate', ...frame },
    html`<h1>Validate Data Model</h1>
      <p>
        Checks that the Salesforce org has everything the connector needs: the fields of the model with their types,
        lengths and External ID flags, the platform event, the kill-switch setting, the permission sets, the triggers,
        Contacts to Multiple Accounts and Quotes. The same check as <code>gentrack-sf validate-org</code>, run as the
        relay's integration user.
      </p>
      ${
        !data.available
          ? html`<p class="notice error">
              This portal has no Salesforce session (the relay does not run in its process), so the check cannot run
              here: use <code>gentrack-sf validate-org</code>.
            </p>`
          : canRun
            ? html`<form method="post" action="/validate-data-model" class="actions">
                <input type="hidden" name="_csrf" value="${frame.viewer.csrfToken}" />
                <button type="submit">Validate the data model</button>
              </form>`
            : html`<p class="hint">Operators and admins can run the check.</p>`
      }
      ${last ? lastRun(last) : html`<p id="validation-summary">The check has not run since the relay started.</p>`}`,
  );
}

function lastRun(last: ValidationRun): Html {
  const heading = html`<h2>Last run</h2>
    <p class="hint">Run by ${last.by} at ${when(last.at)}.</p>`;
  if (!last.validation) {
    return html`${heading}
      <p class="notice error" id="validation-summary">The check could not run: ${last.error ?? 'unknown error'}</p>`;
  }
  const { findings, problems } = last.validation;
  // Problems first: they are what someone opening this page came for.
  const ordered = [...problems, ...findings.filter((finding) => finding.status === 'ok')];
  return html`${heading}
    <p class="notice ${problems.length ? 'error' : 'success'}" id="validation-summary">
      ${
        problems.length === 0
          ? `All ${findings.length} checks passed: the org has everything the connector needs.`
          : `${problems.length} of ${findings.length} checks found something missing or wrong: the fix for each is below.`
      }
    </p>
    ${dataTable({
      className: 'validation',
      label: 'Validate Data Model results',
      caption: 'What was checked, what was found, and the fix',
      headers: ['Status', 'Item', 'Found', 'Fix'],
      rows: ordered.map(
        (finding) =>
          html`<tr class="${finding.status}">
            <td><span class="status ${finding.status}">${STATUS_LABELS[finding.status]}</span></td>
            <td>${finding.check}</td>
            <td>${finding.detail}</td>
            <td class="fix">${finding.fix ?? ''}</td>
          </tr>`,
      ),
    })}`;
}
