/**
 * The README's screenshots of the portal (docs/portal/), taken by the browser tests at the moment each page shows
 * what it is for. Written only when GENTRACK_PORTAL_SCREENSHOTS names a folder (scripts/portal-screenshots.sh sets
 * it, and holds the list of names it expects): without it nothing is written, so `npm test` never changes the
 * repository. Never take one while a one-time secret is on the page.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { DESKTOP } from './chromium.js';

/** The folder the screenshots go to, when they are asked for. */
const SCREENSHOT_DIR_VARIABLE = 'GENTRACK_PORTAL_SCREENSHOTS';

/** A file name the README can link to as it is: lower case words joined by hyphens. */
const NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export interface ScreenshotOptions {
  /**
   * The whole page (the default), or only its first 1280 x 900 px: for a page whose long tail repeats what its top
   * shows (Validate Data Model's every passing check), which would make a large image of little use.
   */
  readonly fullPage?: boolean;
}

/** The page at 1280 px as `<folder>/<name>.png`, once its requests have settled; nothing when not asked for. */
export async function screenshotForDocs(page: Page, name: string, options: ScreenshotOptions = {}): Promise<void> {
  const folder = process.env[SCREENSHOT_DIR_VARIABLE];
  if (!folder) return;
  if (!NAME.test(name)) throw new Error(`screenshot name "${name}": use lower case words joined by hyphens`);
  await page.setViewportSize(DESKTOP);
  await page.waitForLoadState('networkidle');
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
  // Off every control, so no button is drawn hovered.
  await page.mouse.move(0, 0);
  const fullPage = options.fullPage ?? true;
  if (!fullPage) await page.evaluate(() => window.scrollTo(0, 0));
  mkdirSync(path.resolve(folder), { recursive: true });
  await page.screenshot({
    path: path.resolve(folder, `${name}.png`),
    fullPage,
    animations: 'disabled',
    caret: 'hide',
    scale: 'css',
  });
}
