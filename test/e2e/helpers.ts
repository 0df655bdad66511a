// Browser tests' tools: Debian's Chromium through playwright-core, a server on a fresh embedded
// database with the built web app, axe-core for accessibility, and screenshots for the README.
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { AppDeps } from '../../src/server/app.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const require = createRequire(import.meta.url);
const execFileP = promisify(execFile);

/** Where Debian puts Chromium (`apt-get install chromium`); browser downloads do not work here. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));

/** Whether the browser tests can run, and if not, why. */
export const browserSkip: string | false = existsSync(CHROMIUM) ? false : `not run: no Chromium at ${CHROMIUM} (apt-get install chromium)`;

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

/** Builds web/dist if it is missing or stale (a no-op when up to date). */
export async function ensureWebBuilt(): Promise<void> {
  const script = fileURLToPath(new URL('../../web/scripts/ensure-built.mjs', import.meta.url));
  // a child process: the build must not inherit the test runner's NODE_ENV or module graph
  const { stdout, stderr } = await execFileP(process.execPath, [script, '--strict', '--quiet'], { env: { ...process.env, NODE_ENV: 'production' } });
  if (stderr.trim()) console.warn(stderr.trim());
  if (stdout.trim()) console.log(stdout.trim());
}

/** Launches headless Chromium with the flags that work in this sandbox. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
      '--font-render-hinting=none',
    ],
  });
}

const DAY = 86_400_000;

/**
 * A server with the web app on a fresh embedded database. Its clock (insights) runs a week ahead,
 * so the week in which the test writes its notes has ended and can have an insight.
 */
export async function startAppServer(deps: Partial<AppDeps> = {}): Promise<TestServer> {
  await ensureWebBuilt();
  return startTestServer('pglite', { now: () => new Date(Date.now() + 7 * DAY), ...deps });
}

/** A browser page that fails the test on uncaught errors and CSP refusals. */
export async function newPage(context: BrowserContext): Promise<{ page: Page; problems: string[] }> {
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    const text = msg.text();
    if (msg.type() === 'error' && /Content Security Policy|Refused to/i.test(text)) problems.push(`CSP: ${text}`);
  });
  return { page, problems };
}

const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface A11yRecord {
  page: string;
  violations: { id: string; impact: string | null; help: string; nodes: number }[];
  passes: number;
}

/** Every page's axe-core result, for the report written at the end. */
export const a11yLog: A11yRecord[] = [];

/**
 * Runs axe-core (WCAG 2.0/2.1 A and AA plus best practices) on the page as it is now; fails on any
 * serious or critical violation. axe is injected through the DevTools protocol, so the page's CSP
 * (no inline scripts) stays as strict as for users.
 */
export async function checkA11y(page: Page, name: string): Promise<void> {
  // let transitions and one-off animations (a theme switch, a toast sliding in) finish first:
  // contrast measured half-way through one is neither theme's
  await page.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        .filter((a) => a.effect?.getTiming().iterations !== Infinity)
        .map((a) => a.finished.catch(() => undefined)),
    ),
  );
  const hasAxe = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe !== 'undefined');
  if (!hasAxe) await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<any> } }).axe;
    const r = await axe.run(document, { resultTypes: ['violations'], runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    return {
      passes: r.passes.length as number,
      violations: (r.violations as any[]).map((v) => ({
        id: v.id as string,
        impact: v.impact as string | null,
        help: v.help as string,
        nodes: v.nodes.length as number,
        targets: (v.nodes as any[]).slice(0, 3).map((n) => `${JSON.stringify(n.target)} ${n.failureSummary ?? ''}`),
      })),
    };
  });
  a11yLog.push({ page: name, passes: result.passes, violations: result.violations.map(({ targets: _t, ...v }) => v) });
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad, `${name}: serious or critical accessibility violations:\n${JSON.stringify(bad, null, 2)}`).toEqual([]);
}

/** Saves a screenshot of the viewport to docs/screenshots/NAME.png and checks it stays small. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = `${SCREENSHOTS}${name}.png`;
  await page.evaluate(() =>
    Promise.all([document.fonts?.ready, ...document.getAnimations().filter((a) => a.effect?.getTiming().iterations !== Infinity).map((a) => a.finished.catch(() => undefined))]),
  );
  // passing notifications are not part of the page being shown
  await page.evaluate(() => document.querySelectorAll<HTMLElement>('.toasts').forEach((t) => (t.style.visibility = 'hidden')));
  await page.screenshot({ path, animations: 'disabled', caret: 'hide' });
  await page.evaluate(() => document.querySelectorAll<HTMLElement>('.toasts').forEach((t) => (t.style.visibility = '')));
  expect(statSync(path).size, `${name}.png should stay under 300 KB`).toBeLessThan(300 * 1024);
}

/** Switches the page between light and dark the way a user does (the theme toggle's stored choice). */
export async function setTheme(page: Page, theme: 'light' | 'dark'): Promise<void> {
  await page.evaluate((t) => {
    localStorage.setItem('mindstorm:theme', t);
    document.documentElement.dataset.theme = t;
    window.dispatchEvent(new Event('mindstorm:theme'));
  }, theme);
}
