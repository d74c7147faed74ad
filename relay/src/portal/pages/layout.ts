/**
 * The frame of every portal page: a skip link, the navigation the user's role allows, who is signed in with a
 * sign-out button, a one-time notice, and the page's content. Styles and the one script come from /assets (the
 * Content-Security-Policy allows nothing inline).
 */
import { html, type Html, type HtmlValue } from '../html.js';
import { may, type Role } from '../roles.js';
import { connectorNavigation, type ConnectorSection } from './connector-navigation.js';

export interface Viewer {
  readonly username: string;
  readonly role: Role;
  /** For the sign-out form. */
  readonly csrfToken: string;
}

export interface PageOptions {
  readonly title: string;
  /** The navigation entry to mark as current. */
  readonly section?: 'overview' | 'dead-letters' | 'audit' | 'initial-sync' | ConnectorSection;
  readonly viewer?: Viewer;
  /** A message from the previous action (e.g. "Dead letter 3 is back in the outbox"). */
  readonly notice?: { readonly text: string; readonly kind: 'success' | 'error' };
  readonly assets: PageAssets;
  /** Scripts of this page besides the portal's own (URLs from PageAssets.scripts). */
  readonly scripts?: readonly string[];
  /** Without script, the page reloads itself this often (a job being followed); with script, its own code does. */
  readonly refreshSeconds?: number;
}

export interface PageAssets {
  readonly stylesheet: string;
  readonly script: string;
  /** The pages' other scripts, by file name under assets/ (e.g. copy-secret.js). */
  readonly scripts: Readonly<Record<string, string>>;
}

export function page(options: PageOptions, content: HtmlValue): Html {
  const { viewer } = options;
  const navigation: [NonNullable<PageOptions['section']>, string, string][] = [
    ['overview', '/', 'Overview'],
    ['dead-letters', '/dead-letters', 'Dead letters'],
    ['initial-sync', '/initial-sync', 'Initial sync'],
  ];
  if (viewer) navigation.push(...connectorNavigation(viewer.role));
  if (viewer && may(viewer.role, 'view-audit')) navigation.push(['audit', '/audit', 'Audit log']);
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${options.title} · Gentrack relay</title>
        <link rel="stylesheet" href="${options.assets.stylesheet}" />
        <script type="module" src="${options.assets.script}"></script>
        ${(options.scripts ?? []).map((script) => html`<script type="module" src="${script}"></script>`)}
        ${options.refreshSeconds ? html`<noscript><meta http-equiv="refresh" content="${options.refreshSeconds}" /></noscript>` : ''}
      </head>
      <body>
        <a class="skip-link" href="#main">Skip to content</a>
        <header class="top">
          <span class="brand">Gentrack relay</span>
          ${
            viewer
              ? html`<nav aria-label="Portal">
                    <ul>
                      ${navigation.map(
                        ([section, href, label]) =>
                          html`<li>
                            <a href="${href}" ${section === options.section ? html` aria-current="page"` : ''}
                              >${label}</a
                            >
                          </li>`,
                      )}
                    </ul>
                  </nav>
                  <form class="sign-out" method="post" action="/logout">
                    <input type="hidden" name="_csrf" value="${viewer.csrfToken}" />
                    <span class="who">${viewer.username} <span class="role">(${viewer.role})</span></span>
                    <button type="submit">Sign out</button>
                  </form>`
              : ''
          }
        </header>
        <main id="main" tabindex="-1">
          ${options.notice ? html`<p class="notice ${options.notice.kind}" role="status">${options.notice.text}</p>` : ''}
          ${content}
        </main>
      </body>
    </html>`;
}

/** A time for people, in UTC so every operator reads the same. */
export function when(epochMs: number | null): string {
  if (epochMs === null) return 'never';
  return new Date(epochMs)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');
}

/**
 * A table of records that may be wider than a phone: it scrolls sideways inside a region that keyboard users can
 * focus (and so scroll), named for screen readers, with a caption and column headers.
 */
export function dataTable(options: {
  readonly className: string;
  /** Names the scrolling region. */
  readonly label: string;
  readonly caption: string;
  readonly headers: readonly string[];
  readonly rows: HtmlValue;
}): Html {
  return html`<div class="table-scroll" tabindex="0" role="region" aria-label="${options.label}">
    <table class="${options.className}">
      <caption class="visually-hidden">
        ${options.caption}
      </caption>
      <thead>
        <tr>
          ${options.headers.map((header) => html`<th scope="col">${header}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${options.rows}
      </tbody>
    </table>
  </div>`;
}
