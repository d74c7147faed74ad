/**
 * The Initial Data Synchronisation pages: the run (live while it runs, then its outcome), the choice of an extract,
 * the checks of that extract with the confirmation that names the outage window and the kill switch, and Start. The
 * run's part is one fragment, rendered for the page and again for each live update.
 */
import { KILL_SWITCH_FIELD, SETTINGS_OBJECT } from '../../../../model/connector-fields.js';
import { html, type Html } from '../html.js';
import type { PreflightView, RunView, StageView } from '../initial-sync-control.js';
import { dataTable, page, when, type PageAssets, type Viewer } from './layout.js';

interface Frame {
  readonly viewer: Viewer;
  readonly assets: PageAssets;
  readonly notice?: { readonly text: string; readonly kind: 'success' | 'error' };
}

export interface InitialSyncPageData {
  /** Undefined when the page is not turned on (config portal.initialSync). */
  readonly setup?: { readonly extractRoot: string; readonly folders: readonly string[] };
  readonly run?: RunView;
  readonly canRun: boolean;
  /** Why the extract chosen was refused, shown at the field. */
  readonly refusal?: { readonly extract: string; readonly message: string };
}

const KILL_SWITCH = `${SETTINGS_OBJECT}.${KILL_SWITCH_FIELD}`;
const number = (value: number | undefined) => (value === undefined ? '' : value.toLocaleString('en-US'));

export function initialSyncPage(frame: Frame, data: InitialSyncPageData): Html {
  const { setup, run, canRun } = data;
  const running = run?.state === 'running' || run?.state === 'cancelling';
  return page(
    { title: 'Initial Data Synchronisation', section: 'initial-sync', ...frame },
    html`<h1>Initial Data Synchronisation</h1>
      <p>
        Loads a Gentrack extract into Salesforce over Bulk API 2.0, upserting by External ID: accounts, then contacts,
        then their relationships. Publishing to Gentrack is disabled for the whole run and put back when it ends.
      </p>
      ${
        setup
          ? ''
          : html`<p class="notice error" id="not-configured">
              Not turned on: set <code>portal.initialSync.extractRoot</code> in the relay's configuration to the folder
              on the relay host that holds the extracts, and restart the relay.
            </p>`
      }
      ${
        run
          ? html`<h2>${running ? 'The run now' : 'The last run'}</h2>
              <div id="run" data-live-src="/initial-sync/status" data-live-interval="1000">
                ${runFragment(run, { canCancel: canRun, csrfToken: frame.viewer.csrfToken })}
              </div>`
          : html`<p id="no-run">No initial synchronisation has run yet.</p>`
      }
      ${setup && canRun && !running ? chooseForm(frame.viewer.csrfToken, setup, data.refusal) : ''}
      ${
        setup && !canRun
          ? html`<p class="hint">
              Your role (${frame.viewer.role}) can follow runs here; operators and admins start them.
            </p>`
          : ''
      }`,
  );
}

function chooseForm(
  csrfToken: string,
  setup: NonNullable<InitialSyncPageData['setup']>,
  refusal: InitialSyncPageData['refusal'],
): Html {
  return html`<h2>Check an extract</h2>
    <form method="post" action="/initial-sync/preflight" class="extract-choice">
      <input type="hidden" name="_csrf" value="${csrfToken}" />
      <label for="extract">Extract folder, under <code>${setup.extractRoot}</code></label>
      <input
        id="extract"
        name="extract"
        list="extract-folders"
        autocomplete="off"
        value="${refusal?.extract ?? ''}"
        aria-describedby="extract-hint${refusal ? ' extract-error' : ''}"
        ${refusal ? html` aria-invalid="true"` : ''}
      />
      <datalist id="extract-folders">
        ${setup.folders.map((folder) => html`<option value="${folder}"></option>`)}
      </datalist>
      <p class="hint" id="extract-hint">
        ${
          setup.folders.length > 0
            ? html`Folders there: ${setup.folders.join(', ')}.`
            : 'There is no folder there yet: copy the extract (accounts, contacts and relations files) into one.'
        }
        The checks change nothing; you confirm before anything is loaded.
      </p>
      ${refusal ? html`<p class="notice error" id="extract-error" role="alert">${refusal.message}</p>` : ''}
      <button type="submit">Check the extract</button>
    </form>`;
}

/** The run: who, what, the stages with their counts, the records done, and how it ended. */
export function runFragment(run: RunView, options: { readonly canCancel: boolean; readonly csrfToken: string }): Html {
  const running = run.state === 'running' || run.state === 'cancelling';
  return html`<p>
      Run <code>${run.runId}</code> of <code>${run.extract}</code>, started by ${run.initiatedBy} at
      ${when(run.startedAt)}${run.endedAt ? html`, ended at ${when(run.endedAt)}` : ''}.
    </p>
    ${
      running
        ? html`<p id="run-state">
              ${
                run.state === 'cancelling'
                  ? `Cancelling (asked by ${run.cancelledBy}): the load stops at its next row, then publishing is re-enabled.`
                  : 'Running: publishing to Gentrack is disabled until the run ends.'
              }
            </p>
            <p>
              <label for="run-progress">Records done</label>
              <progress id="run-progress" max="${Math.max(run.total, 1)}" value="${Math.min(run.done, run.total)}">
                ${number(run.done)} of ${number(run.total)}
              </progress>
              <span id="run-records">${number(run.done)} of ${number(run.total)}</span>
            </p>`
        : ''
    }
    ${run.state === 'unfinished' ? html`<p class="notice error" id="run-outcome">Unfinished: the relay stopped during this run. Check that publishing is enabled (<code>${KILL_SWITCH}</code>).</p>` : ''}
    ${run.outcome ? outcome(run) : ''}
    ${dataTable({
      className: 'stages',
      label: 'Stages of the run',
      caption: 'Stages of the run, in order',
      headers: ['Stage', 'State', 'Read', 'Created', 'Updated', 'Unchanged', 'Not loaded'],
      rows: run.stages.map((stage) => stageRow(stage)),
    })}
    ${email(run)}
    ${
      running && options.canCancel && run.state === 'running'
        ? html`<form method="post" action="/initial-sync/cancel" class="actions">
            <input type="hidden" name="_csrf" value="${options.csrfToken}" />
            <button type="submit" class="danger">Cancel the run</button>
            <span class="hint">Stops at the next row; publishing is re-enabled all the same.</span>
          </form>`
        : ''
    }`;
}

function outcome(run: RunView): Html {
  const notLoaded = run.stages.reduce((sum, stage) => sum + notLoadedOf(stage), 0);
  const report = run.reportUrl
    ? html` <a href="${run.reportUrl}" id="report-link">The report of the rows that did not load, in Salesforce</a>.`
    : '';
  const file = run.reportFile ? html` On the relay host: <code>${run.reportFile}</code>.` : '';
  if (run.outcome === 'completed')
    return html`<p class="notice success" id="run-outcome">Completed: every row loaded.</p>`;
  if (run.outcome === 'completed with errors')
    return html`<p class="notice error" id="run-outcome">
      Completed with errors: ${number(notLoaded)} row${notLoaded === 1 ? '' : 's'} did not load.${report}${file}
    </p>`;
  return html`<p class="notice error" id="run-outcome">
    Failed at stage “${run.failedStage ?? 'unknown'}”: ${run.error ?? 'no reason recorded'}.${report}${file}
  </p>`;
}

function notLoadedOf(stage: StageView): number {
  const counts = stage.counts;
  return counts ? (counts['unmapped'] ?? 0) + (counts['failed'] ?? 0) + (counts['unprocessed'] ?? 0) : 0;
}

function stageRow(stage: StageView): Html {
  const counts = stage.counts;
  return html`<tr class="stage ${stage.state.replace(/ /g, '-')}">
    <th scope="row">${stage.name}</th>
    <td>${stage.state}${stage.error ? html`<br /><span class="reason">${stage.error}</span>` : ''}</td>
    <td>${number(counts?.['read'])}</td>
    <td>${number(counts?.['created'])}</td>
    <td>${number(counts?.['updated'])}</td>
    <td>${number(counts?.['unchanged'])}</td>
    <td>${counts ? number(notLoadedOf(stage)) : ''}</td>
  </tr>`;
}

function email(run: RunView): Html | '' {
  switch (run.email?.state) {
    case 'sent':
      return html`<p id="run-email">The outcome was emailed to ${run.email.to.join(', ')}.</p>`;
    case 'failed':
      return html`<p class="notice error" id="run-email">The outcome email was not sent: ${run.email.error}</p>`;
    case 'sending':
      return html`<p id="run-email">The outcome will be emailed when the run ends.</p>`;
    case 'off':
      return html`<p class="hint" id="run-email">
        No outcome email: the relay's configuration has no <code>email</code> section.
      </p>`;
    default:
      return '';
  }
}

/** The checks' results and, when they passed, the confirmation that starts the run. */
export function preflightPage(
  frame: Frame,
  data: { readonly extract: string; readonly preflight: PreflightView; readonly recipients: readonly string[] },
): Html {
  const { preflight } = data;
  return page(
    { title: `Check of ${data.extract}`, section: 'initial-sync', ...frame },
    html`<p><a href="/initial-sync">Initial Data Synchronisation</a></p>
      <h1>Check of <code>${data.extract}</code></h1>
      ${
        preflight.ok
          ? html`<p class="notice success" id="preflight-outcome" role="status">
              The checks passed: the org has what the connector needs, Gentrack answers, and the extract is readable.
            </p>`
          : html`<p class="notice error" id="preflight-outcome" role="alert">
              The checks failed: ${preflight.error}. Nothing was changed.
            </p>`
      }
      ${
        preflight.files.length > 0
          ? dataTable({
              className: 'extract-files',
              label: 'Files to load',
              caption: 'The extract files that would load, in load order',
              headers: ['File', 'Salesforce object', 'Records'],
              rows: preflight.files.map(
                (file) =>
                  html`<tr>
                    <td><code>${file.name}</code></td>
                    <td>${file.object}</td>
                    <td>${number(file.records)}</td>
                  </tr>`,
              ),
            })
          : ''
      }
      ${
        preflight.notes.length > 0
          ? html`<h2>Notes</h2>
              <ul class="notes">
                ${preflight.notes.map((note) => html`<li>${note}</li>`)}
              </ul>`
          : ''
      }
      ${preflight.ok ? confirmForm(frame.viewer.csrfToken, data) : html`<p><a href="/initial-sync">Choose again</a></p>`}`,
  );
}

function confirmForm(
  csrfToken: string,
  data: { readonly extract: string; readonly preflight: PreflightView; readonly recipients: readonly string[] },
): Html {
  return html`<h2>Start</h2>
    <form method="post" action="/initial-sync/start" class="confirm">
      <input type="hidden" name="_csrf" value="${csrfToken}" />
      <input type="hidden" name="extract" value="${data.extract}" />
      <div class="outage" id="outage">
        <p>
          <strong>Outage window:</strong> from Start until the run ends (about ${number(data.preflight.total)} records),
          publishing to Gentrack is disabled org-wide. The kill switch <code>${KILL_SWITCH}</code> is turned on, so
          changes people make in Salesforce in that window are <strong>not</strong> sent to Gentrack.
        </p>
        <p>
          When the run ends (completed, failed or cancelled) the kill switch is put back as it was. Cancelling stops at
          the next row. ${data.recipients.length > 0 ? `The outcome is emailed to ${data.recipients.join(', ')}.` : ''}
        </p>
      </div>
      <p class="check">
        <input type="checkbox" id="confirm" name="confirm" value="yes" required />
        <label for="confirm"
          >I understand that publishing is disabled (kill switch <code>${KILL_SWITCH_FIELD}</code> on) until the run
          ends</label
        >
      </p>
      <div class="actions">
        <button type="submit">Start the initial synchronisation</button>
        <a class="button" href="/initial-sync">Back without starting</a>
      </div>
    </form>`;
}
