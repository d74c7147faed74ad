/**
 * The overview: the relay's state at a glance, from the same series `/metrics` exposes, and the last hour's
 * deliveries as a chart. The figures are one fragment, rendered for the page and again for each live update.
 */
import { html, type Html } from '../html.js';
import type { OverviewFigures } from '../overview-figures.js';
import { rateChart } from '../rate-chart.js';
import type { DeliveryRate } from '../rate-history.js';
import { page, when, type PageAssets, type Viewer } from './layout.js';

export interface OverviewData {
  readonly figures: OverviewFigures;
  readonly rates: readonly DeliveryRate[];
  readonly lastHour: { readonly delivered: number; readonly failed: number; readonly sinceMs: number };
  readonly now: number;
}

const GOOD_SUBSCRIPTION = new Set(['connected']);

export function overviewFragment(data: OverviewData): Html {
  const { figures, lastHour } = data;
  const attempts = lastHour.delivered + lastHour.failed;
  const errorRate = attempts === 0 ? '0 %' : `${((lastHour.failed / attempts) * 100).toFixed(1)} %`;
  const window =
    lastHour.sinceMs >= 59 * 60_000 ? 'last hour' : `last ${Math.max(1, Math.round(lastHour.sinceMs / 60_000))} min`;
  const card = (label: string, value: string | number, state: 'ok' | 'warn' | 'bad' | 'plain' = 'plain', id?: string) =>
    html`<div class="card ${state}" ${id ? html` id="${id}"` : ''}>
      <dt>${label}</dt>
      <dd>${value}</dd>
    </div>`;
  return html`<dl class="cards">
      ${card('Salesforce subscription', figures.subscription, GOOD_SUBSCRIPTION.has(figures.subscription) ? 'ok' : 'bad', 'figure-subscription')}
      ${card('Last event stored', when(figures.lastEventAt), 'plain', 'figure-last-event')}
      ${card('Backlog (changes waiting)', figures.changesPending, figures.changesPending > 1000 ? 'warn' : 'plain', 'figure-backlog')}
      ${card('Gentrack circuit breaker', figures.breaker.replace('_', '-'), figures.breaker === 'closed' ? 'ok' : 'bad', 'figure-breaker')}
      ${card('Dead letters', figures.deadLetters, figures.deadLetters > 0 ? 'warn' : 'ok', 'figure-dead-letters')}
      ${card('Write-backs waiting', figures.writeBacksPending, 'plain', 'figure-write-backs')}
      ${card(`Delivered (${window})`, lastHour.delivered, 'plain', 'figure-delivered')}
      ${card(`Error rate (${window})`, errorRate, lastHour.failed > 0 ? 'warn' : 'plain', 'figure-error-rate')}
    </dl>
    <h2>Deliveries to Gentrack</h2>
    ${rateChart(data.rates, data.now)}
    <div class="tables">
      <table>
        <caption>
          Since the relay started
        </caption>
        <tbody>
          <tr>
            <th scope="row">Events received (stored / duplicate / rejected)</th>
            <td>
              ${figures.eventsReceived.stored} / ${figures.eventsReceived.duplicate} /
              ${figures.eventsReceived.rejected}
            </td>
          </tr>
          <tr>
            <th scope="row">Gentrack calls delivered</th>
            <td id="total-delivered">${figures.deliveries.delivered}</td>
          </tr>
          <tr>
            <th scope="row">Attempts retried</th>
            <td>${figures.deliveries.retried}</td>
          </tr>
          <tr>
            <th scope="row">Dead-lettered</th>
            <td>${figures.deliveries.deadLettered}</td>
          </tr>
          <tr>
            <th scope="row">Parts of split events waiting</th>
            <td>${figures.partsPending}</td>
          </tr>
        </tbody>
      </table>
      <table>
        <caption>
          Gentrack webhook intake, since the relay started
        </caption>
        <tbody>
          <tr>
            <th scope="row">Accepted into the inbox</th>
            <td id="webhooks-accepted">${figures.gentrackEvents.accepted}</td>
          </tr>
          <tr>
            <th scope="row">Applied in Salesforce</th>
            <td>${figures.gentrackEvents.applied}</td>
          </tr>
          <tr>
            <th scope="row">Superseded by newer events</th>
            <td>${figures.gentrackEvents.superseded}</td>
          </tr>
          <tr>
            <th scope="row">Retried / dead-lettered</th>
            <td>${figures.gentrackEvents.retried} / ${figures.gentrackEvents.dead_lettered}</td>
          </tr>
          <tr>
            <th scope="row">Requests refused (bad signature, unknown tenant, ...)</th>
            <td>${figures.webhookRefusals}</td>
          </tr>
        </tbody>
      </table>
    </div>
    <p class="updated">Updated ${when(data.now)}.</p>`;
}

export function overviewPage(data: OverviewData, viewer: Viewer, assets: PageAssets, notice?: string): Html {
  return page(
    {
      title: 'Overview',
      section: 'overview',
      viewer,
      assets,
      ...(notice ? { notice: { text: notice, kind: 'success' as const } } : {}),
    },
    html`<h1>Overview</h1>
      <section id="live-figures" aria-label="Relay figures" data-live-src="/overview/figures">
        ${overviewFragment(data)}
      </section>
      <p class="hint">
        The same figures as the relay's <code>/metrics</code>; this page refreshes them every 5 seconds (<a href="/"
          >reload</a
        >
        without script).
      </p>`,
  );
}
