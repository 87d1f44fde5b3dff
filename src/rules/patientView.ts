/**
 * Patient-view rules (KB section 2). Each is a small pure function over the facts and the derived
 * clinical state that returns a finding with its evidence, or nothing. Gates G1-G3b are applied
 * by the engine before these run (see ./engine.ts).
 */
import { DAY, HOUR, daysBetween, isoDate, localDate } from '../facts/clock';
import { activeOrGiven, activeOrders, drug, exposureInWindow, finalInWindow, orderedOrGiven, series } from '../facts';
import { inRemission, lastCaplaTime } from '../facts/state';
import { isActiveOrder } from '../facts/extract';
import type { Evidence, MedOrder } from '../facts/types';
import { fmt } from '../units';
import { type Finding, type Rule, type RuleContext, labEvidence, matchNote } from './types';

const r1 = (n: number) => String(Math.round(n * 10) / 10);

function episodeEvidence(ctx: RuleContext): Evidence[] {
  const ep = ctx.f.episode;
  if (!ep) return [];
  return [
    { label: 'TPE day', value: `${ep.peDay} (day 1 = ${ep.day1})`, time: ep.firstSession, ref: ep.sessions[0]!.ref },
    { label: 'TPE sessions', value: String(ep.sessionCount), time: ep.lastSession, ref: ep.sessions[ep.sessions.length - 1]!.ref },
  ];
}

function trendEvidence(ctx: RuleContext): Evidence[] {
  const { s, units } = ctx;
  const out: Evidence[] = [];
  if (s.baselinePlatelets && s.baselinePlatelets !== s.latestPlatelets) out.push(...labEvidence(s.baselinePlatelets, units, 'Platelets, baseline'));
  out.push(...labEvidence(s.latestPlatelets, units, 'Platelets, latest'));
  if (s.baselineLdh && s.baselineLdh !== s.latestLdh) out.push(...labEvidence(s.baselineLdh, units, 'LDH, baseline').map((e) => ({ ...e, value: `${e.value} (${r1(s.ldhX(s.baselineLdh!))}x ULN)` })));
  if (s.latestLdh) out.push(...labEvidence(s.latestLdh, units, 'LDH, latest').map((e) => ({ ...e, value: `${e.value} (${r1(s.ldhX(s.latestLdh!))}x ULN)` })));
  return out;
}

function sessionNotes(ctx: RuleContext): string[] {
  const ep = ctx.f.episode;
  const n = ep?.sessions.find((x) => x.by !== 'code');
  return n ? [matchNote(n.by, 'plasma exchange', 'A TPE session')!].filter(Boolean) : [];
}

function drugNotes(ctx: RuleContext, d: Parameters<typeof drug>[1], concept: string): string[] {
  const e = drug(ctx.f, d);
  const out: string[] = [];
  const textual = [...e.orders, ...e.administrations].find((x) => x.by !== 'code');
  if (textual) out.push(matchNote(textual.by, textual.display, concept)!);
  for (const o of e.ignoredOrders) out.push(`${o.ref} (${concept}, status ${o.status}${o.intent && o.status !== 'cancelled' ? `, intent ${o.intent}` : ''}) does not count as ordered.`);
  return out;
}

function gapNotes(ctx: RuleContext, keys: string[]): string[] {
  return ctx.f.gaps.filter((g) => keys.includes(g.key)).map((g) => `Data not available: ${g.key} (${g.reason}); this card may be incomplete.`);
}

function current(ctx: RuleContext) {
  const ep = ctx.f.episode;
  return ep?.current ? ep : undefined;
}

// ---------------------------------------------------------------------------------------------

/** TTP-CAPLA-DAY5 (patient-view part), and the optional up-front info card (KB section 3). */
export const caplaDay5: Rule = (ctx) => {
  const { f, s } = ctx;
  const ep = current(ctx);
  if (!ep) return;
  if (activeOrGiven(f, 'capla')) return;
  if (f.bleeds.length > 0) return;
  if (s.noImprovement === true) return caplaDay5Finding(ctx, 'default');
  const a13 = s.a13;
  if (ctx.flag('caplaUpfrontInfoCard') && a13 && (a13.value < ctx.param('adamts13SevereBelow') || a13.comparator?.startsWith('<'))) {
    return {
      ruleId: 'TTP-CAPLA-DAY5',
      indicator: 'info',
      variant: 'upfront',
      params: { N: ep.peDay, x: `${a13.comparator ?? ''}${fmt(a13.value)}` },
      evidence: [...episodeEvidence(ctx), ...labEvidence(a13, ctx.units, 'ADAMTS13 activity'), { label: 'Caplacizumab', value: 'not ordered-and-active, not given this episode' }],
      notes: drugNotes(ctx, 'capla', 'Caplacizumab'),
      suggestions: [{ key: 'start-caplacizumab' }],
    };
  }
  return undefined;
};

export function caplaDay5Finding(ctx: RuleContext, summary: 'default' | 'order', peDay?: number): Finding {
  const { f, s } = ctx;
  const ep = f.episode!;
  const critical = s.refractoryNumeric === true;
  return {
    ruleId: 'TTP-CAPLA-DAY5',
    indicator: critical ? 'critical' : 'warning',
    variant: summary === 'order' ? 'order' : critical ? 'refractory' : 'default',
    params: { N: peDay ?? ep.peDay, sessions: ep.sessionCount },
    evidence: [
      ...episodeEvidence(ctx),
      ...trendEvidence(ctx),
      { label: 'Improvement (D4)', value: s.improvingWhy || String(s.improving) },
      { label: 'Caplacizumab', value: 'not ordered-and-active, not given this episode' },
    ],
    notes: [...sessionNotes(ctx), ...drugNotes(ctx, 'capla', 'Caplacizumab'), ...gapNotes(ctx, ['medicationAdministrations', 'labs'])],
    suggestions: [{ key: 'start-caplacizumab', isRecommended: true }],
  };
}

/** TTP-RTX-MISSING. */
export const rtxMissing: Rule = (ctx) => {
  const { f, s, units } = ctx;
  const ep = current(ctx);
  if (!ep || !s.confirmed.yes) return;
  if (orderedOrGiven(f, 'rtx')) return;
  const relapse = f.relapseCoded || ep.previousEpisodeEnd !== undefined;
  const refractory = s.refractoryNumeric === true || s.refractoryBroad === true;
  const escalated = relapse || refractory;
  const e = drug(f, 'rtx');
  const recent = [...e.administrations].reverse().find((a) => f.now - a.time < 183 * DAY);
  const evidence: Evidence[] = [
    ...episodeEvidence(ctx),
    { label: 'iTTP confirmed by', value: s.confirmed.how },
    ...labEvidence(s.a13, units, 'ADAMTS13 activity, latest'),
    { label: 'Rituximab', value: 'not ordered or given this episode' },
  ];
  if (relapse) evidence.push({ label: 'Episode', value: f.relapseCoded ? 'relapse (coded)' : `new TPE episode after an earlier one ended ${isoDate(ep.previousEpisodeEnd, f.tz)}` });
  if (refractory) evidence.push({ label: 'Refractory', value: s.refractoryNumeric === true ? 'IWG numeric definition met' : 'no response after 5 sessions' });
  const notes = [...drugNotes(ctx, 'rtx', 'Rituximab'), ...gapNotes(ctx, ['medicationAdministrations'])];
  if (recent) notes.push(`Rituximab was given on ${isoDate(recent.time, f.tz)} (${recent.ref}), before this episode.`);
  return {
    ruleId: 'TTP-RTX-MISSING',
    indicator: ep.peDay >= ctx.param('rtxWarningPeDay') ? 'warning' : 'info',
    variant: escalated ? 'escalated' : 'default',
    params: { N: ep.peDay, confirmation: s.confirmed.how, context: relapse ? (refractory ? 'Relapsed, refractory' : 'Relapsed') : 'Refractory' },
    evidence,
    notes,
    suggestions: [{ key: 'start-rituximab', isRecommended: true }],
  };
};

/** TTP-STEROID-MISSING. */
export const steroidMissing: Rule = (ctx) => {
  const { f } = ctx;
  const ep = current(ctx);
  if (!ep || ep.peDay < ctx.param('steroidMissingPeDay')) return;
  if (orderedOrGiven(f, 'steroid')) return;
  return {
    ruleId: 'TTP-STEROID-MISSING',
    indicator: 'warning',
    params: { N: ep.peDay },
    evidence: [...episodeEvidence(ctx), { label: 'Corticosteroids', value: 'none ordered or given this episode' }],
    notes: [...sessionNotes(ctx), ...drugNotes(ctx, 'steroid', 'A corticosteroid'), ...gapNotes(ctx, ['medicationAdministrations'])],
    suggestions: [{ key: 'start-mp-pulse', isRecommended: true }],
  };
};

/** Days with >= 1 g methylprednisolone given, and whether a pulse course is ordered. */
function mpPulse(ctx: RuleContext): { days: string[]; ordered?: MedOrder } {
  const { f } = ctx;
  const x = exposureInWindow(f, 'mp');
  const perDay = new Map<string, number>();
  for (const a of x.given) {
    if (a.dose?.mg === undefined) continue;
    const d = isoDate(a.time, f.tz);
    perDay.set(d, (perDay.get(d) ?? 0) + a.dose.mg);
  }
  const min = ctx.param('mpPulseMinDailyMg');
  const days = [...perDay].filter(([, mg]) => mg >= min).map(([d]) => d);
  const ordered = x.orders.find(
    (o) =>
      (o.status === 'active' || o.status === 'completed') &&
      o.dose?.mg !== undefined &&
      o.dose.mg * (o.perDay ?? 1) >= min &&
      (o.count ?? (o.durationDays !== undefined ? o.durationDays * (o.perDay ?? 1) : Infinity)) >= ctx.param('mpPulseMinDays'),
  );
  return { days, ordered };
}

/** TTP-MP-PULSE. */
export const mpPulseRule: Rule = (ctx) => {
  const { f, s } = ctx;
  const ep = current(ctx);
  if (!ep) return;
  if (!(s.noImprovement === true || s.refractoryNumeric === true)) return;
  if (!s.steroidGiven) return;
  const { days, ordered } = mpPulse(ctx);
  if (days.length >= ctx.param('mpPulseMinDays') || ordered) return;
  return {
    ruleId: 'TTP-MP-PULSE',
    indicator: 'info',
    params: { N: ep.peDay, state: s.refractoryNumeric === true ? 'refractory (IWG numeric definition)' : 'not improving', pulseDays: days.length ? days.join(', ') : 'none' },
    evidence: [...episodeEvidence(ctx), ...trendEvidence(ctx), { label: 'Methylprednisolone >= 1 g days', value: days.length ? days.join(', ') : 'none recorded' }],
    notes: [...drugNotes(ctx, 'steroid', 'A corticosteroid'), ...gapNotes(ctx, ['medicationAdministrations'])],
    suggestions: [{ key: 'start-mp-pulse' }],
  };
};

/** TTP-REFRACTORY-2L. */
export const refractory2L: Rule = (ctx) => {
  const { f, s } = ctx;
  const ep = current(ctx);
  if (!ep) return;
  const numeric = s.refractoryNumeric === true;
  const broad = s.refractoryBroad === true && s.improving === false;
  if (!numeric && !broad) return;
  if (!s.steroidGiven || !s.rtxGiven) return;
  const capla = activeOrGiven(f, 'capla');
  const secondLine = exposureInWindow(f, 'second-line');
  const evidence: Evidence[] = [...episodeEvidence(ctx), ...trendEvidence(ctx), { label: 'Clinical response (D2)', value: s.response.status }];
  for (const o of secondLine.orders) evidence.push({ label: 'Second-line agent ordered', value: `${o.display} (${o.status})`, time: o.time, ref: o.ref });
  return {
    ruleId: 'TTP-REFRACTORY-2L',
    indicator: 'warning',
    params: {
      n: ep.sessionCount,
      definition: numeric ? 'Refractory by the IWG numeric definition (platelets < 50, LDH > 1.5x ULN)' : 'No clinical response and no improvement',
      caplaLine: capla ? 'Caplacizumab is already ordered or given this episode.' : '**Add caplacizumab first if it is not contraindicated: it is not ordered or given this episode.**',
    },
    evidence,
    notes: [...drugNotes(ctx, 'rtx', 'Rituximab'), ...gapNotes(ctx, ['medicationAdministrations'])],
  };
};

/** TTP-DARA-LASTLINE (patient-view): still refractory >= 7 d after a second-line agent. */
export const daraLastLinePv: Rule = (ctx) => {
  const { f, s } = ctx;
  const ep = current(ctx);
  if (!ep) return;
  const refractory = s.refractoryNumeric === true || (s.refractoryBroad === true && s.improving === false);
  if (!refractory) return;
  const x = exposureInWindow(f, 'second-line');
  const starts = [...x.given.map((a) => ({ time: a.time, ref: a.ref, display: a.display })), ...x.orders.filter((o) => o.time !== undefined && o.status !== 'on-hold').map((o) => ({ time: o.time!, ref: o.ref, display: o.display }))].sort((a, b) => a.time - b.time);
  const first = starts[0];
  if (!first || f.now - first.time < ctx.param('daraLastLineDaysAfter2L') * DAY) return;
  if (orderedOrGiven(f, 'dara')) return;
  const days = Math.floor((f.now - first.time) / DAY);
  return {
    ruleId: 'TTP-DARA-LASTLINE',
    indicator: 'info',
    params: { reason: `Still refractory **${days} days** after the first second-line agent (${first.display}, ${isoDate(first.time, f.tz)}). If daratumumab is considered, it is last-line.` },
    evidence: [...episodeEvidence(ctx), ...trendEvidence(ctx), { label: 'First second-line agent', value: first.display, time: first.time, ref: first.ref }],
    notes: [],
  };
};

/** TTP-ADAMTS13-MISSING. */
export const adamts13Missing: Rule = (ctx) => {
  const { f } = ctx;
  const onsetRecent = f.activeIttp.some((c) => c.time !== undefined && f.now - c.time < ctx.param('episodeGapDays') * DAY);
  if (!current(ctx) && !onsetRecent) return;
  const a13 = series(f, 'adamts13');
  const measured = [...a13.final, ...a13.preliminary].some((v) => v.time >= f.windowStart) || a13.pending.some((p) => (p.time ?? f.now) >= f.windowStart) || a13.problems.some((p) => (p.time ?? f.now) >= f.windowStart);
  if (measured) return;
  const ordered = f.a13Orders.some((o) => o.status === 'active' || o.status === 'completed' || o.status === 'on-hold');
  if (ordered) return;
  const ignored = f.a13Orders.filter((o) => o.status !== 'active' && o.status !== 'completed');
  return {
    ruleId: 'TTP-ADAMTS13-MISSING',
    indicator: 'warning',
    params: { since: isoDate(f.windowStart, f.tz) },
    evidence: [...episodeEvidence(ctx), { label: 'ADAMTS13 activity', value: `no result since ${isoDate(f.windowStart, f.tz)}, no active or completed order` }],
    notes: [
      ...ignored.map((o) => `${o.ref} (ADAMTS13 order, status ${o.status}) does not count.`),
      'ADAMTS13 tests are recognised by LOINC 53622-7, site-local codes and by text ("ADAMTS13", "cleaving protease").',
      ...gapNotes(ctx, ['labs', 'serviceRequests']),
    ],
    suggestions: [{ key: 'order-adamts13', isRecommended: true }],
  };
};

/** TTP-ADAMTS13-INHIB. */
export const adamts13Inhib: Rule = (ctx) => {
  const { f, s, units } = ctx;
  const a13 = s.a13;
  if (!a13 || !(a13.value < ctx.param('adamts13SevereBelow') || (a13.comparator?.startsWith('<') && a13.value <= ctx.param('adamts13SevereBelow')))) return;
  const inh = series(f, 'adamts13Inhibitor');
  if (inh.final.length || inh.preliminary.length || inh.pending.length || inh.problems.length) return;
  if (f.a13InhOrders.some((o) => o.status === 'active' || o.status === 'completed' || o.status === 'on-hold')) return;
  return {
    ruleId: 'TTP-ADAMTS13-INHIB',
    indicator: 'info',
    params: { x: `${a13.comparator ?? ''}${fmt(a13.value)}`, date: isoDate(a13.time, f.tz) },
    evidence: [...labEvidence(a13, units), { label: 'ADAMTS13 inhibitor / IgG', value: 'no result or order' }],
    notes: [
      'Inhibitor and anti-ADAMTS13 IgG tests have no verified LOINC code; they are recognised by site-local codes and by text.',
      ...(a13.by !== 'code' ? [matchNote(a13.by, a13.raw, 'The ADAMTS13 result')!] : []),
    ],
    suggestions: [{ key: 'order-inhibitor', isRecommended: true }],
  };
};

/** TTP-ADAMTS13-MONITOR. */
export const adamts13Monitor: Rule = (ctx) => {
  const { f, units } = ctx;
  const active = activeOrders(f, 'capla');
  if (active.length === 0) return;
  const since = f.now - ctx.param('adamts13MonitorDays') * DAY;
  const a13 = series(f, 'adamts13');
  const recent = [...a13.final, ...a13.preliminary].filter((v) => v.time >= since);
  if (recent.length) return;
  if (a13.pending.some((p) => (p.time ?? f.now) >= since)) return;
  if (f.a13Orders.some((o) => o.status === 'active' && (o.time ?? f.now) >= since)) return;
  const last = a13.final[a13.final.length - 1] ?? a13.preliminary[a13.preliminary.length - 1];
  return {
    ruleId: 'TTP-ADAMTS13-MONITOR',
    indicator: 'info',
    params: { last: last ? `${fmt(last.value)}% on ${isoDate(last.time, f.tz)}` : 'none on record' },
    evidence: [{ label: 'Caplacizumab', value: `active (${active[0]!.display})`, time: active[0]!.time, ref: active[0]!.ref }, ...labEvidence(last, units, 'ADAMTS13 activity, last')],
    notes: drugNotes(ctx, 'capla', 'Caplacizumab'),
    suggestions: [{ key: 'order-adamts13-activity', isRecommended: true }],
  };
};

const MONITORED = ['platelets', 'hemoglobin', 'ldh'] as const;

/** TTP-MON-DAILY, and its sub-card TTP-SMEAR-MISSING (only alongside a monitoring gap). */
export const monDaily: Rule = (ctx) => {
  const { f, units } = ctx;
  const ep = f.episode;
  const recentTpe = ep && f.now - ep.lastSession <= ctx.param('monitoringRecentTpeHours') * HOUR;
  const activeTpeOrder = f.tpeOrders.find((o) => isActiveOrder(o, f.now));
  if (!recentTpe && !activeTpeOrder) return;
  const hours = ctx.param('monitoringGapHours');
  const since = f.now - hours * HOUR;
  const missing: string[] = [];
  const evidence: Evidence[] = [];
  const notes: string[] = [];
  for (const a of MONITORED) {
    const sr = series(f, a);
    const def = units.analyte(a);
    const usable = [...sr.final, ...sr.preliminary].filter((v) => v.time >= since && v.time <= f.now + HOUR);
    if (usable.length) continue;
    missing.push(def.short);
    const lastUsable = [...sr.final, ...sr.preliminary].filter((v) => v.time <= f.now + HOUR).sort((x, y) => x.time - y.time).pop();
    evidence.push({ label: `${def.label}, last usable`, value: lastUsable ? `${fmt(lastUsable.value)} ${def.display} (${Math.round((f.now - lastUsable.time) / HOUR)} h ago)` : 'never measured', time: lastUsable?.time, ref: lastUsable?.ref });
    for (const p of sr.problems.filter((x) => (x.time ?? f.now) >= since)) notes.push(`${def.label} ${p.ref} ("${p.raw}") cannot be used: ${p.reason}.`);
  }
  if (missing.length === 0) return;
  const tpe = recentTpe ? `last session ${Math.round((f.now - ep!.lastSession) / HOUR)} h ago, TPE day ${ep!.peDay}` : `active TPE order ${activeTpeOrder!.ref}`;
  const findings: Finding[] = [
    {
      ruleId: 'TTP-MON-DAILY',
      indicator: 'warning',
      params: { missing: missing.join('/'), hours },
      evidence: [...(ep ? episodeEvidence(ctx) : []), ...evidence],
      notes: [...notes, ...gapNotes(ctx, ['labs'])],
      suggestions: [{ key: 'order-daily-labs', isRecommended: true }],
    },
  ];
  const smear = series(f, 'smear');
  const smearSeen = [...smear.final, ...smear.preliminary].some((v) => v.time >= f.windowStart) || smear.pending.length > 0 || f.smearOrders.some((o) => o.status === 'active' || o.status === 'completed');
  if (!smearSeen) {
    findings.push({
      ruleId: 'TTP-SMEAR-MISSING',
      indicator: 'info',
      params: { since: isoDate(f.windowStart, f.tz) },
      evidence: [{ label: 'Schistocytes / smear', value: `no result since ${isoDate(f.windowStart, f.tz)}` }],
      notes: [],
      suggestions: [{ key: 'order-smear' }],
    });
  }
  return findings;
};

/** TTP-PE-STOP-EARLY. */
export const peStopEarly: Rule = (ctx) => {
  const { f, s } = ctx;
  const ep = f.episode;
  if (!ep) return;
  const lookback = ctx.param('peStopLookbackDays') * DAY;
  if (f.now - ep.lastSession > lookback) return;
  const activeOrder = f.tpeOrders.find((o) => isActiveOrder(o, f.now));
  const gapH = (f.now - ep.lastSession) / HOUR;
  // `revoked` is a stop. `completed` is also how some EHRs close a per-session order after each
  // exchange, so it counts as a stop only once the next daily session is due (>= 24 h).
  const ended = f.tpeOrders
    .filter((o) => (o.status === 'revoked' || (o.status === 'completed' && gapH >= 24)) && (o.end ?? o.time ?? 0) >= ep.firstSession)
    .sort((a, b) => (b.end ?? b.time ?? 0) - (a.end ?? a.time ?? 0))[0];
  let how: string | undefined;
  let ref: string | undefined;
  if (ended && !activeOrder) {
    how = `The TPE order ${ended.ref} is **${ended.status}**; last session ${isoDate(ep.lastSession, f.tz)} (TPE day ${ep.peDay} today)`;
    ref = ended.ref;
  } else if (gapH > ctx.param('peStopGapHours')) {
    how = `No TPE session for **${Math.round(gapH)} h** (last ${isoDate(ep.lastSession, f.tz)})${activeOrder ? ', although a TPE order is active' : ''}`;
  }
  if (!how) return;
  if (s.response.status === 'met') return;
  const p = s.latestPlatelets;
  const l = s.latestLdh;
  const response = s.response.status === 'unknown' ? `not confirmed (missing: ${s.response.missing?.join(', ')})` : 'not met';
  return {
    ruleId: 'TTP-PE-STOP-EARLY',
    indicator: 'warning',
    params: { p: p ? fmt(p.value) : 'unknown', l: l ? r1(s.ldhX(l)) : 'unknown', how, response },
    evidence: [...episodeEvidence(ctx), ...(ref ? [{ label: 'TPE order', value: ended!.status, time: ended!.end ?? ended!.time, ref }] : []), ...trendEvidence(ctx)],
    notes: [...gapNotes(ctx, ['serviceRequests', 'procedures', 'labs'])],
    suggestions: [{ key: 'resume-tpe', isRecommended: true }],
  };
};

/** TTP-EXACERBATION. */
export const exacerbation: Rule = (ctx) => {
  const { f, s, content } = ctx;
  const ep = f.episode;
  if (!ep || s.response.status !== 'met' || s.response.at === undefined) return;
  const latest = s.latestPlatelets;
  if (!latest || latest.time <= s.response.at || latest.value >= ctx.param('responsePlatelets')) return;
  if (f.otherCauses.length > 0) return;
  const window = ctx.param('exacerbationWindowDays') * DAY;
  const lastTpe = ep.lastSession;
  const lastCapla = lastCaplaTime(f);
  const nearTpe = latest.time - lastTpe <= window;
  const nearCapla = lastCapla !== undefined && latest.time - lastCapla <= window;
  if (!nearTpe && !nearCapla) return;
  if (inRemission(f, s, content, latest.time)) return;
  const stoppedAt = nearCapla && lastCapla! >= lastTpe ? lastCapla! : lastTpe;
  const stopped = nearCapla && lastCapla! >= lastTpe ? 'the last caplacizumab dose' : 'the last TPE';
  return {
    ruleId: 'TTP-EXACERBATION',
    indicator: 'warning',
    params: {
      p: fmt(latest.value),
      pDate: isoDate(latest.time, f.tz),
      responseDate: isoDate(s.response.at, f.tz),
      days: Math.max(0, Math.floor((latest.time - stoppedAt) / DAY)),
      stopped: `${stopped} (${isoDate(stoppedAt, f.tz)})`,
    },
    evidence: [
      { label: 'Clinical response reached', value: isoDate(s.response.at, f.tz) },
      { label: 'Last TPE session', value: isoDate(lastTpe, f.tz), time: lastTpe, ref: ep.sessions[ep.sessions.length - 1]!.ref },
      ...(lastCapla !== undefined ? [{ label: 'Last caplacizumab', value: isoDate(lastCapla, f.tz) }] : []),
      ...labEvidence(latest, ctx.units, 'Platelets, latest'),
      ...labEvidence(s.latestLdh, ctx.units, 'LDH, latest'),
    ],
    notes: ['No other cause of thrombocytopenia (HIT, DIC, sepsis...) is coded; exclude one before calling this an exacerbation.'],
    suggestions: [{ key: 'order-adamts13-ldh', isRecommended: true }],
  };
};

/** TTP-DX-RECONSIDER. */
export const dxReconsider: Rule = (ctx) => {
  const { f, s, units } = ctx;
  if (!s.a13Negative || !s.a13) return;
  // A value > 20% after a documented deficiency this episode is recovery, not evidence against TTP.
  if (finalInWindow(f, 'adamts13').some((v) => v.value <= ctx.param('adamts13NegativeAbove') || v.comparator?.startsWith('<'))) return;
  const capla = activeOrders(f, 'capla')[0];
  const cond = f.activeIttp[0]!;
  return {
    ruleId: 'TTP-DX-RECONSIDER',
    indicator: capla ? 'warning' : 'info',
    params: {
      x: fmt(s.a13.value),
      date: isoDate(s.a13.time, f.tz),
      condition: cond.display,
      caplaLine: capla ? `**Caplacizumab is active (${capla.ref}): ISTH advises stopping it when ADAMTS13 is > 20%.**` : '',
    },
    evidence: [...labEvidence(s.a13, units), { label: 'Diagnosis', value: cond.display, time: cond.time, ref: cond.ref }, ...(capla ? [{ label: 'Caplacizumab', value: 'active', time: capla.time, ref: capla.ref }] : [])],
    notes: s.a13.by !== 'code' ? [matchNote(s.a13.by, s.a13.raw, 'The ADAMTS13 result')!] : [],
  };
};

/** The caplacizumab order whose end triggers TTP-CAPLA-STOP, if any. */
export function caplaEnding(ctx: RuleContext, orders: MedOrder[]): { order: MedOrder; end: number; ending: string } | undefined {
  const { f } = ctx;
  const recent = ctx.param('caplaStopRecentHours') * HOUR;
  const upcoming = ctx.param('caplaStopUpcomingDays') * DAY;
  for (const o of orders) {
    if ((o.status === 'stopped' || o.status === 'completed') && o.end !== undefined && f.now - o.end <= recent && o.end <= f.now + upcoming)
      return { order: o, end: o.end, ending: o.end <= f.now ? 'was stopped' : 'is planned to end' };
    if ((o.status === 'active' || o.status === 'draft') && o.end !== undefined && o.end >= f.now - recent && o.end <= f.now + upcoming)
      return { order: o, end: o.end, ending: o.end <= f.now ? 'ended' : 'is planned to end' };
  }
  return undefined;
}

/** TTP-CAPLA-STOP for a given ending order (shared by patient-view and order-select). */
export function caplaStopFinding(ctx: RuleContext, ending: { order: MedOrder; end: number; ending: string }): Finding | undefined {
  const { f, units } = ctx;
  const a13 = series(f, 'adamts13').final.filter((v) => v.time <= f.now + HOUR).pop();
  const recentA13 = a13 && f.now - a13.time <= ctx.param('adamts13MonitorDays') * DAY ? a13 : undefined;
  const lastTpe = f.episode?.lastSession;
  const evidence: Evidence[] = [
    { label: 'Caplacizumab end', value: `${isoDate(ending.end, f.tz)} (${ending.order.status})`, time: ending.order.time, ref: ending.order.ref },
    ...(lastTpe !== undefined ? [{ label: 'Last TPE session', value: isoDate(lastTpe, f.tz), time: lastTpe }] : []),
    ...labEvidence(a13, units, 'ADAMTS13 activity, latest'),
  ];
  const base = { end: isoDate(ending.end, f.tz), ending: ending.ending, lastTpe: isoDate(lastTpe, f.tz) };
  const notes = drugNotes(ctx, 'capla', 'Caplacizumab');
  const threshold = ctx.param('adamts13NegativeAbove');
  if (!recentA13) {
    return { ruleId: 'TTP-CAPLA-STOP', indicator: 'warning', variant: 'unknown', params: { ...base, a13: a13 ? `${fmt(a13.value)}% on ${isoDate(a13.time, f.tz)}, older than 7 days` : 'none on record' }, evidence, notes, suggestions: [{ key: 'order-adamts13-activity', isRecommended: true }] };
  }
  if (recentA13.value < threshold || recentA13.comparator?.startsWith('<')) {
    const severe = recentA13.value < ctx.param('adamts13SevereBelow');
    return {
      ruleId: 'TTP-CAPLA-STOP',
      indicator: 'warning',
      variant: severe ? 'severe' : 'default',
      params: { ...base, x: `${recentA13.comparator ?? ''}${fmt(recentA13.value)}`, a13: `${fmt(recentA13.value)}% on ${isoDate(recentA13.time, f.tz)}${severe ? ' (< 10%: severe deficiency)' : ''}` },
      evidence,
      notes,
    };
  }
  const daysAfterTpe = lastTpe !== undefined ? daysBetween(localDate(lastTpe, f.tz), localDate(ending.end, f.tz)) : undefined;
  if (daysAfterTpe !== undefined && daysAfterTpe < ctx.param('caplaPostTpeDays')) {
    return {
      ruleId: 'TTP-CAPLA-STOP',
      indicator: 'info',
      variant: 'early',
      params: { ...base, x: fmt(recentA13.value), days: daysAfterTpe, a13: `${fmt(recentA13.value)}% on ${isoDate(recentA13.time, f.tz)}` },
      evidence,
      notes,
    };
  }
  return undefined;
}

/** TTP-CAPLA-STOP (patient-view). */
export const caplaStop: Rule = (ctx) => {
  const e = drug(ctx.f, 'capla');
  const ending = caplaEnding(ctx, e.orders);
  return ending ? caplaStopFinding(ctx, ending) : undefined;
};

/** TTP-CAPLA-DURATION for orders (shared by patient-view and order-select). */
export function caplaDurationFinding(ctx: RuleContext, orders: MedOrder[]): Finding | undefined {
  const { f } = ctx;
  const lastTpe = f.episode?.lastSession;
  if (lastTpe === undefined) return undefined;
  // The label counts calendar days after the last daily TPE.
  const maxDays = ctx.param('caplaPostTpeDays') + ctx.param('caplaExtensionDays');
  const lastDate = localDate(lastTpe, f.tz);
  const o = orders.find((x) => x.end !== undefined && daysBetween(lastDate, localDate(x.end, f.tz)) > maxDays);
  if (!o) return undefined;
  const days = daysBetween(lastDate, localDate(o.end!, f.tz));
  return {
    ruleId: 'TTP-CAPLA-DURATION',
    indicator: 'info',
    params: { end: isoDate(o.end, f.tz), days, lastTpe: lastDate, maxEnd: isoDate(lastTpe + maxDays * DAY, f.tz) },
    evidence: [
      { label: 'Caplacizumab planned end', value: isoDate(o.end, f.tz), time: o.time, ref: o.ref },
      { label: 'Last TPE session', value: lastDate, time: lastTpe },
    ],
    notes: [],
  };
}

export const caplaDuration: Rule = (ctx) => caplaDurationFinding(ctx, activeOrders(ctx.f, 'capla'));

/** The G3 conflict card: congenital and acquired TTP both recorded. */
export function subtypeConflict(ctx: RuleContext): Finding {
  const c = ctx.f.conditions.filter((x) => x.kind === 'congenital' || x.kind === 'ittp');
  return {
    ruleId: 'TTP-SUBTYPE-CONFLICT',
    indicator: 'info',
    params: { conditions: c.map((x) => `${x.display} (${x.ref})`).join('; ') },
    evidence: c.map((x) => ({ label: x.kind === 'congenital' ? 'Congenital TTP' : 'Acquired/immune TTP', value: x.display, time: x.time, ref: x.ref })),
    notes: [],
  };
}

/** Patient-view rules in card order (most urgent first); G3b marks the escalation rules. */
export const PATIENT_VIEW_RULES: { id: string; rule: Rule; escalation: boolean }[] = [
  { id: 'TTP-CAPLA-DAY5', rule: caplaDay5, escalation: true },
  { id: 'TTP-DX-RECONSIDER', rule: dxReconsider, escalation: false },
  { id: 'TTP-PE-STOP-EARLY', rule: peStopEarly, escalation: false },
  { id: 'TTP-REFRACTORY-2L', rule: refractory2L, escalation: true },
  { id: 'TTP-RTX-MISSING', rule: rtxMissing, escalation: true },
  { id: 'TTP-STEROID-MISSING', rule: steroidMissing, escalation: false },
  { id: 'TTP-EXACERBATION', rule: exacerbation, escalation: false },
  { id: 'TTP-CAPLA-STOP', rule: caplaStop, escalation: false },
  { id: 'TTP-ADAMTS13-MISSING', rule: adamts13Missing, escalation: false },
  { id: 'TTP-MON-DAILY', rule: monDaily, escalation: false },
  { id: 'TTP-MP-PULSE', rule: mpPulseRule, escalation: true },
  { id: 'TTP-DARA-LASTLINE', rule: daraLastLinePv, escalation: true },
  { id: 'TTP-ADAMTS13-INHIB', rule: adamts13Inhib, escalation: true },
  { id: 'TTP-ADAMTS13-MONITOR', rule: adamts13Monitor, escalation: false },
  { id: 'TTP-CAPLA-DURATION', rule: caplaDuration, escalation: false },
];

