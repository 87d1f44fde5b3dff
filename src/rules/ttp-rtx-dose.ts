/**
 * TTP-RTX-DOSE: a rituximab draft whose dose fits neither 375 mg/m2 (Mosteller BSA from height and
 * weight within 30 days) nor 100 mg, each within the tolerance; info when BSA cannot be computed, for
 * more than 4 weekly doses, or an interval under 7 days. One card per draft, worst problem first.
 */
import { series } from '../facts';
import { medOrderOf } from '../facts/drugs';
import type { Evidence } from '../facts/types';
import type { AnyResource } from '../fhir/read';
import { DAY } from '../fhir/time';
import { fmt } from '../units';
import { describeOrder, draftDisplay, focus, matchDraft } from './drafts';
import { matchNote, rituximabPregnancyNotes } from './evidence';
import type { Finding, RuleContext, RuleModule } from './types';

const ID = 'TTP-RTX-DOSE';

interface Bsa {
  m2: number;
  heightCm: number;
  weightKg: number;
  refs: string[];
}

function bsa(ctx: RuleContext): { bsa?: Bsa; missing: string; missingDetail: string } {
  const { f } = ctx;
  const since = f.now - ctx.param('bodyMeasureMaxAgeDays') * DAY;
  const pick = (a: string) =>
    [...series(f, a).final, ...series(f, a).preliminary]
      .filter((v) => v.time >= since && v.time <= f.future)
      .sort((x, y) => x.time - y.time)
      .pop();
  const h = pick('height');
  const w = pick('weight');
  const missing = [!h && 'no height', !w && 'no weight'].filter(Boolean).join(', ');
  if (!h || !w) {
    const problems = [...series(f, 'height').problems, ...series(f, 'weight').problems].map((p) => `${p.raw}: ${p.reason}`);
    return { missing, missingDetail: problems.length ? `${missing} (${problems.join('; ')})` : missing };
  }
  // Mosteller: sqrt(height cm x weight kg / 3600).
  return {
    bsa: { m2: Math.sqrt((h.value * w.value) / 3600), heightCm: h.value, weightKg: w.value, refs: [h.ref, w.ref] },
    missing: '',
    missingDetail: '',
  };
}

/** Rituximab boxed warning: HBsAg and anti-HBc before the first dose. */
function hbvNotes(ctx: RuleContext): string[] {
  const since = ctx.f.now - ctx.param('hbvSerologyMaxAgeDays') * DAY;
  const missing = (['hbsag', 'hbcab'] as const).filter(
    (a) => ![...series(ctx.f, a).final, ...series(ctx.f, a).preliminary].some((v) => v.time >= since),
  );
  if (missing.length === 0) return [];
  const names = missing.map((a) => ctx.units.analyte(a).label).join(' and ');
  return [
    `No HBV serology on record: no ${names} result in the last ${ctx.param('hbvSerologyMaxAgeDays')} days. Check HBsAg and anti-HBc before the first dose (boxed warning: HBV reactivation).`,
  ];
}

function rtxFinding(indicator: 'info' | 'warning', variant: string, params: Record<string, string | number>): Finding {
  return { ruleId: ID, indicator, variant, params, evidence: [], notes: [] };
}

function summaryHint(ctx: RuleContext, f: Finding): string {
  if (f.variant === 'too-many-doses') return `${f.params.count} weekly doses planned (usual course ${ctx.param('rtxMaxWeeklyDoses')}).`;
  if (f.variant === 'short-interval') return `doses ${f.params.interval} days apart (weekly expected).`;
  return 'dose outside the iTTP regimens.';
}

/** A dose as order text writes it: "620 mg", "375 mg/m2", "1 g". */
const DOSE_IN_TEXT = /\b\d+(?:[.,]\d+)?\s*(?:mg\/m2|mg\/m²|mg|mcg|g)(?![a-z])/gi;

/**
 * The draft with its dose set to `mg`, and its text saying the same (KB v3 change 34): every dose the
 * text names becomes the new dose, so that the order never states two doses.
 */
function withDose(resource: AnyResource, mg: number): Record<string, unknown> {
  const r = structuredClone(resource) as Record<string, unknown>;
  const list = Array.isArray(r.dosageInstruction) && r.dosageInstruction.length ? (r.dosageInstruction as Record<string, unknown>[]) : [{}];
  const first = { ...list[0]! };
  first.doseAndRate = [{ doseQuantity: { value: mg, unit: 'mg', system: 'http://unitsofmeasure.org', code: 'mg' } }];
  if (typeof first.text === 'string') first.text = first.text.replace(DOSE_IN_TEXT, `${fmt(mg)} mg`);
  r.dosageInstruction = [first, ...list.slice(1)];
  return r;
}

function orders(ctx: RuleContext): Finding[] {
  const out: Finding[] = [];
  for (const d of focus(ctx)) {
    if (d.resource.resourceType !== 'MedicationRequest') continue;
    const m = matchDraft(ctx, d, 'VS-RTX');
    if (!m) continue;
    const o = medOrderOf(d.resource, m, draftDisplay(ctx, d));
    const tol = ctx.param('rtxDoseTolerance');
    const perM2 = ctx.param('rtxDoseMgPerM2');
    const flat = ctx.param('rtxFlatDoseMg');
    const within = (x: number, target: number) => Math.abs(x - target) <= tol * target + 1e-9;
    const b = bsa(ctx);
    const evidence: Evidence[] = [{ label: 'Draft order', value: describeOrder(o), ref: d.ref }];
    if (b.bsa)
      evidence.push({
        label: 'BSA (Mosteller)',
        value: `${fmt(b.bsa.m2)} m2 (height ${fmt(b.bsa.heightCm)} cm, weight ${fmt(b.bsa.weightKg)} kg)`,
        ref: b.bsa.refs.join(', '),
      });
    const notes: string[] = [];
    const mn = matchNote(m.by, m.what, 'Rituximab');
    if (mn) notes.push(mn);
    const found: Finding[] = [];
    const calc = b.bsa ? Math.round((perM2 * b.bsa.m2) / 10) * 10 : undefined;
    const common = { tolerance: Math.round(tol * 100), maxAge: ctx.param('bodyMeasureMaxAgeDays') };
    if (o.dose?.mgPerM2 !== undefined) {
      if (!within(o.dose.mgPerM2, perM2))
        found.push(
          rtxFinding('warning', 'default', {
            X: `${fmt(o.dose.mgPerM2)} mg/m2 =`,
            calc: calc ?? `${perM2} mg/m2`,
            bsa: b.bsa ? fmt(b.bsa.m2) : 'unknown',
            height: b.bsa ? fmt(b.bsa.heightCm) : '?',
            weight: b.bsa ? fmt(b.bsa.weightKg) : '?',
            ...common,
          }),
        );
    } else if (o.dose?.mg !== undefined) {
      const mg = o.dose.mg;
      if (!within(mg, flat)) {
        if (!b.bsa)
          found.push(rtxFinding('info', 'no-bsa', { X: `${fmt(mg)} mg`, missing: b.missing, missingDetail: b.missingDetail, ...common }));
        else if (!within(mg, perM2 * b.bsa.m2))
          found.push(
            rtxFinding('warning', 'default', {
              X: fmt(mg),
              calc: calc!,
              bsa: fmt(b.bsa.m2),
              height: fmt(b.bsa.heightCm),
              weight: fmt(b.bsa.weightKg),
              ...common,
            }),
          );
      }
    }
    if (o.count !== undefined && o.count > ctx.param('rtxMaxWeeklyDoses'))
      found.push(rtxFinding('info', 'too-many-doses', { count: o.count }));
    if (o.intervalDays !== undefined && o.intervalDays < ctx.param('rtxMinIntervalDays') - 1e-9 && o.count !== 1)
      found.push(rtxFinding('info', 'short-interval', { interval: fmt(o.intervalDays) }));
    if (found.length === 0) continue;
    const rank = { critical: 3, warning: 2, info: 1 } as const;
    found.sort((a, b2) => rank[b2.indicator] - rank[a.indicator]);
    const main = found[0]!;
    main.evidence = evidence;
    main.notes = [
      ...notes,
      ...found.slice(1).map((x) => `Also: ${summaryHint(ctx, x)}`),
      ...hbvNotes(ctx),
      ...rituximabPregnancyNotes(ctx),
    ];
    if (main.variant === 'default' || main.variant === 'no-bsa') {
      const sugg = [];
      if (calc !== undefined)
        sugg.push({
          key: 'set-dose-bsa',
          params: { calc, bsa: fmt(b.bsa!.m2) },
          actions: [{ type: 'update' as const, description: `Set ${d.ref} dose to ${calc} mg`, resource: withDose(d.resource, calc) }],
        });
      // 100 mg is a low-dose regimen: offered only to orders already near it, never as the "fix" of 1000 mg.
      const ordered = o.dose?.mg ?? (o.dose?.mgPerM2 !== undefined && b.bsa ? o.dose.mgPerM2 * b.bsa.m2 : undefined);
      if (ordered !== undefined && ordered < ctx.param('rtxFlatOfferBelowMg'))
        sugg.push({
          key: 'set-dose-flat',
          actions: [{ type: 'update' as const, description: `Set ${d.ref} dose to ${flat} mg`, resource: withDose(d.resource, flat) }],
        });
      main.suggestions = d.resource.id && sugg.length ? sugg : undefined;
    }
    out.push(main);
  }
  return out;
}

export const rule: RuleModule = { id: ID, orders };
