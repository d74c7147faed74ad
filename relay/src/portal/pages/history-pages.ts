/**
 * The synchronisation history (what `gentrack-sf history` lists): initial and on-demand runs, newest first, with
 * filters (kind, outcome, dates, who) and pages by keyset, and one run in detail: its stages, counts, outcome, who.
 */
import { SYNC_OUTCOMES, type SyncHistoryPage, type SyncRun } from '../../platform/db/sync-history.js';
import { syncRunDuration, syncRunOutcome } from '../../platform/db/sync-run-summary.js';
import { html, type Html } from '../html.js';
import type { Frame } from '../routes/page-frame.js';
import { dataTable, page, when } from './layout.js';

export interface HistoryFilterForm {
  readonly kind?: string;
  readonly outcome?: string;
  /** yyyy-mm-dd, UTC. */
  readonly from?: string;
  readonly to?: string;
  readonly who?: string;
}

export function historyQuery(
  form: HistoryFilterForm,
  cursor?: { readonly name: 'before' | 'after'; readonly value: string },
): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(form)) if (value) query.set(name, value);
  if (cursor) query.set(cursor.name, cursor.value);
  const text = query.toString();
  return text ? `?${text}` : '';
}

function outcomeClass(run: Pick<SyncRun, 'outcome'>): string {
  return run.outcome === 'completed' ? 'ok' : run.outcome === undefined ? 'warn' : 'bad';
}

function countsText(counts: SyncRun['counts']): string {
  const text = Object.entries(counts)
    .map(([name, count]) => `${name} ${count}`)
    .join(', ');
  return text || '—';
}

function duration(run: { readonly startedAt: number; readonly endedAt?: number }): string {
  return syncRunDuration(run) || '—';
}

export const cursorText = (cursor: { readonly startedAt: number; readonly seq: number }) =>
  `${cursor.startedAt}.${cursor.seq}`;

export function historyListPage(
  frame: Frame,
  data: {
    readonly form: HistoryFilterForm;
    readonly page: SyncHistoryPage;
    readonly problems: readonly string[];
  },
): Html {
  const { form, page: result } = data;
  const selected = (current: string | undefined, value: string) => (current === value ? html` selected` : '');
  return page(
    { title: 'Synchronisation history', section: 'history', ...frame },
    html`<h1>Synchronisation history</h1>
      <form class="filters" method="get" action="/history" role="search" aria-label="Filter the history">
        <div>
          <label for="history-kind">Kind</label>
          <select id="history-kind" name="kind">
            <option value="">Any</option>
            <option value="initial" ${selected(form.kind, 'initial')}>Initial</option>
            <option value="on-demand" ${selected(form.kind, 'on-demand')}>On-demand</option>
          </select>
        </div>
        <div>
          <label for="history-outcome">Outcome</label>
          <select id="history-outcome" name="outcome">
            <option value="">Any</option>
            ${[...SYNC_OUTCOMES, 'unfinished'].map(
              (outcome) => html`<option value="${outcome}" ${selected(form.outcome, outcome)}>${outcome}</option>`,
            )}
          </select>
        </div>
        <div>
          <label for="history-from">From (UTC)</label>
          <input id="history-from" name="from" type="date" value="${form.from ?? ''}" />
        </div>
        <div>
          <label for="history-to">To (UTC)</label>
          <input id="history-to" name="to" type="date" value="${form.to ?? ''}" />
        </div>
        <div>
          <label for="history-who">Who</label>
          <input id="history-who" name="who" value="${form.who ?? ''}" />
        </div>
        <button type="submit">Filter</button>
      </form>
      ${data.problems.length ? html`<p class="notice error" role="alert">${data.problems.join(' ')}</p>` : ''}
      <p id="history-matching">
        ${result.matching} run${result.matching === 1 ? '' : 's'} match${result.matching === 1 ? 'es' : ''}.
      </p>
      ${
        result.runs.length === 0
          ? html`<p>Nothing to show.</p>`
          : dataTable({
              className: 'history',
              label: 'Synchronisation runs',
              caption: 'Synchronisation runs, newest first',
              headers: ['Started', 'Kind', 'What', 'Who', 'Outcome', 'Took', 'Counts'],
              rows: result.runs.map(
                (run) =>
                  html`<tr>
                    <td><a href="/history/${encodeURIComponent(run.id)}">${when(run.startedAt)}</a></td>
                    <td>${run.kind}</td>
                    <td>${run.subject}</td>
                    <td>${run.initiatedBy}</td>
                    <td><span class="status ${outcomeClass(run)}">${syncRunOutcome(run)}</span></td>
                    <td>${duration(run)}</td>
                    <td>${countsText(run.counts)}</td>
                  </tr>`,
              ),
            })
      }
      <nav class="pages" aria-label="Pages">
        ${result.newer ? html`<a href="/history${historyQuery(form)}">Newest</a>` : ''}
        ${result.newer ? html`<a href="/history${historyQuery(form, { name: 'after', value: cursorText(result.newer) })}" rel="prev">Newer</a>` : ''}
        ${result.older ? html`<a href="/history${historyQuery(form, { name: 'before', value: cursorText(result.older) })}" rel="next">Older</a>` : ''}
      </nav>`,
  );
}

export function historyRunPage(frame: Frame, run: SyncRun): Html {
  return page(
    { title: `Synchronisation ${run.id}`, section: 'history', ...frame },
    html`<p><a href="/history">All runs</a></p>
      <h1>${run.kind === 'initial' ? 'Initial synchronisation' : 'On-demand synchronisation'}</h1>
      <dl class="details" id="run-details">
        <dt>Run</dt>
        <dd><code>${run.id}</code></dd>
        <dt>What</dt>
        <dd>${run.subject}</dd>
        <dt>Who</dt>
        <dd>${run.initiatedBy}</dd>
        <dt>Started</dt>
        <dd>${when(run.startedAt)}</dd>
        <dt>Ended</dt>
        <dd>
          ${run.endedAt === undefined ? 'no end recorded: still running, or the relay stopped before it finished' : when(run.endedAt)}
        </dd>
        <dt>Took</dt>
        <dd>${duration(run)}</dd>
        <dt>Outcome</dt>
        <dd><span class="status ${outcomeClass(run)}">${syncRunOutcome(run)}</span></dd>
        <dt>Counts</dt>
        <dd>${countsText(run.counts)}</dd>
        ${
          run.error
            ? html`<dt>Error</dt>
                <dd class="reason">${run.error}</dd>`
            : ''
        }
        ${
          run.reportLocation
            ? html`<dt>Report</dt>
                <dd>${reportLinks(run.reportLocation)}</dd>`
            : ''
        }
      </dl>
      <h2>Stages</h2>
      ${
        run.stages.length === 0
          ? html`<p>
              ${run.kind === 'on-demand' ? 'An on-demand sync is one step: its outcome is above.' : 'No stage was recorded.'}
            </p>`
          : dataTable({
              className: 'stages',
              label: 'Stages',
              caption: 'Stages, in the order they ran',
              headers: ['Stage', 'Started', 'Took', 'Outcome', 'Counts', 'Error'],
              rows: run.stages.map(
                (stage) =>
                  html`<tr>
                    <td>${stage.name}</td>
                    <td>${when(stage.startedAt)}</td>
                    <td>${duration(stage)}</td>
                    <td>${stage.outcome ?? 'unfinished'}</td>
                    <td>${countsText(stage.counts ?? {})}</td>
                    <td class="reason">${stage.error ?? ''}</td>
                  </tr>`,
              ),
            })
      }`,
  );
}

/** A report location is a file path, a Salesforce URL, or both (one per line): URLs become links. */
function reportLinks(location: string): Html {
  return html`${location
    .split('\n')
    .map(
      (line, index) =>
        html`${index > 0 ? html`<br />` : ''}${/^https?:\/\//.test(line) ? html`<a href="${line}">${line}</a>` : html`<code>${line}</code>`}`,
    )}`;
}
