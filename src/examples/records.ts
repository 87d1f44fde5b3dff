/**
 * Records and draft orders that many example patients and rule tests start from (built with
 * ./builder): a non-responder on KB section 5 defaults, the draft orders of the ordering rules, and
 * the records of the monitoring and stopping rules.
 */
import type { AnyResource } from '../fhir/read';
import { DRUGS, Scenario, dailyHb, day, ittpDefaults, recoveredAfterTpe } from './builder';

export const LDH5 = [1400, 1380, 1350, 1320, 1300];
/** A non-responder (platelets 12-18, LDH about 1300-1400) on PE day `evalDay`. */
export const nonResponder = (evalDay = 5, opts: Parameters<typeof ittpDefaults>[1] = {}) => {
  const plt = [12, 14, 15, 18, 16, 15, 17, 16];
  const ldh = [...LDH5, 1290, 1280, 1270];
  return dailyHb(ittpDefaults(evalDay, opts).series('plt', plt.slice(0, evalDay)).series('ldh', ldh.slice(0, evalDay)), 1, evalDay);
};

export const SNOMED = 'http://snomed.info/sct';

export function stableD3(): Scenario {
  return dailyHb(ittpDefaults(3).series('plt', [9, 12, 20]).series('ldh', [1400, 1200, 1000]), 1, 3);
}

export function plateletOrder(
  s: Scenario,
  o: { code?: boolean; text?: string; reason?: string; id?: string; status?: string } = {},
): AnyResource {
  const r: AnyResource = {
    resourceType: 'ServiceRequest',
    id: o.id ?? s.id('draft-plt'),
    status: o.status ?? 'draft',
    intent: 'order',
    code: {
      ...(o.code === false ? {} : { coding: [{ system: SNOMED, code: '12719002', display: 'Transfusion of platelets' }] }),
      text: o.text ?? 'Platelet transfusion, 1 adult dose',
    },
    subject: { reference: `Patient/${s.patientId}` },
    ...(o.reason ? { reasonCode: [{ coding: [{ system: SNOMED, code: o.reason }] }] } : {}),
  };
  s.draft(r);
  return r;
}

export function caplaDraft(s: Scenario, o: Parameters<Scenario['medicationRequest']>[1] = {}): AnyResource {
  const r = s.medicationRequest(DRUGS.caplacizumab, { status: 'draft', doseMg: 11, route: 'sc', perDay: 1, authoredOn: s.now, ...o });
  s.draft(r);
  return r;
}

export function rtxDraft(s: Scenario, doseMg: number | undefined, o: Parameters<Scenario['medicationRequest']>[1] = {}): AnyResource {
  const r = s.medicationRequest(DRUGS.rituximab, {
    status: 'draft',
    doseMg,
    route: 'iv',
    perDay: 1,
    period: 1,
    periodUnit: 'wk',
    count: 4,
    authoredOn: s.now,
    ...o,
  });
  s.draft(r);
  return r;
}

/** Caplacizumab given until the day before `evalDay`, ending on `endDay`, ADAMTS13 5% on `a13Day`, after a response. */
export function caplaEnding(endDay: number, a13Day = 35, evalDay = 36): Scenario {
  const s = recoveredAfterTpe(evalDay);
  s.med(DRUGS.caplacizumab, {
    doseMg: 11,
    route: 'sc',
    perDay: 1,
    start: day(1, '09:00'),
    end: day(endDay, '12:00'),
    givenAt: [day(evalDay - 1, '12:00')],
  });
  return s.lab('a13', 5, day(a13Day, '08:00'));
}

/** PE day 3 with the last platelets, Hb and LDH drawn `hoursAgo` hours before now. */
export function labsHoursAgo(hoursAgo: number, skip: 'smear'[] = []): Scenario {
  const s = ittpDefaults(3, { skip });
  const t = new Date(Date.parse(s.now) - hoursAgo * 3_600_000).toISOString();
  return s.lab('plt', 20, t).lab('hb', 8, t).lab('ldh', 900, t);
}

/** No TPE session for `hours` hours after the session of PE day 2, before any response. */
export function tpeGap(hours: number): Scenario {
  const s = ittpDefaults(3, { tpeThrough: 2 }).series('plt', [20, 35, 50]).series('ldh', [1400, 1000, 700]);
  s.now = new Date(Date.parse(day(2, '10:00')) + hours * 3_600_000).toISOString();
  return dailyHb(s, 1, 3);
}

/** A response by PE day 6, TPE until day 8, then platelets 90 on `pltDay`. */
export function fallAfterResponse(pltDay: number): Scenario {
  const s = ittpDefaults(pltDay, { tpeThrough: 8, tpeOrderStatus: 'completed' });
  s.series('plt', [12, 40, 80, 120, 145, 170, 190, 200]).series('ldh', [1400, 900, 600, 400, 320, 280, 250, 240]);
  dailyHb(s, 1, 8);
  return s.lab('plt', 90, day(pltDay, '07:00'));
}

/** TTP NOS with an ADAMTS13 of `a13`% before TPE, on PE day 2. */
export function nosWithAdamts13(a13: number): Scenario {
  return new Scenario(2).patient().condition('78129009').lab('a13', a13, day(0, '21:00')).tpeDaily(1, 2);
}
