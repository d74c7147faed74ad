/** A page that only says something: a refusal, something not found, a session that ended. */
import { html, type Html } from '../html.js';
import { page, type PageAssets, type Viewer } from './layout.js';

export function messagePage(options: {
  readonly title: string;
  readonly message: string;
  readonly viewer?: Viewer;
  readonly assets: PageAssets;
  readonly link?: { readonly href: string; readonly label: string };
}): Html {
  return page(
    { title: options.title, assets: options.assets, ...(options.viewer ? { viewer: options.viewer } : {}) },
    html`<h1>${options.title}</h1>
      <p>${options.message}</p>
      ${options.link ? html`<p><a href="${options.link.href}">${options.link.label}</a></p>` : ''}`,
  );
}
