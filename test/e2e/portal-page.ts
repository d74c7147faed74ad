/** A form post the page did not offer, as the portal's browser tests make it to prove the server refuses it. */
import type { Page } from 'playwright-core';

/**
 * A hand-made POST from inside the page, with the page's own valid CSRF token (as a user with the browser's tools
 * could send it): the server, not the hidden button, must refuse it. Returns the status.
 */
export async function postWithPageToken(
  page: Page,
  path: string,
  fields: Record<string, string> = {},
): Promise<number> {
  return page.evaluate(
    async ({ path, fields }) => {
      const token = (document.querySelector('input[name="_csrf"]') as HTMLInputElement).value;
      const response = await fetch(path, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: token, ...fields }),
      });
      return response.status;
    },
    { path, fields },
  );
}
