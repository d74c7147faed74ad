/**
 * The overview's chart of the last hour: deliveries and failed attempts per minute as two lines in an inline SVG,
 * drawn on the server from numbers only (so no script and no style from outside is needed to show it).
 */
import { escapeHtml, html, rawHtml, type Html } from './html.js';
import { HISTORY_MS, type DeliveryRate } from './rate-history.js';

const WIDTH = 600;
const HEIGHT = 160;
const PAD = { left: 44, right: 8, top: 10, bottom: 22 };

export function rateChart(rates: readonly DeliveryRate[], now: number): Html {
  const peak = Math.max(1, ...rates.map((rate) => Math.max(rate.deliveredPerMinute, rate.failedPerMinute)));
  const top = niceCeiling(peak);
  const x = (at: number) => PAD.left + ((at - (now - HISTORY_MS)) / HISTORY_MS) * (WIDTH - PAD.left - PAD.right);
  const y = (value: number) => PAD.top + (1 - value / top) * (HEIGHT - PAD.top - PAD.bottom);
  const line = (pick: (rate: DeliveryRate) => number) =>
    rates.map((rate) => `${x(rate.at).toFixed(1)},${y(pick(rate)).toFixed(1)}`).join(' ');
  const last = rates[rates.length - 1];
  const summary = last
    ? `Deliveries per minute over the last hour: now ${format(last.deliveredPerMinute)} delivered and ${format(last.failedPerMinute)} failed; the highest was ${format(peak)}.`
    : 'No delivery figures yet: the chart fills in as the relay runs.';
  const gridLines = [0, 0.5, 1].map((share) => {
    const value = top * share;
    return `<line class="grid" x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${y(value).toFixed(1)}" y2="${y(value).toFixed(1)}"/><text class="axis" x="${PAD.left - 6}" y="${(y(value) + 4).toFixed(1)}" text-anchor="end">${format(value)}</text>`;
  });
  const ticks = [60, 45, 30, 15, 0].map(
    (minutesAgo) =>
      `<text class="axis" x="${x(now - minutesAgo * 60_000).toFixed(1)}" y="${HEIGHT - 6}" text-anchor="middle">${minutesAgo === 0 ? 'now' : `-${minutesAgo} min`}</text>`,
  );
  const svg = [
    `<svg class="chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-labelledby="chart-title" preserveAspectRatio="none">`,
    `<title id="chart-title">${escapeHtml(summary)}</title>`,
    ...gridLines,
    ...ticks,
    rates.length > 1 ? `<polyline class="delivered" points="${line((rate) => rate.deliveredPerMinute)}"/>` : '',
    rates.length > 1 ? `<polyline class="failed" points="${line((rate) => rate.failedPerMinute)}"/>` : '',
    '</svg>',
  ].join('');
  return html`<figure class="chart-figure">
    ${rawHtml(svg)}
    <figcaption>
      <span class="key delivered">delivered / min</span> <span class="key failed">failed attempts / min</span>
      <span class="visually-hidden">${summary}</span>
    </figcaption>
  </figure>`;
}

/** The smallest of 1, 2, 5 x 10^n at or above `value`: round axis labels. */
function niceCeiling(value: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * magnitude >= value) return step * magnitude;
  return 10 * magnitude;
}

function format(value: number): string {
  return value >= 10 || Number.isInteger(value) ? String(Math.round(value)) : value.toFixed(1);
}
