/**
 * The pages for clinicians and the governance committee: plain server-rendered HTML, one
 * stylesheet served by the service, no script, nothing fetched from elsewhere. Everything placed in a
 * page is escaped here; markdown (card details) is rendered by markdown-it with raw HTML off.
 */
import type { Response } from 'express';
import MarkdownIt from 'markdown-it';

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for HTML (element content and attribute values). */
export function h(v: unknown): string {
  return String(v ?? '').replace(/[&<>"']/g, (c) => ESC[c]!);
}

/** Card markdown as an EHR would show it: no raw HTML, links only to http(s), opened apart. */
const md = new MarkdownIt({ html: false, linkify: false, typographer: false });
md.validateLink = (url: string) => /^https?:\/\//i.test(url);
const defaultLinkOpen = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  tokens[idx]!.attrSet('rel', 'noopener noreferrer');
  tokens[idx]!.attrSet('target', '_blank');
  return defaultLinkOpen(tokens, idx, options, env, self);
};

export function markdown(text: string): string {
  return md.render(text);
}

/**
 * The Content-Security-Policy of the pages: only this service's stylesheet, images inline (the
 * charts are inline SVG), forms posted to this service; no script at all.
 */
export const PAGE_CSP =
  "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const NAV: [string, string][] = [
  ['/', 'Home'],
  ['/catalogue', 'Rule catalogue'],
  ['/catalogue/preview', 'Card preview'],
  ['/governance', 'Governance'],
];

export function sendPage(res: Response, title: string, active: string, body: string, status = 200): void {
  res.status(status);
  res.set('Content-Security-Policy', PAGE_CSP);
  res.set('Cache-Control', 'no-store');
  res.type('html').send(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(title)} · ttp-cds</title>
<link rel="stylesheet" href="/assets/ttp-cds.css">
<link rel="icon" href="data:,">
</head>
<body>
<a class="skip" href="#main">Skip to the content</a>
<header class="top"><span class="brand">ttp-cds</span><nav aria-label="Pages">${NAV.map(([href, label]) => `<a href="${href}"${href === active ? ' aria-current="page"' : ''}>${h(label)}</a>`).join('')}</nav></header>
<main id="main" tabindex="-1">
<h1>${h(title)}</h1>
${body}
</main>
<footer>Clinical decision support for acquired TTP: every card is advice for a clinician to weigh, never an order.</footer>
</body>
</html>`);
}

export const STYLESHEET = `
:root { --ink: #1d2530; --muted: #5b6675; --line: #d8dee6; --bg: #f6f8fa; --critical: #b3261e; --warning: #8f5500; --info: #1f5fa8; --ok: #2e7d32; }
* { box-sizing: border-box; }
.skip { position: absolute; left: 8px; top: -48px; background: #fff; color: #143f6e; padding: 8px 12px; border: 2px solid #143f6e; border-radius: 4px; z-index: 10; }
.skip:focus { top: 8px; }
main:focus { outline: none; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: var(--ink); background: #fff; }
header.top { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 24px; padding: 10px 24px; background: #20303f; color: #fff; }
header.top nav { display: flex; flex-wrap: wrap; gap: 4px 18px; }
header.top .brand { font-weight: 700; letter-spacing: .02em; }
header.top nav a { color: #cfe0f3; text-decoration: none; }
header.top nav a[aria-current=page] { color: #fff; border-bottom: 2px solid #fff; padding-bottom: 2px; }
main { max-width: 1180px; margin: 0 auto; padding: 8px 24px 40px; }
footer { max-width: 1180px; margin: 0 auto; padding: 16px 24px 32px; color: var(--muted); font-size: 13px; border-top: 1px solid var(--line); }
h1 { font-size: 26px; margin: 18px 0 6px; }
h2 { font-size: 20px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 16px; margin: 18px 0 6px; }
p.lead { color: var(--muted); margin-top: 0; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 14px; font-size: 14px; }
th, td { text-align: left; vertical-align: top; border-bottom: 1px solid var(--line); padding: 5px 8px; }
th { background: var(--bg); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
main, footer { overflow-wrap: anywhere; }
.wide { overflow-x: auto; max-width: 100%; }
code { font: 13px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: var(--bg); padding: 1px 4px; border-radius: 3px; }
.tag { display: inline-block; font-size: 12px; padding: 1px 7px; border-radius: 10px; background: var(--bg); border: 1px solid var(--line); margin-right: 4px; }
.tag.site { background: #fff4d6; border-color: #e8c66b; }
.rule { border: 1px solid var(--line); border-radius: 8px; padding: 6px 18px 12px; margin: 18px 0; }
.rule h3 { margin-top: 10px; }
.rule .meta { color: var(--muted); font-size: 13px; }
.toc { columns: 2; font-size: 14px; }
.toc a { text-decoration: none; }
.card { border: 1px solid var(--line); border-left: 6px solid var(--info); border-radius: 6px; padding: 10px 16px; margin: 12px 0; background: #fff; }
.card.critical { border-left-color: var(--critical); }
.card.warning { border-left-color: var(--warning); }
.card .summary { font-weight: 600; font-size: 15.5px; }
.card .ind { display: inline-block; text-transform: uppercase; font-size: 11px; font-weight: 700; letter-spacing: .05em; color: #fff; background: var(--info); border-radius: 3px; padding: 1px 6px; margin-right: 8px; vertical-align: 1px; }
.card.critical .ind { background: var(--critical); }
.card.warning .ind { background: var(--warning); }
.card .detail { font-size: 14px; }
.card .detail table { font-size: 13px; }
.card .actions { margin-top: 8px; display: flex; flex-wrap: wrap; gap: 8px; }
.card .suggestion { border: 1px solid #7aa7d8; background: #eef5fd; color: #143f6e; border-radius: 4px; padding: 4px 10px; font-size: 14px; }
.card .suggestion.recommended { border-color: #2e7d32; background: #eaf6ea; color: #1b4f1e; }
.card .foot { color: var(--muted); font-size: 13px; margin-top: 8px; }
.card.silent { background: #eef0f2; border-color: #c3c9d0; border-left-color: #8a949e; color: #3d4651; }
.card.silent .ind { background: #5b6675; }
.tag.silent { background: #fff; border-color: #5b6675; color: #3d4651; font-weight: 600; }
h3.silent-head { color: #3d4651; font-size: 14px; margin-top: 22px; }
.situations { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(270px, 100%), 1fr)); gap: 8px; margin: 10px 0 20px; }
.situations a { display: block; border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; text-decoration: none; color: var(--ink); font-size: 14px; }
.situations a[aria-current=true] { border-color: var(--info); background: #eef5fd; }
.situations a .expect { display: block; color: var(--muted); font-size: 12.5px; }
.nocard { color: var(--ok); font-weight: 600; }
details.more { margin: 0 0 16px; } details.more summary { cursor: pointer; font-weight: 600; }
form.paste textarea { width: 100%; min-height: 220px; font: 13px/1.4 ui-monospace, Menlo, Consolas, monospace; }
form .row { display: flex; gap: 14px; align-items: end; flex-wrap: wrap; margin: 8px 0; }
form label { display: flex; flex-direction: column; font-size: 13px; color: var(--muted); }
form input, form select { font-size: 14px; padding: 4px 6px; }
button { font-size: 14px; padding: 6px 14px; border-radius: 4px; border: 1px solid #20303f; background: #20303f; color: #fff; cursor: pointer; }
.error { border: 1px solid #e0b4b0; background: #fcefee; padding: 8px 12px; border-radius: 6px; }
.chart { display: block; max-width: 100%; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(460px, 100%), 1fr)); gap: 0 18px; }
.chart { height: auto; }
.charts .rule { margin: 8px 0; }
.legend { font-size: 12.5px; color: var(--muted); }
.legend .k { display: inline-block; width: 10px; height: 10px; margin: 0 4px 0 10px; vertical-align: -1px; }
.k.fired { background: #1f5fa8; } .k.overridden { background: #b26a00; } .k.silent { background: #9aa5b1; }
details.template { margin: 4px 0 14px; font-size: 13px; } details.template summary { color: var(--muted); cursor: pointer; }
details.template pre { white-space: pre-wrap; font: 12.5px/1.45 ui-monospace, Menlo, Consolas, monospace; background: var(--bg); padding: 8px; border-radius: 4px; }
.home ul { padding-left: 20px; } .home li { margin: 6px 0; }
@media (max-width: 640px) {
  main { padding: 8px 12px 32px; } footer { padding: 16px 12px 28px; } header.top { padding: 10px 12px; }
  .toc { columns: 1; }
  table { display: block; overflow-x: auto; }
}
`;
