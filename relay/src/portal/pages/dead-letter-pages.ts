/**
 * The dead-letter pages: the list with its filters, one letter in detail, and the confirmations for discarding
 * one letter and retrying every letter a filter matches. Actions are forms that POST (with the CSRF token); an
 * operator confirms on a page of its own, so they work without script.
 */
import type { DeadLetter, DeadLetterFilter, DeadLetterSource } from '../../platform/db/dead-letters.js';
import { html, type Html } from '../html.js';
import { may } from '../roles.js';
import { dataTable, page, when, type PageAssets, type Viewer } from './layout.js';

export const SOURCE_LABELS: Record<DeadLetterSource, string> = {
  event: 'Salesforce event',
  change: 'Change for Gentrack',
  'gentrack-event': 'Gentrack event',
};

interface Frame {
  readonly viewer: Viewer;
  readonly assets: PageAssets;
  readonly notice?: { readonly text: string; readonly kind: 'success' | 'error' };
}

export function filterQuery(filter: DeadLetterFilter, page?: number): string {
  const query = new URLSearchParams();
  if (filter.source) query.set('source', filter.source);
  if (filter.reasonCode) query.set('reason', filter.reasonCode);
  if (filter.search) query.set('q', filter.search);
  if (page && page > 1) query.set('page', String(page));
  const text = query.toString();
  return text ? `?${text}` : '';
}

function filterFields(filter: DeadLetterFilter): Html {
  return html`${filter.source ? html`<input type="hidden" name="source" value="${filter.source}" />` : ''}
  ${filter.reasonCode ? html`<input type="hidden" name="reason" value="${filter.reasonCode}" />` : ''}
  ${filter.search ? html`<input type="hidden" name="q" value="${filter.search}" />` : ''}`;
}

export function deadLetterListPage(
  frame: Frame,
  data: {
    readonly letters: readonly DeadLetter[];
    readonly filter: DeadLetterFilter;
    readonly matching: number;
    readonly page: number;
    readonly pageSize: number;
    readonly reasonCodes: readonly string[];
  },
): Html {
  const { filter, matching } = data;
  const pages = Math.max(1, Math.ceil(matching / data.pageSize));
  const canAct = may(frame.viewer.role, 'act-on-dead-letters');
  return page(
    { title: 'Dead letters', section: 'dead-letters', ...frame },
    html`<h1>Dead letters</h1>
      <form class="filters" method="get" action="/dead-letters" role="search" aria-label="Filter dead letters">
        <div>
          <label for="filter-source">Source</label>
          <select id="filter-source" name="source">
            <option value="">Any</option>
            ${Object.entries(SOURCE_LABELS).map(
              ([value, label]) =>
                html`<option value="${value}" ${filter.source === value ? html` selected` : ''}>${label}</option>`,
            )}
          </select>
        </div>
        <div>
          <label for="filter-reason">Reason code</label>
          <select id="filter-reason" name="reason">
            <option value="">Any</option>
            ${data.reasonCodes.map(
              (code) =>
                html`<option value="${code}" ${filter.reasonCode === code ? html` selected` : ''}>${code}</option>`,
            )}
          </select>
        </div>
        <div>
          <label for="filter-q">Record or transaction</label>
          <input id="filter-q" name="q" value="${filter.search ?? ''}" placeholder="e.g. Account:001" />
        </div>
        <button type="submit">Filter</button>
      </form>
      <p id="matching">
        ${matching} dead letter${matching === 1 ? '' : 's'} match${matching === 1 ? 'es' : ''}.
        ${canAct && matching > 0 ? html`<a class="button" href="/dead-letters/retry-all${filterQuery(filter)}">Retry all ${matching}…</a>` : ''}
      </p>
      ${
        data.letters.length === 0
          ? html`<p>Nothing to show.</p>`
          : dataTable({
              className: 'letters',
              label: 'Dead letters',
              caption: 'Dead letters, oldest first',
              headers: ['Id', 'Filed', 'Source', 'Reason', 'Record', 'Why'],
              rows: data.letters.map(
                (letter) =>
                  html`<tr>
                    <td>
                      <a href="/dead-letters/${letter.id}" aria-label="Dead letter ${letter.id}">${letter.id}</a>
                    </td>
                    <td>${when(letter.createdAt)}</td>
                    <td>${SOURCE_LABELS[letter.source]}</td>
                    <td><code>${letter.reasonCode}</code></td>
                    <td>${letter.entityKey ?? '(event)'}</td>
                    <td class="reason">${truncate(letter.reason, 140)}</td>
                  </tr>`,
              ),
            })
      }
      ${
        pages > 1
          ? html`<nav class="pages" aria-label="Pages">
              ${data.page > 1 ? html`<a href="/dead-letters${filterQuery(filter, data.page - 1)}" rel="prev">Previous</a>` : ''}
              <span>Page ${data.page} of ${pages}</span>
              ${data.page < pages ? html`<a href="/dead-letters${filterQuery(filter, data.page + 1)}" rel="next">Next</a>` : ''}
            </nav>`
          : ''
      }`,
  );
}

export function deadLetterDetailPage(
  frame: Frame,
  data: { readonly letter: DeadLetter; readonly payload: string; readonly masked: boolean },
): Html {
  const { letter } = data;
  const canAct = may(frame.viewer.role, 'act-on-dead-letters');
  return page(
    { title: `Dead letter ${letter.id}`, section: 'dead-letters', ...frame },
    html`<p><a href="/dead-letters">All dead letters</a></p>
      <h1>Dead letter ${letter.id}</h1>
      <dl class="details">
        <dt>Filed</dt>
        <dd>${when(letter.createdAt)}</dd>
        <dt>Source</dt>
        <dd>${SOURCE_LABELS[letter.source]}</dd>
        <dt>Record</dt>
        <dd>${letter.entityKey ?? '(event)'}</dd>
        <dt>${letter.source === 'gentrack-event' ? 'Gentrack event id' : 'Transaction'}</dt>
        <dd><code>${letter.transactionId ?? '—'}</code></dd>
        <dt>Attempts</dt>
        <dd>${letter.attempts}</dd>
        <dt>Reason code</dt>
        <dd><code>${letter.reasonCode}</code></dd>
        <dt>Error</dt>
        <dd class="reason" id="letter-reason">${letter.reason}</dd>
      </dl>
      ${
        canAct
          ? html`<div class="actions">
              <form method="post" action="/dead-letters/${letter.id}/retry">
                <input type="hidden" name="_csrf" value="${frame.viewer.csrfToken}" />
                <button type="submit">Retry</button>
              </form>
              <a class="button danger" href="/dead-letters/${letter.id}/discard">Discard…</a>
            </div>`
          : ''
      }
      <h2>Payload</h2>
      ${data.masked ? html`<p class="hint" id="masked-note">Personal data is masked: record values are shown only to admins.</p>` : ''}
      <pre class="payload" id="payload" tabindex="0">${data.payload}</pre>`,
  );
}

export function discardConfirmPage(frame: Frame, letter: DeadLetter): Html {
  return page(
    { title: `Discard dead letter ${letter.id}?`, section: 'dead-letters', ...frame },
    html`<h1>Discard dead letter ${letter.id}?</h1>
      <p>
        ${SOURCE_LABELS[letter.source]} for ${letter.entityKey ?? 'an event'} (<code>${letter.reasonCode}</code>). Once
        discarded it is deleted for good and will never be
        ${letter.source === 'gentrack-event' ? 'applied in Salesforce' : 'sent to Gentrack'}.
      </p>
      <form method="post" action="/dead-letters/${letter.id}/discard" class="actions">
        <input type="hidden" name="_csrf" value="${frame.viewer.csrfToken}" />
        <input type="hidden" name="confirm" value="yes" />
        <button type="submit" class="danger">Discard for good</button>
        <a class="button" href="/dead-letters/${letter.id}">Keep it</a>
      </form>`,
  );
}

export function retryAllConfirmPage(frame: Frame, filter: DeadLetterFilter, matching: number): Html {
  return page(
    { title: 'Retry dead letters?', section: 'dead-letters', ...frame },
    html`<h1>Retry ${matching} dead letter${matching === 1 ? '' : 's'}?</h1>
      <p>
        Every dead letter matching the filter goes back to its flow: changes into the outbox (to Gentrack), Gentrack
        events into the inbox (to Salesforce). Fix the cause first, or they will come back.
      </p>
      <form method="post" action="/dead-letters/retry-all" class="actions">
        <input type="hidden" name="_csrf" value="${frame.viewer.csrfToken}" />
        <input type="hidden" name="confirm" value="yes" />
        ${filterFields(filter)}
        <button type="submit">Retry ${matching}</button>
        <a class="button" href="/dead-letters${filterQuery(filter)}">Cancel</a>
      </form>`,
  );
}

function truncate(text: string, length: number): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length > length ? `${oneLine.slice(0, length - 1)}…` : oneLine;
}
