// Web-first assertions for Vitest over playwright-core locators (the ones @playwright/test has):
// each polls until it holds or its timeout passes, so tests wait for the page instead of sleeping.
import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';

const DEFAULT_TIMEOUT = 15_000;

interface Opts {
  timeout?: number;
}

type Check = () => Promise<{ pass: boolean; actual: unknown }>;

const normalise = (s: string | null) => (s ?? '').replace(/\s+/g, ' ').trim();
const matches = (actual: string, expected: string | RegExp, contain: boolean) =>
  typeof expected === 'string' ? (contain ? actual.includes(expected) : actual === expected) : expected.test(actual);

async function poll(check: Check, isNot: boolean, timeout = DEFAULT_TIMEOUT): Promise<{ pass: boolean; actual: unknown }> {
  const deadline = Date.now() + timeout;
  for (;;) {
    let last: { pass: boolean; actual: unknown };
    try {
      last = await check();
    } catch (err) {
      last = { pass: false, actual: `(error: ${(err as Error).message.split('\n')[0]})` };
    }
    if (last.pass !== isNot || Date.now() > deadline) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
}

function matcher(name: string, describe: (args: unknown[]) => string, make: (target: any, args: unknown[]) => Check) {
  return async function (this: { isNot: boolean }, target: Locator | Page, ...args: unknown[]) {
    const last = args.at(-1);
    const opts = (last && typeof last === 'object' && !Array.isArray(last) && !(last instanceof RegExp) ? last : {}) as Opts;
    const isNot = Boolean(this.isNot); // undefined unless negated
    const { pass, actual } = await poll(make(target, args), isNot, opts.timeout);
    const what = typeof (target as Locator).toString === 'function' ? String(target) : 'page';
    return {
      pass,
      message: () => `expected ${what} ${this.isNot ? 'not ' : ''}${name.replace(/^to/, 'to ').replace(/([A-Z])/g, ' $1').toLowerCase()} ${describe(args)}; last seen: ${JSON.stringify(actual)}`,
    };
  };
}

const show = (args: unknown[]) => (args[0] === undefined || (typeof args[0] === 'object' && !(args[0] instanceof RegExp) && !Array.isArray(args[0])) ? '' : String(args[0]));

expect.extend({
  toBeVisible: matcher('toBeVisible', () => '', (l: Locator) => async () => {
    const v = await l.isVisible();
    return { pass: v, actual: v ? 'visible' : 'hidden' };
  }),
  toBeHidden: matcher('toBeHidden', () => '', (l: Locator) => async () => {
    const v = await l.isVisible();
    return { pass: !v, actual: v ? 'visible' : 'hidden' };
  }),
  toHaveCount: matcher('toHaveCount', show, (l: Locator, [n]) => async () => {
    const c = await l.count();
    return { pass: c === n, actual: c };
  }),
  toHaveText: matcher('toHaveText', show, (l: Locator, [expected]) => async () => {
    if (Array.isArray(expected)) {
      const all = (await l.allTextContents()).map(normalise);
      return { pass: all.length === expected.length && all.every((t, i) => matches(t, expected[i] as string | RegExp, false)), actual: all };
    }
    const t = normalise(await l.textContent({ timeout: 1000 }));
    return { pass: matches(t, expected as string | RegExp, false), actual: t };
  }),
  toContainText: matcher('toContainText', show, (l: Locator, [expected]) => async () => {
    const t = normalise(await l.textContent({ timeout: 1000 }));
    return { pass: matches(t, expected as string | RegExp, true), actual: t };
  }),
  toBeEmpty: matcher('toBeEmpty', () => '', (l: Locator) => async () => {
    const t = normalise(await l.textContent({ timeout: 1000 }));
    return { pass: t === '', actual: t };
  }),
  toBeFocused: matcher('toBeFocused', () => '', (l: Locator) => async () => {
    const f = await l.evaluate((el) => el === document.activeElement, undefined, { timeout: 1000 });
    return { pass: f, actual: f ? 'focused' : 'not focused' };
  }),
  toHaveValue: matcher('toHaveValue', show, (l: Locator, [expected]) => async () => {
    const v = await l.inputValue({ timeout: 1000 });
    return { pass: v === expected, actual: v };
  }),
  toHaveAttribute: matcher('toHaveAttribute', (a) => `${a[0]}=${a[1]}`, (l: Locator, [name, expected]) => async () => {
    const v = await l.getAttribute(name as string, { timeout: 1000 });
    return { pass: v === expected, actual: v };
  }),
  toHaveURL: matcher('toHaveURL', show, (p: Page, [expected]) => async () => {
    const u = p.url();
    return { pass: matches(u, expected as string | RegExp, false), actual: u };
  }),
});

interface WebMatchers<R = unknown> {
  toBeVisible(opts?: Opts): Promise<R>;
  toBeHidden(opts?: Opts): Promise<R>;
  toHaveCount(n: number, opts?: Opts): Promise<R>;
  toHaveText(expected: string | RegExp | (string | RegExp)[], opts?: Opts): Promise<R>;
  toContainText(expected: string | RegExp, opts?: Opts): Promise<R>;
  toBeEmpty(opts?: Opts): Promise<R>;
  toBeFocused(opts?: Opts): Promise<R>;
  toHaveValue(expected: string, opts?: Opts): Promise<R>;
  toHaveAttribute(name: string, value: string, opts?: Opts): Promise<R>;
  toHaveURL(expected: string | RegExp, opts?: Opts): Promise<R>;
}

declare module 'vitest' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Assertion<T = any> extends WebMatchers<T> {}
}
