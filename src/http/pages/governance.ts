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

/** The columns the dashboard sorts by, with what each reads. */
const SORTS = {
  rule: (s: RuleStats) => `${s.ruleId} ${s.ruleVersion}`,
  fired: (s: RuleStats) => s.fired,
  silent: (s: RuleStats) => s.silent,
  accepted: (s: RuleStats) => s.accepted,
  overridden: (s: RuleStats) => s.overridden,
  rate: (s: RuleStats) => (s.fired ? s.overridden / s.fired : -1),
  noResponse: (s: RuleStats) => s.noResponse,
} as const;
export type SortKey = keyof typeof SORTS;
export const isSortKey = (v: unknown): v is SortKey => typeof v === 'string' && v in SORTS;

/** A rule's override reasons by their wording (the card's own), most frequent first. */
export function reasonTags(content: Content, s: RuleStats): string {
  const words = new Map((content.rules[s.ruleId]?.overrideReasons ?? []).map((r) => [r.code, r.display]));
  return Object.entries(s.overrideReasons)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([code, n]) => {
      const said = words.get(code);
      return `<span class="tag" title="${h(code)}">${said ? h(said) : `<code>${h(code)}</code>`}: ${n}</span>`;
    })
    .join(' ');
}

/** The rows of one rule and version: the numbers the committee reads. */
function numbers(s: RuleStats): string {
  return `<td class="num fired">${s.fired}</td><td class="num silent">${s.silent}</td><td class="num accepted">${s.accepted}</td><td class="num overridden">${s.overridden}</td><td class="num rate">${pct(s.overridden, s.fired)}</td><td class="num noresponse">${s.noResponse}</td>`;
}

export function dashboardPage(
  content: Content,
  stats: RuleStats[],
  weeks: WeekStats[],
  filter: StatsFilter,
  query: string,
  sort: { by: SortKey; dir: 'asc' | 'desc' } = { by: 'rule', dir: 'asc' },
): string {
  const services = content.services.map((s) => s.id);
  const day = (iso?: string) => (iso ? iso.slice(0, 10) : '');
  const totals = stats.reduce(
    (a, s) => ({
      fired: a.fired + s.fired,
      silent: a.silent + s.silent,
      overridden: a.overridden + s.overridden,
      accepted: a.accepted + s.accepted,
      noResponse: a.noResponse + s.noResponse,
    }),
    { fired: 0, silent: 0, overridden: 0, accepted: 0, noResponse: 0 },
  );
  const allWeeks = [...new Set(weeks.map((w) => w.week))].sort();
  const key = SORTS[sort.by];
  const sorted = [...stats].sort((a, b) => {
    const x = key(a);
    const y = key(b);
    const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
    return (sort.dir === 'asc' ? c : -c) || SORTS.rule(a).localeCompare(SORTS.rule(b));
  });
  const rows = sorted
    .map((s) => {
      const current = content.rules[s.ruleId]?.version === s.ruleVersion;
      return `<tr data-rule="${h(s.ruleId)}" data-version="${h(s.ruleVersion)}"><td><a href="/governance/rule/${h(s.ruleId)}">${h(s.ruleId)}</a></td><td>${h(s.ruleVersion)}${
        current ? '' : ' <span class="tag">earlier version</span>'
      }</td>${numbers(s)}<td>${reasonTags(content, s)}</td></tr>`;
    })
    .join('');
  // Sortable columns: links that keep the filter (no script); the column sorted says so (aria-sort).
  const params = new URLSearchParams(query);
  const th = (by: SortKey, label: string, num = true) => {
    const active = sort.by === by;
    const dir = active && sort.dir === (by === 'rule' ? 'asc' : 'desc') ? (by === 'rule' ? 'desc' : 'asc') : by === 'rule' ? 'asc' : 'desc';
    const p = new URLSearchParams(params);
    p.set('sort', by);
    p.set('dir', dir);
    return `<th${num ? ' class="num"' : ''}${active ? ` aria-sort="${sort.dir === 'asc' ? 'ascending' : 'descending'}"` : ''}><a href="/governance?${h(p.toString())}#rules">${h(label)}${
      active ? (sort.dir === 'asc' ? ' ▲' : ' ▼') : ''
    }</a></th>`;
  };
  const charts = stats
    .filter((s) => s.fired + s.silent > 0)
    .map((s) => {
      const mine = weeks.filter((w) => w.ruleId === s.ruleId && w.ruleVersion === s.ruleVersion);
      return `<div class="rule"><h3>${h(s.ruleId)} v${h(s.ruleVersion)}</h3>${weeklyChart(mine, allWeeks, `${s.ruleId} v${s.ruleVersion} per week`)}</div>`;
    })
    .join('');
  const csvQuery = new URLSearchParams(params);
  csvQuery.delete('sort');
  csvQuery.delete('dir');
  return `<p class="lead">Per rule and version: cards returned (fired), computed but held back by silent mode (silent), and the clinicians' feedback: one card, one outcome (its last feedback); a card with none is "no response". Counted by the database; no patient data.</p>
<form method="get" action="/governance"><div class="row">
<label>Service<select name="service"><option value="">all services</option>${services.map((s) => `<option value="${h(s)}"${filter.service === s ? ' selected' : ''}>${h(s)}</option>`).join('')}</select></label>
<label>From<input type="date" name="from" value="${h(day(filter.from))}"></label>
<label>To (exclusive)<input type="date" name="to" value="${h(day(filter.to))}"></label>
<button type="submit">Apply</button> <a href="/governance/rules.csv${csvQuery.toString() ? `?${h(csvQuery.toString())}` : ''}">Download CSV</a>
</div></form>
<p>${totals.fired} cards fired · ${totals.silent} silent · ${totals.accepted} accepted · ${totals.overridden} overridden (${pct(totals.overridden, totals.fired) || 'no card'}) · ${totals.noResponse} with no response.</p>
<div class="wide"><table id="rules"><thead><tr>${th('rule', 'rule', false)}<th>version</th>${th('fired', 'fired')}${th('silent', 'silent')}${th('accepted', 'accepted')}${th('overridden', 'overridden')}${th('rate', 'override rate')}${th('noResponse', 'no response')}<th>override reasons</th></tr></thead><tbody>${
    rows || '<tr><td colspan="9">No card in this period.</td></tr>'
  }</tbody></table></div>
<h2>Per week</h2>
<p class="legend">Weeks start on Monday.<span class="k fired"></span>fired<span class="k overridden"></span>overridden<span class="k silent"></span>silent</p>
${charts ? `<div class="charts">${charts}</div>` : '<p>No card in this period.</p>'}`;
}

/**
 * One rule's page (GET /governance/rule/:id): its versions side by side (a version change shows as
 * the numbers before and after it), the silent period's would-have-fired counts next to the live
 * ones, the reasons by their wording, and the weeks of each version.
 */
export function rulePage(content: Content, ruleId: string, stats: RuleStats[], weeks: WeekStats[]): string {
  const rule = content.rules[ruleId];
  const mine = stats.filter((s) => s.ruleId === ruleId).sort((a, b) => (a.firstIssued ?? '').localeCompare(b.firstIssued ?? ''));
  const allWeeks = [...new Set(weeks.filter((w) => w.ruleId === ruleId).map((w) => w.week))].sort();
  const silentHere = content.site.silent.rules.includes(ruleId);
  const rows = mine
    .map(
      (s) =>
        `<tr data-version="${h(s.ruleVersion)}"><td>${h(s.ruleVersion)}${s.ruleVersion === rule?.version ? ' <span class="tag">in force</span>' : ''}</td><td>${h(
          (s.firstIssued ?? '').slice(0, 10),
        )} – ${h((s.lastIssued ?? '').slice(0, 10))}</td>${numbers(s)}<td class="num">${s.revised}</td><td>${reasonTags(content, s)}</td></tr>`,
    )
    .join('');
  const charts = mine
    .map(
      (s) =>
        `<div class="rule"><h3>v${h(s.ruleVersion)}</h3>${weeklyChart(
          weeks.filter((w) => w.ruleId === ruleId && w.ruleVersion === s.ruleVersion),
          allWeeks,
          `${ruleId} v${s.ruleVersion} per week`,
        )}</div>`,
    )
    .join('');
  const live = mine.reduce((n, s) => n + s.fired, 0);
  const silent = mine.reduce((n, s) => n + s.silent, 0);
  return `<p class="lead">${rule ? `${h(rule.title)} · in force: version ${h(rule.version)}` : 'Not in the current content (an earlier rule).'}${
    silentHere ? ' · <span class="tag site">silent at this site</span>' : ''
  } · <a href="/catalogue#${h(ruleId)}">in the catalogue</a> · <a href="/governance">all rules</a></p>
<p>Live: <strong class="live">${live}</strong> cards shown · silent: <strong class="would">${silent}</strong> would have fired.</p>
<h2>Versions side by side</h2>
<div class="wide"><table id="versions"><thead><tr><th>version</th><th>cards issued</th><th class="num">fired</th><th class="num">silent (would have fired)</th><th class="num">accepted</th><th class="num">overridden</th><th class="num">override rate</th><th class="num">no response</th><th class="num">outcome changed</th><th>override reasons</th></tr></thead><tbody>${
    rows || '<tr><td colspan="10">No card of this rule yet.</td></tr>'
  }</tbody></table></div>
<h2>Per week</h2>
<p class="legend">Weeks start on Monday.<span class="k fired"></span>fired<span class="k overridden"></span>overridden<span class="k silent"></span>silent</p>
${charts ? `<div class="charts">${charts}</div>` : '<p>No card of this rule yet.</p>'}`;
}

/** The same numbers as CSV (one row per rule and version; outcomes as on the dashboard; reasons as code=count;...). */
export function statsCsv(stats: RuleStats[]): string {
  const lines = ['rule_id,rule_version,fired,silent,accepted,overridden,no_response,revised,override_reasons'];
  for (const s of stats)
    lines.push(
      csvLine([
        s.ruleId,
        s.ruleVersion,
        s.fired,
        s.silent,
        s.accepted,
        s.overridden,
        s.noResponse,
        s.revised,
        Object.entries(s.overrideReasons)
          .map(([k, n]) => `${k}=${n}`)
          .join(';'),
      ]),
    );
  return `${lines.join('\n')}\n`;
}
