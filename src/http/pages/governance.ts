/**
 * The governance dashboard (GET /governance, behind ADMIN_TOKEN) and its CSV export: per rule and
 * version, cards fired, silent (would have fired), accepted and overridden, the override reasons,
 * and the weekly trend as charts (inline SVG drawn here: no script, no chart library). Every number
 * is aggregated by the database (SQLite or PostgreSQL), filtered by service and period.
 */
import type { Content } from '../../content';
import type { RuleStats, StatsFilter, WeekStats } from '../../store/types';
import { h } from './html';
import { csvLine } from '../../csv';

const pct = (n: number, d: number) => (d ? `${Math.round((100 * n) / d)}%` : '');

/** One rule's weeks as bars: fired (blue), overridden within it (orange), silent (grey, beside). */
export function weeklyChart(weeks: WeekStats[], allWeeks: string[], label: string): string {
  const W = 420;
  const H = 110;
  const pad = 22;
  const max = Math.max(1, ...weeks.map((w) => Math.max(w.fired, w.silent)));
  const slot = (W - pad) / Math.max(1, allWeeks.length);
  const bar = Math.min(28, Math.max(2, slot * 0.38));
  const y = (v: number) => H - pad - ((H - 2 * pad) * v) / max;
  const bars = allWeeks
    .map((week, i) => {
      const w = weeks.find((x) => x.week === week);
      if (!w) return '';
      const x = pad + i * slot + 2;
      return [
        `<rect x="${x.toFixed(1)}" y="${y(w.fired).toFixed(1)}" width="${bar.toFixed(1)}" height="${(H - pad - y(w.fired)).toFixed(1)}" fill="#1f5fa8"><title>${h(week)}: ${w.fired} fired</title></rect>`,
        w.overridden
          ? `<rect x="${x.toFixed(1)}" y="${y(w.overridden).toFixed(1)}" width="${bar.toFixed(1)}" height="${(H - pad - y(w.overridden)).toFixed(1)}" fill="#b26a00"><title>${h(week)}: ${w.overridden} overridden</title></rect>`
          : '',
        w.silent
          ? `<rect x="${(x + bar + 1).toFixed(1)}" y="${y(w.silent).toFixed(1)}" width="${bar.toFixed(1)}" height="${(H - pad - y(w.silent)).toFixed(1)}" fill="#9aa5b1"><title>${h(week)}: ${w.silent} silent</title></rect>`
          : '',
      ].join('');
    })
    .join('');
  const first = allWeeks[0] ?? '';
  const last = allWeeks[allWeeks.length - 1] ?? '';
  return `<svg class="chart" role="img" aria-label="${h(label)}" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}">
<line x1="${pad}" y1="${H - pad}" x2="${W}" y2="${H - pad}" stroke="#d8dee6"/>
<text x="2" y="${pad + 4}" font-size="10" fill="#5b6675">${max}</text>
<text x="${pad}" y="${H - 6}" font-size="10" fill="#5b6675">${h(first)}</text>
<text x="${W - 2}" y="${H - 6}" font-size="10" fill="#5b6675" text-anchor="end">${h(last)}</text>
${bars}</svg>`;
}

export function dashboardPage(content: Content, stats: RuleStats[], weeks: WeekStats[], filter: StatsFilter, query: string): string {
  const services = content.services.map((s) => s.id);
  const day = (iso?: string) => (iso ? iso.slice(0, 10) : '');
  const totals = stats.reduce(
    (a, s) => ({
      fired: a.fired + s.fired,
      silent: a.silent + s.silent,
      overridden: a.overridden + s.overridden,
      accepted: a.accepted + s.accepted,
    }),
    {
      fired: 0,
      silent: 0,
      overridden: 0,
      accepted: 0,
    },
  );
  const allWeeks = [...new Set(weeks.map((w) => w.week))].sort();
  const rows = stats
    .map((s) => {
      const reasons = Object.entries(s.overrideReasons)
        .sort((a, b) => b[1] - a[1])
        .map(([code, n]) => `<span class="tag">${h(code)}: ${n}</span>`)
        .join(' ');
      const current = content.rules[s.ruleId]?.version === s.ruleVersion;
      return `<tr data-rule="${h(s.ruleId)}" data-version="${h(s.ruleVersion)}"><td><a href="/catalogue#${h(s.ruleId)}">${h(s.ruleId)}</a></td><td>${h(s.ruleVersion)}${
        current ? '' : ' <span class="tag">earlier version</span>'
      }</td><td class="num fired">${s.fired}</td><td class="num silent">${s.silent}</td><td class="num">${s.accepted}</td><td class="num overridden">${s.overridden}</td><td class="num">${pct(s.overridden, s.fired)}</td><td>${reasons}</td></tr>`;
    })
    .join('');
  const charts = stats
    .filter((s) => s.fired + s.silent > 0)
    .map((s) => {
      const mine = weeks.filter((w) => w.ruleId === s.ruleId && w.ruleVersion === s.ruleVersion);
      return `<div class="rule"><h3>${h(s.ruleId)} v${h(s.ruleVersion)}</h3>${weeklyChart(mine, allWeeks, `${s.ruleId} v${s.ruleVersion} per week`)}</div>`;
    })
    .join('');
  return `<p class="lead">Per rule and version: cards returned (fired), computed but held back by silent mode (silent), and the clinicians' feedback. Counted by the database; no patient data.</p>
<form method="get" action="/governance"><div class="row">
<label>Service<select name="service"><option value="">all services</option>${services.map((s) => `<option value="${h(s)}"${filter.service === s ? ' selected' : ''}>${h(s)}</option>`).join('')}</select></label>
<label>From<input type="date" name="from" value="${h(day(filter.from))}"></label>
<label>To (exclusive)<input type="date" name="to" value="${h(day(filter.to))}"></label>
<button type="submit">Apply</button> <a href="/governance/rules.csv${query ? `?${h(query)}` : ''}">Download CSV</a>
</div></form>
<p>${totals.fired} cards fired · ${totals.silent} silent · ${totals.accepted} accepted · ${totals.overridden} overridden (${pct(totals.overridden, totals.fired) || 'no card'}).</p>
<table id="rules"><thead><tr><th>rule</th><th>version</th><th class="num">fired</th><th class="num">silent</th><th class="num">accepted</th><th class="num">overridden</th><th class="num">override rate</th><th>override reasons</th></tr></thead><tbody>${
    rows || '<tr><td colspan="8">No card in this period.</td></tr>'
  }</tbody></table>
<h2>Per week</h2>
<p class="legend">Weeks start on Monday.<span class="k fired"></span>fired<span class="k overridden"></span>overridden<span class="k silent"></span>silent</p>
${charts ? `<div class="charts">${charts}</div>` : '<p>No card in this period.</p>'}`;
}

/** The same numbers as CSV (one row per rule and version; reasons as code=count;...). */
export function statsCsv(stats: RuleStats[]): string {
  const lines = ['rule_id,rule_version,fired,silent,accepted,overridden,override_reasons'];
  for (const s of stats)
    lines.push(
      csvLine([
        s.ruleId,
        s.ruleVersion,
        s.fired,
        s.silent,
        s.accepted,
        s.overridden,
        Object.entries(s.overrideReasons)
          .map(([k, n]) => `${k}=${n}`)
          .join(';'),
      ]),
    );
  return `${lines.join('\n')}\n`;
}
