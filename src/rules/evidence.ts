/** Evidence rows and notes that several rules show the same way. */
import { noteText } from '../content';
import { type Facts, drug, recordedElsewhere, staleActiveOrders } from '../facts';
import { above } from '../facts/compare';
import { labDisplay } from '../facts/labs';
import type { ConditionFact, DrugClass, Episode, Evidence, LabValue, RecordedElsewhere } from '../facts/types';
import { HOUR, isoDate } from '../fhir/time';
import type { MatchKind } from '../terminology';
import { fmt, type Units } from '../units';
import type { RuleContext } from './types';

/** One decimal, for LDH multiples of ULN. */
export const r1 = (n: number) => String(Math.round(n * 10) / 10);

export function labEvidence(v: LabValue | undefined, units: Units, label?: string): Evidence[] {
  if (!v) return [];
  const def = units.analyte(v.analyte);
  return [{ label: label ?? def.label, value: labDisplay(v, units) + (v.final ? '' : ' (preliminary)'), time: v.time, ref: v.ref }];
}

export function matchNote(by: MatchKind, what: string, concept: string): string | undefined {
  if (by === 'text') return `${concept} was recognised by text only ("${what}"), not by a verified code.`;
  if (by === 'local') return `${concept} was recognised by a site-local code (${what}).`;
  return undefined;
}

/** The episode when it is current (its last session within the episode gap of now). */
export { responseWords } from '../facts/status';
import { cancelled, onHoldNotes } from '../facts/status';

export function currentEpisode(f: Facts): Episode | undefined {
  return f.episode?.current ? f.episode : undefined;
}

export function episodeEvidence(ctx: RuleContext): Evidence[] {
  const ep = ctx.f.episode;
  if (!ep) return [];
  return [
    { label: 'TPE day', value: `${ep.peDay} (day 1 = ${ep.day1})`, time: ep.firstSession, ref: ep.sessions[0]!.ref },
    { label: 'TPE sessions', value: String(ep.sessionCount), time: ep.lastSession, ref: ep.sessions[ep.sessions.length - 1]!.ref },
  ];
}

/** Baseline and latest platelets and LDH (with LDH as a multiple of ULN). */
export function trendEvidence(ctx: RuleContext): Evidence[] {
  const { s, units } = ctx;
  const out: Evidence[] = [];
  const ldh = (v: LabValue, label: string) =>
    labEvidence(v, units, label).map((e) => ({ ...e, value: `${e.value} (${r1(s.ldhX(v))}x ULN)` }));
  if (s.baselinePlatelets && s.baselinePlatelets !== s.latestPlatelets)
    out.push(...labEvidence(s.baselinePlatelets, units, 'Platelets, baseline'));
  out.push(...labEvidence(s.latestPlatelets, units, 'Platelets, latest'));
  if (s.baselineLdh && s.baselineLdh !== s.latestLdh) out.push(...ldh(s.baselineLdh, 'LDH, baseline'));
  if (s.latestLdh) out.push(...ldh(s.latestLdh, 'LDH, latest'));
  return out;
}

/** A note when a TPE session was recognised by text or a local code only. */
export function sessionNotes(ctx: RuleContext): string[] {
  const n = ctx.f.episode?.sessions.find((x) => x.by !== 'code');
  const note = n ? matchNote(n.by, 'plasma exchange', 'A TPE session') : undefined;
  return note ? [note] : [];
}

/** Notes on how a drug was recognised, and on orders that never counted (cancelled, drafts...). */
export function drugNotes(ctx: RuleContext, d: DrugClass, concept: string): string[] {
  const e = drug(ctx.f, d);
  const out: string[] = [];
  const textual = [...e.orders, ...e.administrations].find((x) => x.by !== 'code');
  if (textual) out.push(matchNote(textual.by, textual.display, concept)!);
  for (const o of e.ignoredOrders)
    out.push(
      `${o.ref} (${concept}, status ${o.status}${o.intent && !cancelled(o) ? `, intent ${o.intent}` : ''}) does not count as ordered.`,
    );
  // On hold is paused: the order is there but does not count (src/facts/status.ts).
  out.push(...onHoldNotes(e.orders, `${concept} order`));
  return out;
}

/** A note per order left active since before this episode (G4: history, not this episode's treatment). */
export function staleOrderNotes(ctx: RuleContext, d: DrugClass, concept: string): string[] {
  return staleActiveOrders(ctx.f, d).map(
    (o) =>
      `${o.ref} (${concept}) is still active but was ordered ${isoDate(o.time, ctx.f.tz)}, before this episode: it does not count as ordered in it.`,
  );
}

/** Notes for the data keys that could not be read, among those the card depends on. */
export function gapNotes(ctx: RuleContext, keys: string[]): string[] {
  return ctx.f.gaps
    .filter((g) => keys.includes(g.key))
    .map((g) => `Data not available: ${g.key} (${g.reason}); this card may be incomplete.`);
}

/** A VS-BLEED Condition with onset (else recordedDate) within `bleedRecentHours`: a current bleed. */
export function recentBleed(ctx: RuleContext): ConditionFact | undefined {
  const { f } = ctx;
  const window = ctx.param('bleedRecentHours') * HOUR;
  return f.bleeds.find((b) => b.time !== undefined && f.now - b.time <= window && b.time <= f.future);
}

/** Evidence rows for bleeds that are not current (older or undated): shown, they change nothing. */
export function pastBleedEvidence(ctx: RuleContext): Evidence[] {
  const current = recentBleed(ctx);
  return ctx.f.bleeds
    .filter((b) => b !== current)
    .map((b) => ({ label: 'Bleeding on record (not current)', value: b.display, time: b.time, ref: b.ref }));
}

/**
 * D8b: a card about a patient who is not responding notes an in-TPE ADAMTS13 above 20%: it may
 * reflect donor plasma, and persistent thrombocytopenia with recovered ADAMTS13 calls for another
 * cause. A value drawn after a plasma product and before TPE (KB v3 change 26) is named as such.
 */
export function inTpeAdamts13Notes(ctx: RuleContext): string[] {
  const { f } = ctx;
  const high = f.adamts13.inTpe.filter((v) => above(v, ctx.param('adamts13NegativeAbove'))).pop();
  if (!high) return [];
  const plasma = f.adamts13.plasma;
  const when =
    plasma && f.adamts13.postPlasma.includes(high)
      ? `was drawn after plasma (${plasma.display}, ${isoDate(plasma.time, f.tz)}, ${plasma.ref}) and before TPE`
      : 'was drawn during TPE';
  return [
    `ADAMTS13 ${fmt(high.value)}% (${isoDate(high.time, f.tz)}, ${high.ref}) ${when} and may reflect donor plasma; it does not gate these cards. Persistent thrombocytopenia despite recovered ADAMTS13 calls for a search for another cause (HIT, sepsis/DIC, drugs, marrow).`,
  ];
}

/**
 * G7 (KB v3 change 35): what an escalation card carries, that an info finding may fold into: the
 * donor-plasma note (the in-TPE DX-RECONSIDER folds into it), and the escalation itself (a
 * DX-RECONSIDER info beside a positive inhibitor, which keeps the escalation on, folds into it).
 */
export function escalationCarries(donorPlasmaNotes: string[]): string[] {
  return donorPlasmaNotes.length ? ['escalation', 'donor-plasma'] : ['escalation'];
}

/** KB v3 change 30: the record of a drug taken elsewhere that this episode's card names, latest first. */
export function elsewhereOf(ctx: RuleContext, d: DrugClass): RecordedElsewhere | undefined {
  return recordedElsewhere(ctx.f, d)
    .sort((a, b) => (b.time ?? 0) - (a.time ?? 0))
    .at(0);
}

/** "{drug} recorded as given elsewhere ({source}, {date}): reconcile and order here if it continues." */
export function elsewhereLine(ctx: RuleContext, x: RecordedElsewhere, drugName: string): string {
  return noteText(ctx.content, 'elsewhere', {
    drug: drugName.charAt(0).toUpperCase() + drugName.slice(1),
    source: x.source,
    date: x.time !== undefined ? isoDate(x.time, ctx.f.tz) : 'undated',
    ref: x.ref,
  });
}

/** Evidence rows for drugs recorded as given elsewhere. */
export function elsewhereEvidence(ctx: RuleContext, d: DrugClass, label: string): Evidence[] {
  return recordedElsewhere(ctx.f, d).map((x) => ({
    label: `${label}, recorded elsewhere`,
    value: `${x.display} (${x.status}; ${x.source})`,
    time: x.time,
    ref: x.ref,
  }));
}

/** KB v3 change 33: the rituximab caution in pregnancy, when a pregnancy is active. */
export function rituximabPregnancyNotes(ctx: RuleContext): string[] {
  return ctx.f.pregnancy.length ? [noteText(ctx.content, 'pregnancyRituximab', {})] : [];
}
