/**
 * On-Demand Synchronisation, as Gentrack's portal has it: direction, entity type and entity id, then Start; and the
 * job's page, which follows it to its end (a script asks for its status; without script the page reloads itself).
 * The job's result names the fields written, never their values (they may be personal data).
 */
import type { OnDemandJob, SyncSystem } from '../connector-operations.js';
import { html, type Html } from '../html.js';
import type { Frame } from '../routes/page-frame.js';
import { page, when } from './layout.js';

export interface OnDemandForm {
  readonly source?: string;
  readonly entityType?: string;
  readonly entityId?: string;
}

const DIRECTIONS: readonly [SyncSystem, string][] = [
  ['Salesforce', 'Salesforce → Gentrack'],
  ['Gentrack', 'Gentrack → Salesforce'],
];

export function onDemandPage(
  frame: Frame,
  data: {
    readonly entityTypes: readonly string[] | undefined;
    readonly form: OnDemandForm;
    readonly problems: readonly string[];
  },
): Html {
  const { form, entityTypes } = data;
  return page(
    { title: 'On-demand synchronisation', section: 'on-demand', ...frame },
    html`<h1>On-demand synchronisation</h1>
      <p>
        Synchronise one record now, as the <em>Sync with Gentrack</em> button on a Salesforce record page does: the same
        sync-jobs path, recorded in the synchronisation history with your name.
      </p>
      ${
        entityTypes === undefined
          ? html`<p class="notice error">
              This portal runs without the relay's sync-jobs runner (the relay does not run in its process), so nothing
              can be synchronised from here.
            </p>`
          : entityTypes.length === 0
            ? html`<p class="notice error">
                The connector model syncs nothing on demand (it has no <code>relay.onDemandSync</code>).
              </p>`
            : html`${
                  data.problems.length
                    ? html`<div class="notice error" role="alert" id="on-demand-problems">
                        <p>Nothing was started:</p>
                        <ul>
                          ${data.problems.map((problem) => html`<li>${problem}</li>`)}
                        </ul>
                      </div>`
                    : ''
                }
                <form method="post" action="/on-demand" class="stacked">
                  <input type="hidden" name="_csrf" value="${frame.viewer.csrfToken}" />
                  <fieldset>
                    <legend>Direction</legend>
                    ${DIRECTIONS.map(
                      ([source, label]) =>
                        html`<label class="choice"
                          ><input
                            type="radio"
                            name="source"
                            value="${source}"
                            ${(form.source ?? 'Salesforce') === source ? html` checked` : ''}
                          />
                          ${label}</label
                        >`,
                    )}
                  </fieldset>
                  <div>
                    <label for="on-demand-type">Entity type</label>
                    <select id="on-demand-type" name="entityType">
                      ${entityTypes.map(
                        (type) =>
                          html`<option value="${type}" ${form.entityType === type ? html` selected` : ''}>
                            ${type}
                          </option>`,
                      )}
                    </select>
                  </div>
                  <div>
                    <label for="on-demand-id">Entity id</label>
                    <input
                      id="on-demand-id"
                      name="entityId"
                      required
                      maxlength="255"
                      value="${form.entityId ?? ''}"
                      aria-describedby="on-demand-id-hint"
                    />
                    <p class="hint" id="on-demand-id-hint">
                      From Salesforce: the record id (15 or 18 characters). From Gentrack: its reference (account or
                      customer number).
                    </p>
                  </div>
                  <button type="submit">Start</button>
                </form>`
      }`,
  );
}

const FINAL = new Set<OnDemandJob['state']>(['succeeded', 'failed']);

export function isFinal(job: OnDemandJob): boolean {
  return FINAL.has(job.state);
}

export function onDemandJobPage(frame: Frame, job: OnDemandJob, followScript: string | undefined): Html {
  const following = !isFinal(job);
  return page(
    {
      title: `On-demand sync ${job.entityType} ${job.entityId}`,
      section: 'on-demand',
      ...frame,
      ...(following ? { refreshSeconds: 2, ...(followScript ? { scripts: [followScript] } : {}) } : {}),
    },
    html`<p><a href="/on-demand">Synchronise another record</a></p>
      <h1>On-demand sync: ${job.entityType} ${job.entityId}</h1>
      <div
        id="job-status"
        aria-live="polite"
        ${following ? html` data-follow-src="/on-demand/jobs/${encodeURIComponent(job.id)}/status"` : ''}
      >
        ${onDemandJobStatus(job)}
      </div>
      ${following ? html`<p class="hint" id="job-following">This page follows the job to its end. <a href="">Refresh</a></p>` : ''}
      <p><a href="/history/${encodeURIComponent(job.id)}">This run in the synchronisation history</a></p>`,
  );
}

/** The job's state and outcome: the part of the page that changes while it runs. */
export function onDemandJobStatus(job: OnDemandJob): Html {
  const state = {
    queued: 'Queued',
    running: 'Running',
    succeeded: 'Succeeded',
    failed: 'Failed',
  }[job.state];
  const tone = job.state === 'succeeded' ? 'ok' : job.state === 'failed' ? 'bad' : 'warn';
  return html`<dl class="details" ${isFinal(job) ? html` data-final="true"` : ''}>
    <dt>State</dt>
    <dd><span class="status ${tone}" id="job-state">${state}</span></dd>
    <dt>Direction</dt>
    <dd>${job.source} → ${job.destination}</dd>
    <dt>Asked by</dt>
    <dd>${job.onBehalfOf}</dd>
    <dt>Asked at</dt>
    <dd>${when(job.createdAt)}</dd>
    ${
      job.finishedAt
        ? html`<dt>Finished</dt>
            <dd>${when(job.finishedAt)}</dd>`
        : ''
    }
    ${
      job.error
        ? html`<dt>Error</dt>
            <dd class="reason" id="job-error"><code>${job.error.code}</code> ${job.error.message}</dd>`
        : ''
    }
    ${
      job.result
        ? html`<dt>Result</dt>
            <dd id="job-result">
              ${job.result.action} in
              ${job.result.system}${job.result.id ? html` as <code>${job.result.id}</code>` : ''}:
              ${Object.keys(job.result.fields).join(', ') || 'no fields'}
            </dd>`
        : ''
    }
  </dl>`;
}
