/**
 * Realistic request bodies of three record sizes, built with the test fixture builders. Dates
 * follow the builder's PE day 1 (setDay1), so callers that use the real clock anchor day 1 first.
 */
import { DRUGS, Scenario, day, dailyHb, ittpDefaults } from '../test/fixtures/builder';

function dailyLabs(s: Scenario, from: number, to: number, plt: (d: number) => number, ldh: (d: number) => number): void {
  for (let d = from; d <= to; d++) {
    s.lab('plt', plt(d), day(d, '06:00'))
      .lab('ldh', ldh(d), day(d, '06:00'))
      .lab('hb', 8 + (d % 3) * 0.3, day(d, '06:00'))
      .lab('creat', 1.1, day(d, '06:00'));
  }
}

/** A 6-day episode, non-responding: the cards CAPLA-DAY5 and REFRACTORY-2L fire. */
function sixDay(evalDay = 6): Record<string, unknown> {
  const s = ittpDefaults(evalDay);
  const plt = [12, 14, 15, 18, 16, 15, 17];
  const ldh = [1400, 1380, 1350, 1320, 1300, 1290, 1280];
  s.series('plt', plt.slice(0, evalDay)).series('ldh', ldh.slice(0, evalDay));
  dailyHb(s, 1, evalDay);
  return s.request('patient-view');
}

/** A 30-day episode: daily labs, 12 TPE sessions, caplacizumab, steroids, rituximab and their administrations. */
function thirtyDay(): Record<string, unknown> {
  const s = ittpDefaults(30, { tpeThrough: 12, tpeOrderStatus: 'completed' });
  dailyLabs(
    s,
    1,
    30,
    (d) => Math.min(260, 10 + d * 22),
    (d) => Math.max(200, 1500 - d * 110),
  );
  s.med(DRUGS.caplacizumab, {
    doseMg: 11,
    route: 'sc',
    perDay: 1,
    start: day(1, '09:00'),
    end: day(42, '09:00'),
    givenAt: Array.from({ length: 30 }, (_, i) => day(1 + i, '12:00')),
  });
  for (let w = 0; w < 4; w++) s.give(DRUGS.rituximab, day(2 + 7 * w, '14:00'), 700);
  for (let d = 1; d <= 30; d += 7) s.lab('a13', d < 20 ? 4 : 28, day(d, '05:00'));
  for (let d = 2; d <= 30; d += 3) s.smear(day(d, '06:30'));
  s.vitals(172, 81, day(1, '07:00'));
  return s.request('patient-view');
}

/** Three years of a chronic relapsing course: four episodes, monthly remission labs, several thousand resources. */
function threeYear(): Record<string, unknown> {
  const s = new Scenario(30).patient().condition('439007008', { clinicalStatus: 'relapse', onset: day(-1095, '08:00') });
  const episodeStarts = [-1095, -700, -330, 1];
  for (const start of episodeStarts) {
    const last = start === 1 ? 12 : start + 11;
    for (let d = start; d <= last; d++) s.tpe(day(d, '10:00'));
    const end = start === 1 ? 30 : start + 40;
    dailyLabs(
      s,
      start,
      end,
      (d) => Math.min(260, 10 + (d - start + 1) * 22),
      (d) => Math.max(200, 1500 - (d - start + 1) * 110),
    );
    s.med(DRUGS.methylprednisolone, {
      doseMg: 1000,
      route: 'iv',
      perDay: 1,
      count: 3,
      start: day(start, '12:00'),
      status: 'completed',
      givenAt: [0, 1, 2].map((k) => day(start + k, '12:00')),
    });
    s.med(DRUGS.caplacizumab, {
      status: start === 1 ? 'active' : 'completed',
      doseMg: 11,
      route: 'sc',
      perDay: 1,
      start: day(start, '09:00'),
      end: day(start + 42, '09:00'),
      givenAt: Array.from({ length: start === 1 ? 30 : 42 }, (_, i) => day(start + i, '12:00')),
    });
    s.med(DRUGS.rituximab, {
      status: 'completed',
      doseMg: 700,
      route: 'iv',
      perDay: 1,
      period: 1,
      periodUnit: 'wk',
      count: 4,
      start: day(start + 1, '14:00'),
      givenAt: [0, 7, 14, 21].map((k) => day(start + 1 + k, '14:00')),
    });
    for (let d = start; d <= end; d += 7) s.lab('a13', d - start < 20 ? 3 : 35, day(d, '05:00'));
    s.tpeOrder('completed', { authored: day(start, '08:00'), lastUpdated: day(last, '14:00') });
  }
  // Remission follow-up: weekly then monthly labs, and unrelated clinic labs.
  for (let d = -1095; d < 1; d += 2) {
    s.lab('plt', 230 + (d % 40), day(d, '09:00'))
      .lab('hb', 13.1, day(d, '09:00'))
      .lab('ldh', 190, day(d, '09:00'))
      .lab('creat', 0.9, day(d, '09:00'));
  }
  s.inhibitor(day(0, '21:00')).smear(day(0, '21:00')).vitals(165, 70, day(1, '07:00'));
  return s.request('patient-view');
}

/** order-select: a platelet transfusion, caplacizumab with a wrong frequency and rituximab, for a D5 non-responder. */
function orderSelect(hook: 'order-select' | 'order-sign' = 'order-select'): Record<string, unknown> {
  const s = dailyHb(ittpDefaults(5).series('plt', [12, 14, 15, 18, 16]).series('ldh', [1400, 1380, 1350, 1320, 1300]), 1, 5).vitals(
    180,
    64.8,
    day(1, '07:00'),
  );
  s.draft({
    resourceType: 'ServiceRequest',
    id: 'plt-1',
    status: 'draft',
    intent: 'order',
    code: { coding: [{ system: 'http://snomed.info/sct', code: '12719002' }] },
    subject: { reference: `Patient/${s.patientId}` },
  });
  s.draft(s.medicationRequest(DRUGS.caplacizumab, { id: 'capla-1', status: 'draft', doseMg: 11, route: 'sc', perDay: 2 }));
  s.draft(
    s.medicationRequest(DRUGS.rituximab, {
      id: 'rtx-1',
      status: 'draft',
      doseMg: 1000,
      route: 'iv',
      perDay: 1,
      period: 1,
      periodUnit: 'wk',
      count: 4,
    }),
  );
  return s.request(hook);
}

export const bodies = { sixDay, thirtyDay, threeYear, orderSelect };
