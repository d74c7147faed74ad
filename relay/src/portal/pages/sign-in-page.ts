/** The sign-in page: single sign-on first when it is configured, then the local accounts' form. */
import { html, type Html } from '../html.js';
import { page, type PageAssets } from './layout.js';

export function signInPage(options: {
  readonly csrfToken: string;
  readonly next: string;
  readonly username?: string;
  readonly error?: string;
  readonly assets: PageAssets;
  /** The OpenID Connect provider's name and where its sign-in starts. */
  readonly singleSignOn?: { readonly name: string; readonly href: string };
}): Html {
  return page(
    {
      title: 'Sign in',
      assets: options.assets,
      ...(options.error ? { notice: { text: options.error, kind: 'error' as const } } : {}),
    },
    html`<h1>Sign in</h1>
      ${
        options.singleSignOn
          ? html`<p class="single-sign-on">
                <a class="button" href="${options.singleSignOn.href}">Sign in with ${options.singleSignOn.name}</a>
              </p>
              <h2>Or with a local account</h2>`
          : ''
      }
      <form class="sign-in" method="post" action="/login">
        <input type="hidden" name="_csrf" value="${options.csrfToken}" />
        <input type="hidden" name="next" value="${options.next}" />
        <label for="username">User name</label>
        <input id="username" name="username" autocomplete="username" required value="${options.username ?? ''}" />
        <label for="password">Password</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required />
        <button type="submit">Sign in</button>
      </form>
      <p class="hint">
        Accounts are made on the relay host:
        <code>gentrack-sf portal user add &lt;name&gt; --role viewer|operator|admin</code>.
      </p>`,
  );
}
