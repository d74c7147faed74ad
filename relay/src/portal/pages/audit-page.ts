/** The audit log: every action in the portal and on its accounts, newest first, filterable by who and outcome. */
import type { AuditEntry, AuditFilter } from '../audit-log.js';
import { html, type Html } from '../html.js';
import { dataTable, page, when, type PageAssets, type Viewer } from './layout.js';

export function auditPage(
  frame: { readonly viewer: Viewer; readonly assets: PageAssets },
  data: {
    readonly entries: readonly AuditEntry[];
    readonly filter: AuditFilter;
    readonly page: number;
    readonly more: boolean;
  },
): Html {
  const { filter } = data;
  const query = (page: number) => {
    const params = new URLSearchParams();
    if (filter.actor) params.set('actor', filter.actor);
    if (filter.outcome) params.set('outcome', filter.outcome);
    if (page > 1) params.set('page', String(page));
    const text = params.toString();
    return text ? `?${text}` : '';
  };
  return page(
    { title: 'Audit log', section: 'audit', ...frame },
    html`<h1>Audit log</h1>
      <form class="filters" method="get" action="/audit" role="search" aria-label="Filter the audit log">
        <div>
          <label for="audit-actor">Who</label>
          <input id="audit-actor" name="actor" value="${filter.actor ?? ''}" />
        </div>
        <div>
          <label for="audit-outcome">Outcome</label>
          <select id="audit-outcome" name="outcome">
            <option value="">Any</option>
            ${(['succeeded', 'failed', 'refused'] as const).map(
              (outcome) =>
                html`<option value="${outcome}" ${filter.outcome === outcome ? html` selected` : ''}>
                  ${outcome}
                </option>`,
            )}
          </select>
        </div>
        <button type="submit">Filter</button>
      </form>
      ${
        data.entries.length === 0
          ? html`<p>Nothing recorded${filter.actor || filter.outcome ? ' that matches' : ' yet'}.</p>`
          : dataTable({
              className: 'audit',
              label: 'Audit entries',
              caption: 'Audit log, newest first',
              headers: ['When', 'Who', 'Action', 'On', 'Outcome', 'Detail'],
              rows: data.entries.map(
                (entry) =>
                  html`<tr class="${entry.outcome}">
                    <td>${when(entry.at)}</td>
                    <td>${entry.actor}</td>
                    <td><code>${entry.action}</code></td>
                    <td>${entry.target ?? ''}</td>
                    <td>${entry.outcome}</td>
                    <td>${entry.detail ?? ''}</td>
                  </tr>`,
              ),
            })
      }
      <nav class="pages" aria-label="Pages">
        ${data.page > 1 ? html`<a href="/audit${query(data.page - 1)}" rel="prev">Newer</a>` : ''}
        ${data.more ? html`<a href="/audit${query(data.page + 1)}" rel="next">Older</a>` : ''}
      </nav>`,
  );
}
