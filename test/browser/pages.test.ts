/**
 * The pages in a real browser: Debian's Chromium driven by playwright-core. The catalogue lists every
 * rule; the preview of a day-5 non-responder shows its critical card; a pasted request is evaluated;
 * the dashboard shows the counts after calls and feedback; and nothing on any page is fetched from
 * outside the service. Screenshots go to reports/screenshots (UPDATE_SCREENSHOTS=1: docs/img, for the
 * README). Skipped, with a message, only when no Chromium can be found.
 */
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import pino from 'pino';
import { type Browser, chromium } from 'playwright-core';
import { createApp } from '../../src/app';
import { SqliteStore } from '../../src/store/sqlite';
import { loadContent } from '../../src/content';
import { at } from '../fixtures/builder';
import { NOW_D5, situations } from '../fixtures/situations';
import { ruleVersion, seqId, testConfig } from '../helpers';

const ADMIN = 'admin-token-0123456789';
/** Found by test/global-setup.js (CHROMIUM_PATH, or Debian's chromium). */
const CHROMIUM = process.env.TEST_CHROMIUM || undefined;
const SHOTS = process.env.UPDATE_SCREENSHOTS
  ? join(__dirname, '..', '..', 'docs', 'img')
  : join(__dirname, '..', '..', 'reports', 'screenshots');
const content = loadContent();
/** Without Chromium (test/global-setup.js) every browser test is skipped, and reported as skipped; CI requires it. */
const suite = CHROMIUM ? describe : describe.skip;

let browser: Browser | undefined;
const store = new SqliteStore(':memory:');
let server: Server;
let base: string;

beforeAll(async () => {
  if (!CHROMIUM) return;
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
    store,
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

suite('pages in a real browser', () => {
  test('the catalogue lists every rule, loads nothing from elsewhere, and has no console error', async () => {
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
    // Reasons by their wording, as the card offered them.
    expect(await row.innerText()).toContain('Bleeding risk: 1');
    expect(await page.locator('svg.chart').count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(SHOTS, 'governance.png') });
    const csv = await page.request.get(`${base}/governance/rules.csv`);
    expect(await csv.text()).toContain(`TTP-CAPLA-DAY5,${ruleVersion('TTP-CAPLA-DAY5')},1,0,0,1,0,0,bleeding-risk=1`);
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

suite('every page: a skip link, no horizontal scrolling at 390 px, contrast of at least 4.5:1, and a front page', () => {
  const PAGES: [string, boolean][] = [
    ['/', false],
    ['/catalogue', false],
    ['/catalogue/preview?situation=non-responder-d5', false],
    ['/catalogue/preview?situation=platelet-transfusion', false],
    ['/governance', true],
    ['/docs/site-customisation', false],
  ];

  test.each(PAGES)('%s', async (path, admin) => {
    const context = await browser!.newContext({
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

suite("the committee's questions on the governance pages", () => {
  const post = (path: string, body: unknown) =>
    fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const issue = async () =>
    (
      (await (await post('/cds-services/ttp-patient-view', situations['full-prefetch-non-responder']())).json()) as {
        cards: { uuid: string; source: { topic: { code: string } }; suggestions?: { uuid: string }[] }[];
      }
    ).cards;

  test('which rule is overridden most, and why: sortable columns, reasons in words, no response counted; one card, one outcome', async () => {
    // Three more answers: REFRACTORY-2L dismissed twice (one after an accept), CAPLA-DAY5 accepted once, the rest silent.
    const answers = [await issue(), await issue(), await issue()];
    const refr = answers.map((cs) => cs.find((c) => c.source.topic.code === 'TTP-REFRACTORY-2L')!);
    const capla = answers[0]!.find((c) => c.source.topic.code === 'TTP-CAPLA-DAY5')!;
    const reason = { system: 'urn:ttp-cds:override-reason', code: 'specialist-consulted' };
    const fb = await post('/cds-services/ttp-patient-view/feedback', {
      feedback: [
        {
          card: capla.uuid,
          outcome: 'accepted',
          outcomeTimestamp: '2026-03-06T18:10:00Z',
          acceptedSuggestions: [{ id: capla.suggestions![0]!.uuid }],
        },
        { card: refr[0]!.uuid, outcome: 'overridden', outcomeTimestamp: '2026-03-06T18:10:00Z', overrideReason: { reason } },
        // Accepted, then dismissed: one card, one outcome (the last).
        { card: refr[1]!.uuid, outcome: 'accepted', outcomeTimestamp: '2026-03-06T18:10:00Z', acceptedSuggestions: [{ id: 'x' }] },
        { card: refr[1]!.uuid, outcome: 'overridden', outcomeTimestamp: '2026-03-06T18:20:00Z', overrideReason: { reason } },
      ],
    });
    expect(fb.status).toBe(200);
    const { page, context } = await open('/governance', true);
    const row = page.locator(`tr[data-rule="TTP-REFRACTORY-2L"][data-version="${ruleVersion('TTP-REFRACTORY-2L')}"]`);
    expect(await row.locator('td.overridden').innerText()).toBe('2');
    expect(await row.locator('td.accepted').innerText()).toBe('0');
    expect(await row.locator('td.noresponse').innerText()).toBe(String(Number(await row.locator('td.fired').innerText()) - 2));
    expect(await row.innerText()).toContain('TTP specialist consulted: 2');
    // Sort by override rate, most first: the header is a link, and the column says it is sorted.
    await page.locator('#rules th a', { hasText: 'override rate' }).click();
    await page.waitForURL(/sort=rate&dir=desc/);
    expect(await page.locator('#rules th[aria-sort="descending"]').innerText()).toContain('override rate');
    const rates = await page.locator('#rules td.rate').allInnerTexts();
    const n = rates.map((r) => (r ? Number(r.replace('%', '')) : -1));
    expect(n).toEqual([...n].sort((a, b) => b - a));
    // REFRACTORY-2L: 2 of 4 dismissed (50%); CAPLA-DAY5: 1 of 4 (25%).
    expect(await page.locator('#rules tbody tr').first().getAttribute('data-rule')).toBe('TTP-REFRACTORY-2L');
    // Sorted by no response, fewest first after a second click.
    await page.locator('#rules th a', { hasText: 'no response' }).click();
    await page.waitForURL(/sort=noResponse&dir=desc/);
    await page.locator('#rules th a', { hasText: 'no response' }).click();
    await page.waitForURL(/sort=noResponse&dir=asc/);
    const nr = (await page.locator('#rules td.noresponse').allInnerTexts()).map(Number);
    expect(nr).toEqual([...nr].sort((a, b) => a - b));
    await context.close();
  });

  test("a rule's page: its versions side by side, and the silent period's would-have-fired next to the live cards", async () => {
    // An earlier version of CAPLA-DAY5, piloted silent, then live: recorded as the service records cards.
    const rec = (n: number, version: string, silent: boolean, issuedAt: string) => ({
      cardUuid: `00000000-0000-4000-9000-${String(n).padStart(12, '0')}`,
      hookInstance: `h-${n}`,
      service: 'ttp-patient-view',
      ruleId: 'TTP-CAPLA-DAY5',
      ruleVersion: version,
      issuedAt,
      patientHash: 'a'.repeat(64),
      silent,
    });
    await store.recordCards([
      rec(1, '2.1.0', true, '2026-01-05T10:00:00.000Z'),
      rec(2, '2.1.0', true, '2026-01-06T10:00:00.000Z'),
      rec(3, '2.1.0', false, '2026-02-02T10:00:00.000Z'),
    ]);
    const { page, context, requested } = await open('/governance/rule/TTP-CAPLA-DAY5', true);
    const old = page.locator('#versions tr[data-version="2.1.0"]');
    expect(await old.locator('td.silent').innerText()).toBe('2');
    expect(await old.locator('td.fired').innerText()).toBe('1');
    expect(await old.innerText()).toContain('2026-01-05 – 2026-02-02');
    const current = page.locator(`#versions tr[data-version="${ruleVersion('TTP-CAPLA-DAY5')}"]`);
    expect(await current.innerText()).toContain('in force');
    // Versions in the order they were issued: the earlier one first.
    expect(await page.locator('#versions tbody tr').first().getAttribute('data-version')).toBe('2.1.0');
    expect(Number(await page.locator('.would').innerText())).toBe(2);
    expect(Number(await page.locator('.live').innerText())).toBeGreaterThanOrEqual(2);
    expect(await page.locator('svg.chart').count()).toBe(2);
    expect(onlyHere(requested)).toEqual([]);
    expect((await page.request.get(`${base}/governance/rule/TTP-NOPE`)).status()).toBe(404);
    await context.close();
  });
});

suite('the preview at a site that pilots a rule in silent mode', () => {
  test('the silent card is shown greyed after the others, marked "silent at this site"; its text readable (contrast)', async () => {
    const built = createApp({
      config: testConfig({ ADMIN_TOKEN: ADMIN }),
      content: loadContent({ site: { silent: { rules: ['TTP-CAPLA-DAY5'] } } }),
      clock: () => at(NOW_D5),
      newId: seqId,
      logger: pino({ level: 'silent' }),
    });
    const srv: Server = await new Promise((resolve) => {
      const s = built.app.listen(0, '127.0.0.1', () => resolve(s));
    });
    try {
      const context = await browser!.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      await page.goto(`http://127.0.0.1:${(srv.address() as { port: number }).port}/catalogue/preview?situation=non-responder-d5`);
      const silent = page.locator('article.card.silent[data-rule="TTP-CAPLA-DAY5"]');
      expect(await silent.count()).toBe(1);
      expect(await silent.locator('.tag.silent').innerText()).toBe('silent at this site');
      // Shown after the cards the EHR gets, under a heading that says why.
      const rules = await page
        .locator('article.card')
        .evaluateAll((as) => as.map((a) => (a as unknown as { getAttribute(n: string): string; className: string }).className));
      expect(rules[rules.length - 1]).toContain('silent');
      expect(await page.locator('h3.silent-head').innerText()).toContain('never sent to the EHR');
      const low = ((await page.evaluate(CONTRAST)) as { ratio: number }[]).filter((x) => x.ratio < 4.5);
      expect(low).toEqual([]);
      await context.close();
    } finally {
      srv.close();
    }
  });
});

suite('the catalogue answers the reviewer', () => {
  test('every variant of every rule is shown filled for an example patient, the template behind a disclosure; no empty slot is visible', async () => {
    const { page, context } = await open('/catalogue');
    const variants = Object.values(content.rules).flatMap((r) =>
      [...new Set([...Object.keys(r.summaries), ...Object.keys(r.details)])].map((v) => [r.id, v]),
    );
    for (const [rule, v] of variants)
      expect({ rule, v, n: await page.locator(`article.card[data-rule="${rule}"][data-variant="${v}"]`).count() }).toEqual({
        rule,
        v,
        n: 1,
      });
    // The critical day-5 text, as a clinician reads it.
    const critical = page.locator('article.card.critical[data-rule="TTP-CAPLA-DAY5"]');
    expect(await critical.count()).toBeGreaterThanOrEqual(1);
    expect(await critical.first().innerText()).toContain('Add caplacizumab 11 mg IV');
    // Slots such as {N} appear only inside the (closed) templates.
    const visible = (await page.locator('main').innerText()).replace(/Template of this variant[\s\S]*?(?=\n)/g, '');
    expect(visible.match(/\{[A-Za-z.]+\}/g) ?? []).toEqual([]);
    const template = page.locator('details.template').first();
    expect(await template.evaluate((d) => (d as unknown as { open: boolean }).open)).toBe(false);
    await template.locator('summary').click();
    expect(await template.locator('pre').innerText()).toMatch(/\{[A-Za-z.]+\}/);
    // Every threshold beside its value: a meaning and a source (or "service parameter: needs sign-off").
    const rows = page.locator('table.parameters tbody tr');
    expect(await rows.count()).toBeGreaterThan(50);
    const empty = await rows.evaluateAll((trs) =>
      trs
        .map((tr) => tr as unknown as { getAttribute(n: string): string; querySelector(s: string): { textContent: string } })
        .filter((tr) => !tr.querySelector('td.meaning').textContent.trim() || !tr.querySelector('td.sources').textContent.trim())
        .map((tr) => tr.getAttribute('data-parameter')),
    );
    expect(empty).toEqual([]);
    expect(await page.locator('tr[data-parameter="responsePlatelets"] td.sources').first().innerText()).toContain('IWG21');
    expect(await page.locator('tr[data-parameter="futureToleranceHours"] td.sources').first().innerText()).toContain(
      'service parameter: needs sign-off',
    );
    await context.close();
  });
});
