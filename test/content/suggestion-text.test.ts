/**
 * KB v3 change 34: a suggestion's resource says one thing. Every create or update suggestion of
 * every golden answer (and every resource template, and the one-click fixes of the ordering rules)
 * is checked: its dosageInstruction.text may name no dose, route or frequency that its coded fields
 * (doseAndRate, route, timing) do not state.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadContent } from '../../src/content';
import { DRUGS, day } from '../fixtures/builder';
import { caplaDraft, rtxDraft, stableD3 } from '../fixtures/records';
import { run } from '../helpers';
import type { Card } from '../../src/cds/schemas';

type Dosage = {
  text?: string;
  route?: { coding?: { code?: string }[] };
  timing?: { repeat?: { frequency?: number; period?: number; periodUnit?: string } };
  doseAndRate?: { doseQuantity?: { value?: number; unit?: string; code?: string } }[];
};

const ROUTE_CODES: Record<string, string> = { '47625008': 'iv', '34206005': 'sc', '26643006': 'oral' };
const PERIOD_DAYS: Record<string, number> = { h: 1 / 24, d: 1, wk: 7, mo: 30 };

/** What one dosage instruction's text says and its coded fields do not. */
export function disagreements(d: Dosage): string[] {
  const text = (d.text ?? '').toLowerCase();
  if (!text) return [];
  const out: string[] = [];
  // Dose: every dose the text names is the coded dose (1 g = 1000 mg).
  const coded = d.doseAndRate?.[0]?.doseQuantity;
  const codedUnit = (coded?.code ?? coded?.unit ?? '').toLowerCase().replace('²', '2');
  const codedMg = coded?.value === undefined ? undefined : codedUnit === 'g' ? coded.value * 1000 : coded.value;
  for (const m of text.matchAll(/\b(\d+(?:\.\d+)?)\s*(mg\/m2|mg\/m²|mg|mcg|g)(?![a-z])/g)) {
    const unit = m[2]!.replace('²', '2');
    const value = Number(m[1]) * (unit === 'g' ? 1000 : unit === 'mcg' ? 0.001 : 1);
    const perM2 = unit === 'mg/m2';
    if (codedMg === undefined) out.push(`text names ${m[0]}, no dose is coded`);
    else if (perM2 !== (codedUnit === 'mg/m2') || Math.abs(value - codedMg) > 1e-9)
      out.push(`text names ${m[0]}, coded ${coded!.value} ${codedUnit}`);
  }
  // Route.
  const codedRoute = d.route?.coding?.map((c) => ROUTE_CODES[c.code ?? '']).find(Boolean);
  const textRoutes = [
    /\biv\b|intravenous/.test(text) && 'iv',
    /\bsc\b|subcutaneous|\bsubcut/.test(text) && 'sc',
    /\boral\b|\bpo\b|by mouth/.test(text) && 'oral',
  ].filter((x): x is string => !!x);
  for (const r of textRoutes) if (r !== codedRoute) out.push(`text names route ${r}, coded ${codedRoute ?? 'none'}`);
  // Frequency (doses per day).
  const rep = d.timing?.repeat;
  const codedPerDay =
    rep?.period !== undefined && rep.periodUnit && PERIOD_DAYS[rep.periodUnit]
      ? (rep.frequency ?? 1) / (rep.period * PERIOD_DAYS[rep.periodUnit]!)
      : undefined;
  const q = /\bq\s*(\d+)\s*h\b/.exec(text);
  const textPerDay = q
    ? 24 / Number(q[1])
    : /\b(twice daily|twice a day|bid)\b/.test(text)
      ? 2
      : /\b(three times daily|tid)\b/.test(text)
        ? 3
        : /\b(weekly|once a week)\b/.test(text)
          ? 1 / 7
          : /\b(once daily|daily|every day|qd)\b/.test(text)
            ? 1
            : undefined;
  if (textPerDay !== undefined && (codedPerDay === undefined || Math.abs(textPerDay - codedPerDay) > 1e-9))
    out.push(`text names ${textPerDay} doses a day, coded ${codedPerDay ?? 'none'}`);
  return out;
}

/** Every dosage instruction of every create or update suggestion of some cards, with where it is. */
function dosages(cards: Card[], where: string): { where: string; dosage: Dosage }[] {
  return cards.flatMap((c) =>
    (c.suggestions ?? []).flatMap((sg) =>
      (sg.actions ?? [])
        .filter((a) => a.type !== 'delete')
        .flatMap((a) =>
          ((a.resource as { dosageInstruction?: Dosage[] } | undefined)?.dosageInstruction ?? []).map((dosage) => ({
            where: `${where}: ${c.source.topic?.code} "${sg.label}"`,
            dosage,
          })),
        ),
    ),
  );
}

const GOLDEN = join(__dirname, '..', 'golden');

describe('a suggestion resource says one thing (KB v3 change 34)', () => {
  test('the checker finds a dose, a route and a frequency in the text that the coded fields do not state', () => {
    const coded: Dosage = {
      route: { coding: [{ code: '47625008' }] },
      timing: { repeat: { frequency: 1, period: 1, periodUnit: 'wk' } },
      doseAndRate: [{ doseQuantity: { value: 620, code: 'mg' } }],
    };
    expect(disagreements({ ...coded, text: '620 mg IV once weekly' })).toEqual([]);
    expect(disagreements({ ...coded, text: '1000 mg IV once weekly' })).toEqual(['text names 1000 mg, coded 620 mg']);
    expect(disagreements({ ...coded, text: '620 mg SC once weekly' })).toEqual(['text names route sc, coded iv']);
    expect(disagreements({ ...coded, text: '620 mg IV daily' })).toEqual(['text names 1 doses a day, coded 0.14285714285714285']);
    expect(disagreements({ ...coded, text: '375 mg/m2 IV weekly' })).toEqual(['text names 375 mg/m2, coded 620 mg']);
    expect(
      disagreements({
        text: '1 g IV once daily',
        doseAndRate: [{ doseQuantity: { value: 1000, code: 'mg' } }],
        route: { coding: [{ code: '47625008' }] },
        timing: { repeat: { frequency: 1, period: 1, periodUnit: 'd' } },
      }),
    ).toEqual([]);
  });

  test('every resource template agrees with itself', () => {
    const content = loadContent();
    const problems = Object.entries(content.suggestionTemplates).flatMap(([key, r]) =>
      ((r as { dosageInstruction?: Dosage[] }).dosageInstruction ?? []).flatMap((d) => disagreements(d).map((p) => `${key}: ${p}`)),
    );
    expect(problems).toEqual([]);
  });

  test('every suggestion of every golden answer agrees with itself', () => {
    const files = readdirSync(GOLDEN).filter((f) => f.endsWith('.json'));
    const all = files.flatMap((f) => dosages(JSON.parse(readFileSync(join(GOLDEN, f), 'utf8')) as Card[], f));
    expect(all.length).toBeGreaterThan(20);
    expect(all.flatMap(({ where, dosage }) => disagreements(dosage).map((p) => `${where}: ${p}`))).toEqual([]);
  });

  test('the one-click fixes of the ordering rules agree with themselves (RTX-DOSE with order text, CAPLA-ORDER first and later doses)', () => {
    const rtx = stableD3()
      .without((r) => JSON.stringify(r).includes('121191'))
      .vitals(180, 64.8, day(1, '07:00'));
    const r = rtxDraft(rtx, 1000, { id: 'rtx-1' });
    (r.dosageInstruction as Dosage[])[0]!.text = '1000 mg IV once weekly for 4 doses';
    const first = stableD3();
    caplaDraft(first, { route: 'sc', perDay: 2, id: 'capla-1' });
    (first.drafts[0]!.dosageInstruction as Dosage[])[0]!.text = '11 mg SC twice daily';
    const later = stableD3().med(DRUGS.caplacizumab, { doseMg: 11, route: 'sc', perDay: 1, start: day(1), givenAt: [day(2, '12:00')] });
    caplaDraft(later, { route: 'iv', perDay: 1, doseMg: 10, id: 'capla-2' });
    const found = [rtx, first, later].flatMap((s, i) => dosages(run(s, 'order-select').cards, `case ${i}`));
    expect(found.length).toBeGreaterThanOrEqual(4);
    expect(found.flatMap(({ where, dosage }) => disagreements(dosage).map((p) => `${where}: ${p}`))).toEqual([]);
  });
});
