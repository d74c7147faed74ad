/** What the portal's browser tests do on a page: check it at both widths, and post a form the page did not offer. */
import type { Page } from 'playwright-core';
import { assertAccessible, assertNoSidewaysScroll } from './chromium.js';

const PHONE = { width: 375, height: 740 };
const DESKTOP = { width: 1280, height: 900 };

/** Both widths: the page's accessibility, and no sideways scrolling at a phone's width. */
export async function checkPortalPage(page: Page, what: string): Promise<void> {
  await page.setViewportSize(DESKTOP);
  await assertAccessible(page, `${what} at 1280 px`);
  await page.setViewportSize(PHONE);
  await assertAccessible(page, `${what} at phone width`);
  await assertNoSidewaysScroll(page, what);
  await page.setViewportSize(DESKTOP);
}

/**
 * A hand-made POST from inside the page, with the page's own valid CSRF token (as a user with the browser's tools
 * could send it): the server, not the hidden button, must refuse it. Returns the status.
 */
export async function postWithPageToken(page: Page, path: string): Promise<number> {
  return page.evaluate(async (target) => {
    const token = (document.querySelector('input[name="_csrf"]') as HTMLInputElement).value;
    const response = await fetch(target, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: token }),
    });
    return response.status;
  }, path);
}
