/**
 * Real headless Chromium for the browser tests: Debian's `chromium` driven by playwright-core (no browser download),
 * a fresh profile per launch, and axe-core run inside the page. When Chromium is missing the tests fail loudly with
 * what to install: a browser suite that quietly skips would hide that nothing was tested.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's package (`apt-get install chromium`); GENTRACK_CHROMIUM names another binary. */
export const CHROMIUM_PATH = process.env.GENTRACK_CHROMIUM ?? '/usr/bin/chromium';

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Chromium {
  readonly context: BrowserContext;
  /** A page whose script errors and Content-Security-Policy violations are collected for assertNoPageErrors. */
  newPage(viewport?: { width: number; height: number }): Promise<Page>;
  /** Fails on any script error or CSP violation a page reported since the last call. */
  assertNoPageErrors(): void;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<Chromium> {
  if (!existsSync(CHROMIUM_PATH)) {
    assert.fail(
      `Chromium is not installed at ${CHROMIUM_PATH}, so the portal's browser tests cannot run: ` +
        'apt-get install -y chromium (.ci/run installs it), or set GENTRACK_CHROMIUM to a Chromium binary',
    );
  }
  const profile = mkdtempSync(path.join(os.tmpdir(), 'portal-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: FLAGS,
    viewport: { width: 1280, height: 900 },
  });
  const problems: string[] = [];
  return {
    context,
    async newPage(viewport) {
      const page = await context.newPage();
      if (viewport) await page.setViewportSize(viewport);
      page.on('console', (message) => {
        if (message.type() === 'error' && !/Failed to load resource/.test(message.text()))
          problems.push(message.text());
      });
      page.on('pageerror', (error) => problems.push(error.message));
      return page;
    },
    assertNoPageErrors() {
      assert.deepEqual(problems.splice(0), [], 'the pages reported no script errors or CSP violations');
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    },
  };
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's WCAG 2.x A/AA rules over the page as it is; fails on a serious or critical violation. */
export async function assertAccessible(page: Page, what: string): Promise<void> {
  // Evaluated over the DevTools protocol, which the page's Content-Security-Policy does not govern.
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    interface AxeViolation {
      id: string;
      impact: string | null;
      help: string;
      nodes: { target: string[] }[];
    }
    const axe = (
      globalThis as unknown as {
        axe: { run(context: unknown, options: unknown): Promise<{ violations: AxeViolation[] }> };
      }
    ).axe;
    const results = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    });
    return results.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      nodes: violation.nodes.map((node) => node.target.join(' ')).slice(0, 3),
    }));
  });
  const serious = violations.filter((violation) => ['serious', 'critical'].includes(violation.impact ?? ''));
  assert.deepEqual(serious, [], `${what}: no serious or critical accessibility violations`);
}

/** Nothing wider than the window: usable at a phone's width without scrolling sideways. */
export async function assertNoSidewaysScroll(page: Page, what: string): Promise<void> {
  const { scrollWidth, clientWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }));
  assert.ok(scrollWidth <= clientWidth, `${what}: the page is ${scrollWidth}px wide in a ${clientWidth}px window`);
}

const PHONE = { width: 375, height: 740 };
/** The width the README's screenshots and the desktop checks use. */
export const DESKTOP = { width: 1280, height: 900 };

/** A page usable at 1280 px and at a phone's width: accessible at both, and no sideways scrolling on the phone. */
export async function assertUsableAtBothWidths(page: Page, what: string): Promise<void> {
  await page.setViewportSize(DESKTOP);
  await assertAccessible(page, `${what} at 1280 px`);
  await page.setViewportSize(PHONE);
  await assertAccessible(page, `${what} at phone width`);
  await assertNoSidewaysScroll(page, what);
  await page.setViewportSize(DESKTOP);
}
