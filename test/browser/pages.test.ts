/**
 * The pages in a real browser: Debian's Chromium driven by playwright-core. The catalogue lists every
 * rule; the preview of a day-5 non-responder shows its critical card; a pasted request is evaluated;
 * the dashboard shows the counts after calls and feedback; and nothing on any page is fetched from
 * outside the service. Screenshots go to reports/screenshots (UPDATE_SCREENSHOTS=1: docs/img, for the
 * README). Skipped, with a message, only when no Chromium can be found.
 */
import { existsSync, mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import pino from 'pino';
import { type Browser, chromium } from 'playwright-core';
import { createApp } from '../../src/app';
import { loadContent } from '../../src/content';
import { at } from '../fixtures/builder';
import { NOW_D5, situations } from '../fixtures/situations';
import { ruleVersion, seqId, testConfig } from '../helpers';

const ADMIN = 'admin-token-0123456789';
const CHROMIUM = process.env.CHROMIUM_PATH ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
const SHOTS = process.env.UPDATE_SCREENSHOTS
  ? join(__dirname, '..', '..', 'docs', 'img')
  : join(__dirname, '..', '..', 'reports', 'screenshots');
const content = loadContent();

let browser: Browser | undefined;
let server: Server;
let base: string;

beforeAll(async () => {
  if (!CHROMIUM) {
    console.warn('SKIPPED: browser tests: no Chromium found (apt-get install chromium, or set CHROMIUM_PATH)');
    return;
  }
  mkdirSync(SHOTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const built = createApp({
    config: testConfig({ ADMIN_TOKEN: ADMIN }),
    content,
    clock: () => at(NOW_D5),
    newId: seqId,
    logger: pino({ level: 'silent' }),
  });
  await built.ready;
  server = await new Promise((resolve) => {
    const s = built.app.listen(0, '127.0.0.1', () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
});

/** A page that records every URL it requests, with the admin token when asked. */
async function open(path: string, admin = false) {
  const context = await browser!.newContext({
    viewport: { width: 1280, height: 900 },
    ...(admin ? { httpCredentials: { username: 'committee', password: ADMIN } } : {}),
  });
  const page = await context.newPage();
  const requested: string[] = [];
  page.on('request', (r) => requested.push(r.url()));
  const res = await page.goto(`${base}${path}`);
  return { page, context, requested, status: res?.status() };
}

const onlyHere = (urls: string[]) => urls.filter((u) => !u.startsWith(base) && !u.startsWith('data:'));

describe('pages in a real browser', () => {
  test('the catalogue lists every rule, loads nothing from elsewhere, and has no console error', async () => {
    if (!browser) return;
    const { page, context, requested, status } = await open('/catalogue');
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    expect(status).toBe(200);
    const text = await page.locator('main').innerText();
    for (const id of Object.keys(content.rules)) expect({ id, listed: text.includes(id) }).toEqual({ id, listed: true });
    // The stylesheet is applied (served by the service, allowed by the CSP).
    const style = (e: unknown) =>
      (globalThis as unknown as { getComputedStyle(x: unknown): { backgroundColor: string } }).getComputedStyle(e).backgroundColor;
    expect(await page.locator('header.top').evaluate(style)).toBe('rgb(32, 48, 63)');
    await page.screenshot({ path: join(SHOTS, 'catalogue.png') });
    expect(onlyHere(requested)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  test('the preview of a day-5 non-responder shows its critical card; a pasted request is evaluated too', async () => {
    if (!browser) return;
    const { page, context, requested } = await open('/catalogue/preview?situation=non-responder-d5');
    const critical = page.locator('article.card.critical[data-rule="TTP-CAPLA-DAY5"]');
    await critical.waitFor();
    expect(await critical.locator('.summary').innerText()).toContain('no response by TPE day 5 and caplacizumab not started');
    expect(await critical.locator('.detail table').count()).toBe(1);
    await critical.screenshot({ path: join(SHOTS, 'preview-card.png') });
    await page.screenshot({ path: join(SHOTS, 'preview.png'), fullPage: false });
    await page.locator('textarea[name=request]').fill(JSON.stringify(situations['order-select-platelets']()));
    const [nav] = await Promise.all([page.waitForNavigation(), page.locator('form.paste button').click()]);
    expect(nav?.status()).toBe(200);
    await page.locator('article.card[data-rule="TTP-PLT-TXN"]').waitFor();
    expect(onlyHere(requested)).toEqual([]);
    await context.close();
  });

  test('the dashboard shows the counts after calls and feedback, with charts and a CSV; without the token it asks for it', async () => {
    if (!browser) return;
    const call = await fetch(`${base}/cds-services/ttp-patient-view`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(situations['full-prefetch-non-responder']()),
    });
    const cards = ((await call.json()) as { cards: { uuid: string; source: { topic: { code: string } } }[] }).cards;
    const capla = cards.find((c) => c.source.topic.code === 'TTP-CAPLA-DAY5')!;
    const fb = await fetch(`${base}/cds-services/ttp-patient-view/feedback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        feedback: [
          {
            card: capla.uuid,
            outcome: 'overridden',
            outcomeTimestamp: '2026-03-06T18:05:00Z',
            overrideReason: { reason: { system: 'urn:ttp-cds:override-reason', code: 'bleeding-risk' } },
          },
        ],
      }),
    });
    expect(fb.status).toBe(200);
    const refused = await fetch(`${base}/governance`);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toMatch(/^Basic realm="ttp-cds governance"/);
    const { page, context, requested } = await open('/governance', true);
    const row = page.locator(`tr[data-rule="TTP-CAPLA-DAY5"][data-version="${ruleVersion('TTP-CAPLA-DAY5')}"]`);
    expect(await row.locator('td.fired').innerText()).toBe('1');
    expect(await row.locator('td.overridden').innerText()).toBe('1');
    expect(await row.innerText()).toContain('bleeding-risk: 1');
    expect(await page.locator('svg.chart').count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(SHOTS, 'governance.png') });
    const csv = await page.request.get(`${base}/governance/rules.csv`);
    expect(await csv.text()).toContain(`TTP-CAPLA-DAY5,${ruleVersion('TTP-CAPLA-DAY5')},1,0,0,1,bleeding-risk=1`);
    expect(onlyHere(requested)).toEqual([]);
    await context.close();
  });
});

/** The contrast of every badge, button and link in the page's chrome: WCAG ratio of text to its (first opaque) background. */
const CONTRAST = `(() => {
  const rgb = (s) => { const m = s.match(/[\\d.]+/g).map(Number); return { r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1 }; };
  const lum = ({ r, g, b }) => { const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); }; return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const bg = (el) => { for (let e = el; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor); if (c.a > 0.5) return c; } return { r: 255, g: 255, b: 255 }; };
  return [...document.querySelectorAll('.ind, .tag, .suggestion, button, header.top a, .skip, .nocard, .meta, .expect, th, .legend')]
    .filter((e) => e.offsetParent !== null || e.classList.contains('skip'))
    .map((e) => { const a = lum(rgb(getComputedStyle(e).color)); const b = lum(bg(e)); const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
      return { what: e.className || e.tagName, text: (e.textContent || '').trim().slice(0, 30), ratio: Math.round(ratio * 100) / 100 }; });
})()`;

describe('every page: a skip link, no horizontal scrolling at 390 px, contrast of at least 4.5:1, and a front page', () => {
  const PAGES: [string, boolean][] = [
    ['/', false],
    ['/catalogue', false],
    ['/catalogue/preview?situation=non-responder-d5', false],
    ['/catalogue/preview?situation=platelet-transfusion', false],
    ['/governance', true],
    ['/docs/site-customisation', false],
  ];

  test.each(PAGES)('%s', async (path, admin) => {
    if (!browser) return;
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      ...(admin ? { httpCredentials: { username: 'committee', password: ADMIN } } : {}),
    });
    const page = await context.newPage();
    const res = await page.goto(`${base}${path}`);
    expect(res?.status()).toBe(200);
    // No horizontal scrolling: the document is no wider than the screen (wide tables scroll inside themselves).
    const width = await page.evaluate('document.documentElement.scrollWidth');
    expect({ path, width }).toEqual({ path, width: 390 });
    // The first Tab lands on the skip link, shown on focus; following it puts the focus in the content.
    await page.keyboard.press('Tab');
    const focused = (await page.evaluate(
      '({ cls: document.activeElement.className, href: document.activeElement.getAttribute("href"), top: document.activeElement.getBoundingClientRect().top })',
    )) as { cls: string; href: string; top: number };
    expect(focused).toMatchObject({ cls: 'skip', href: '#main' });
    expect(focused.top).toBeGreaterThanOrEqual(0);
    await page.keyboard.press('Enter');
    expect(await page.evaluate('document.activeElement.id')).toBe('main');
    const all = (await page.evaluate(CONTRAST)) as { what: string; text: string; ratio: number }[];
    if (process.env.SHOW_CONTRAST) console.log(path, all.length, all.sort((a, b) => a.ratio - b.ratio).slice(0, 4));
    const low = all.filter((x) => x.ratio < 4.5);
    expect(low).toEqual([]);
    await context.close();
  });

  test('/ says what the service is and links to discovery, the catalogue, health and the docs', async () => {
    if (!browser) return;
    const { page, context, requested } = await open('/');
    const hrefs = (await page
      .locator('main a')
      .evaluateAll((as) => as.map((a) => (a as unknown as { getAttribute(n: string): string }).getAttribute('href')))) as string[];
    for (const href of [
      '/cds-services',
      '/catalogue',
      '/catalogue/preview',
      '/governance',
      '/healthz',
      '/readyz',
      '/docs/site-customisation',
    ])
      expect(hrefs).toContain(href);
    expect(await page.locator('main .lead').innerText()).toContain('CDS Hooks 2.0 service');
    for (const href of ['/cds-services', '/healthz', '/docs/site-customisation'])
      expect((await page.request.get(`${base}${href}`)).status()).toBe(200);
    expect(onlyHere(requested)).toEqual([]);
    await context.close();
  });
});
