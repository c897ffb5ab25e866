import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { waitFor } from '@skein/testkit';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './support/chromium.js';
import { type DashboardStack, startDashboardStack } from './support/dashboard-stack.js';

// Playwright drives Debian's Chromium through the real stack: meshed proxies carrying traffic
// (voting fails every 10th request), skein-controller scraping them, and skein-web in front.
// SKEIN_WEB_SCREENSHOTS=docs writes the screenshots to docs/images (npm run screenshots);
// otherwise they go to a temporary directory and are only checked to exist. Code run in the
// page is passed as strings: the tests' TypeScript has no DOM types.

const DOCS_IMAGES = resolve(import.meta.dirname, '../../../docs/images');
const forDocs = process.env.SKEIN_WEB_SCREENSHOTS === 'docs';
const shotsDir = forDocs ? DOCS_IMAGES : mkdtempSync(join(tmpdir(), 'skein-web-shots-'));

let stack: DashboardStack;
let browser: { context: BrowserContext; close(): Promise<void> };
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  stack = await startDashboardStack({ grafanaUrl: 'http://127.0.0.1:3000' });
  browser = await launchChromium();
  page = await browser.context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
}, 30_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
  if (!forDocs) rmSync(shotsDir, { recursive: true, force: true });
});

/** Opens a view of the dashboard by its hash. */
async function open(hash: string): Promise<void> {
  await page.goto(`${stack.url}${hash}`);
}

/** Saves a screenshot of the viewport (docs/images with SKEIN_WEB_SCREENSHOTS=docs). */
async function shot(name: string, theme: 'light' | 'dark'): Promise<void> {
  await page.emulateMedia({ colorScheme: theme });
  const path = join(shotsDir, `dashboard-${name}-${theme}.png`);
  mkdirSync(shotsDir, { recursive: true });
  await page.screenshot({ path });
  expect(statSync(path).size).toBeGreaterThan(10_000);
}

/** Both themes, after letting the sparklines fill in when the pictures are for the docs. */
async function shots(name: string): Promise<void> {
  if (forDocs) await page.waitForTimeout(6000);
  await shot(name, 'light');
  await shot(name, 'dark');
  await page.emulateMedia({ colorScheme: 'light' });
}

const number = (text: string | null) => Number((text ?? '').replace(/[^\d.]/g, ''));

/** Waits until the cell's text parses to a number for which `ok` holds; returns it. */
async function cellValue(selector: string, ok: (n: number) => boolean, what: string): Promise<number> {
  return waitFor(
    async () => {
      const text = await page.locator(selector).first().textContent({ timeout: 1000 });
      const n = number(text);
      return text !== null && /\d/.test(text) && ok(n) ? { n } : undefined;
    },
    { timeoutMs: 15_000, intervalMs: 200, what },
  ).then((v) => v.n);
}

describe('the dashboard in Chromium, over a live local mesh', () => {
  it('overview: namespaces with meshed counts, non-zero traffic and a success rate', async () => {
    await open('#/');
    const row = 'table[data-kind=namespace] tr[data-resource=emojivoto]';
    expect(await cellValue(`${row} [data-col=rps]`, (n) => n > 0, 'emojivoto rps above 0')).toBeGreaterThan(
      0,
    );
    expect(await page.locator(`${row} [data-col=meshed]`).textContent()).toBe('4/4');
    expect(await page.locator('tr[data-resource=default] [data-col=meshed]').textContent()).toBe('0/1');
    const success = await cellValue(
      `${row} [data-col=success]`,
      (n) => n > 0 && n < 100,
      'emojivoto below 100%',
    );
    expect(success).toBeGreaterThan(90);
    expect(success).toBeLessThan(100);
    await expect(page.locator('[data-card=meshed] .card-value').textContent()).resolves.toBe('4/5');
    expect(await page.locator('[data-live]').getAttribute('data-live')).toBe('on');
    await shots('overview');
  });

  it('namespace: the flaky service shows ~90% success, the others 100%, and the graph shows the edges', async () => {
    await open('#/namespaces/emojivoto/deployments');
    const cell = (name: string, col: string) =>
      `table[data-kind=deployment] tr[data-resource=${name}] [data-col=${col}]`;
    // Live rates over a window that is still filling: the first readings can be off by a few
    // points (each series is extrapolated separately), so wait for the display to settle.
    const voting = await cellValue(
      cell('voting', 'success'),
      (n) => n > 87 && n < 93,
      'voting success at ~90% (87-93)',
    );
    expect(voting).toBeGreaterThan(87);
    expect(voting).toBeLessThan(93);
    expect(await cellValue(cell('voting', 'rps'), (n) => n > 0, 'voting rps')).toBeGreaterThan(0);
    for (const name of ['web', 'emoji'])
      expect(await page.locator(cell(name, 'success')).textContent()).toBe('100.00%');
    expect(await page.locator(cell('vote-bot', 'meshed')).textContent()).toBe('1/1');

    const graph = page.locator('[data-graph="Deployments of emojivoto"]');
    for (const edge of ['vote-bot>web', 'web>emoji', 'web>voting']) {
      await graph.locator(`[data-edge="${edge}"]`).waitFor({ timeout: 15_000 });
      expect(await graph.locator(`[data-edge="${edge}"]`).getAttribute('data-secured')).toBe('true');
    }
    expect(await graph.locator('[data-edge]').count()).toBe(3);
    expect(['warning', 'critical']).toContain(
      await graph.locator('[data-node=voting]').getAttribute('data-health'),
    );
    expect(await graph.locator('[data-node=emoji]').getAttribute('data-health')).toBe('good');
    await shots('namespace');

    await open('#/namespaces/emojivoto/services');
    await cellValue(
      'table[data-kind=service] tr[data-resource=voting] [data-col=success]',
      (n) => n > 80 && n < 100,
      'voting service success',
    );
    await open('#/namespaces/default/deployments');
    await page.locator('[data-empty=no-meshed-pods]').waitFor();
  });

  it('resource detail: live graph of callers and callees, traffic per edge with mTLS, routes', async () => {
    await open('#/namespaces/emojivoto/deployment/web');
    const graph = page.locator('[data-graph="Callers and callees of web"]');
    for (const edge of ['vote-bot>web', 'web>emoji', 'web>voting'])
      await graph.locator(`[data-edge="${edge}"]`).waitFor({ timeout: 15_000 });
    expect(await graph.locator('[data-node=web]').getAttribute('class')).toContain('node-focus');
    const inbound = page.locator('table[data-traffic=inbound]');
    await inbound
      .locator('tr[data-resource=vote-bot] [data-col=tls]')
      .getByText('mTLS')
      .waitFor({ timeout: 15_000 });
    const outbound = page.locator('table[data-traffic=outbound]');
    await outbound.locator('tr[data-resource=voting]').waitFor();
    const votingEdge = number(
      await outbound.locator('tr[data-resource=voting] [data-col=success]').textContent(),
    );
    expect(votingEdge).toBeGreaterThan(85);
    expect(votingEdge).toBeLessThan(95);
    for (const route of ['GET /api/list', 'GET /api/vote']) {
      await cellValue(`tr[data-route="${route}"] [data-col=rps]`, (n) => n > 0, `route ${route} rps`);
    }
    // Live without reloading: each poll adds a point to the history the sparklines draw.
    const points = () =>
      page
        .locator('[data-card=rps] .spark-line')
        .evaluateAll((lines) =>
          lines.reduce((n, l) => n + (l.getAttribute('points') ?? '').split(' ').length, 0),
        );
    await waitFor(async () => (await points()) >= 3, {
      timeoutMs: 10_000,
      what: 'three points of rps history',
    });
    const seen = await points();
    await waitFor(async () => (await points()) > seen, {
      timeoutMs: 10_000,
      what: 'the next poll to add a point',
    });
    expect(await page.locator('.card .spark-line').count()).toBe(5);
    const grafana = await page.locator('[data-grafana=skein-deployment]').getAttribute('href');
    expect(grafana).toBe(
      'http://127.0.0.1:3000/d/skein-deployment/skein-deployment?var-namespace=emojivoto&var-deployment=web',
    );
    await shots('resource');

    // The graph's nodes are links: the flaky service's page lists its route at ~90%.
    await graph.locator('[data-node=voting]').click();
    await page.waitForURL(/#\/namespaces\/emojivoto\/deployment\/voting/);
    const route = await cellValue(
      'tr[data-route="GET /vote/{emoji}"] [data-col=success]',
      (n) => n > 0,
      'vote route success',
    );
    expect(route).toBeGreaterThan(85);
    expect(route).toBeLessThan(95);
  });

  it('tap: start streams live requests through the filters; stop ends the tap at the proxy', async () => {
    await open('#/tap?namespace=emojivoto&resource=deployment/web&path=/vote');
    expect(await page.locator('input[name=path]').inputValue()).toBe('/vote');
    await page.locator('[data-tap-action=start]').click();
    const rows = page.locator('table[data-tap=rows] tbody tr');
    await waitFor(async () => (await rows.count()) >= 5, { timeoutMs: 15_000, what: 'five tapped requests' });
    await waitFor(
      async () => (await page.locator('table[data-tap=rows] tr[data-status="500"]').count()) > 0,
      {
        timeoutMs: 15_000,
        what: 'a failed vote in the tap',
      },
    );
    const paths = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-path')));
    expect(paths.every((p) => p?.startsWith('/vote/'))).toBe(true);
    const oldest = rows.last();
    expect(await oldest.getAttribute('data-direction')).toBe('outbound');
    expect(await oldest.locator('[data-col=method]').textContent()).toBe('GET');
    expect(await oldest.locator('td').nth(2).textContent()).toBe('deploy/voting');
    expect(await page.locator('[data-tap-state]').getAttribute('data-tap-state')).toBe('running');
    expect(stack.mesh.pods.web.proxy.tap.active).toBe(true);
    await shots('tap');

    await page.locator('[data-tap-action=stop]').click();
    // The browser's abort travels through skein-web and the controller to the proxy.
    await waitFor(() => !stack.mesh.pods.web.proxy.tap.active, {
      timeoutMs: 10_000,
      what: 'the proxy tap to end',
    });
    const stopped = await rows.count();
    await page.waitForTimeout(1000);
    expect(await rows.count()).toBe(stopped);
    expect(await page.locator('[data-tap-state]').getAttribute('data-tap-state')).toBe('stopped');
  });

  it('is keyboard reachable: skip link first, then every link in order; Enter follows', async () => {
    await open('#/');
    await page.reload();
    await page.locator('tr[data-resource=emojivoto]').waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate<string>('document.activeElement?.textContent?.trim()')).toBe(
      'Skip to content',
    );
    let reached = false;
    for (let i = 0; i < 40 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate<boolean>("document.activeElement?.textContent === 'emojivoto'");
    }
    expect(reached).toBe(true);
    await page.keyboard.press('Enter');
    await page.waitForURL(/#\/namespaces\/emojivoto\/deployments$/, { timeout: 5000 });
  });

  it('fits a narrow screen without sideways scrolling of the page', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await open('#/namespaces/emojivoto/deployment/web');
      await page.locator('[data-graph] [data-edge="web>voting"]').waitFor({ timeout: 15_000 });
      const overflow = await page.evaluate<number>(
        'document.documentElement.scrollWidth - window.innerWidth',
      );
      expect(overflow).toBeLessThanOrEqual(0);
      await shots('narrow');
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  });

  it('follows prefers-color-scheme, and the toggle overrides it and is remembered', async () => {
    await open('#/');
    const bg = () => page.evaluate<string>('getComputedStyle(document.documentElement).backgroundColor');
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await bg()).toBe('rgb(13, 17, 23)');
    await page.emulateMedia({ colorScheme: 'light' });
    expect(await bg()).toBe('rgb(246, 248, 250)');
    const toggle = page.locator('[data-theme-toggle]');
    await toggle.click(); // system → light
    await toggle.click(); // light → dark
    expect(await toggle.getAttribute('data-theme-toggle')).toBe('dark');
    expect(await bg()).toBe('rgb(13, 17, 23)');
    await page.reload();
    expect(await page.locator('[data-theme-toggle]').getAttribute('data-theme-toggle')).toBe('dark');
    expect(await bg()).toBe('rgb(13, 17, 23)');
    await page.locator('[data-theme-toggle]').click(); // dark → system
    expect(await bg()).toBe('rgb(246, 248, 250)');
  });

  it('says the controller is unreachable, naming the address tried, when it stops', async () => {
    await open('#/namespaces/emojivoto/deployments');
    await page.locator('tr[data-resource=voting]').waitFor();
    expect(await page.locator('[data-failure]').count()).toBe(0);
    await stack.controller.close(3000);
    const banner = page.locator('[data-failure=controller-unreachable]').first();
    await banner.waitFor({ timeout: 10_000 });
    const text = await banner.textContent();
    expect(text).toContain(
      `cannot reach the Skein controller at http://${stack.controllerAddr} (from --api-addr)`,
    );
    expect(text).toContain('ECONNREFUSED');
    expect(text).toContain('skein-web --api-addr');
    // The last figures stay, marked stale, and the header says offline.
    expect(await page.locator('tr[data-resource=voting]').count()).toBe(1);
    expect(text).toContain('the figures below are from the last answer');
    await waitFor(async () => (await page.locator('[data-live]').getAttribute('data-live')) === 'off', {
      what: 'the header to show offline',
    });
    await open('#/');
    await page.locator('[data-failure=controller-unreachable]').waitFor();
    await shots('error');
    expect(pageErrors).toEqual([]);
  });
});
