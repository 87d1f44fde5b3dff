/**
 * Example patients for the catalogue's card preview (and `ttp-cds evaluate --example`): the
 * knowledge base's section 5 situations and a few of versions 2 and 3, built with the same builder as the
 * tests, on fixed dates (PE day 1 = 2026-03-02). Each is a request of one hook, answered by the real
 * engine when shown.
 */
import type { AnyResource } from '../fhir/read';
import { DRUGS, Scenario, dailyHb, day, ittpDefaults, recoveredAfterTpe, setDay1 } from './builder';

export interface Situation {
  id: string;
  title: string;
  /** What the clinician would expect from the knowledge base. */
  expect: string;
  /** The cards the engine answers, as `rule:indicator` (a test checks them). */
  cards: string[];
  hook: 'patient-view' | 'order-select' | 'order-sign';
  build: () => Scenario;
  /** The site configuration the example needs (a parameter a site turns on); the deployment's otherwise. */
  site?: Record<string, unknown>;
}

const PLT5 = [12, 14, 15, 18, 16];
const LDH5 = [1400, 1380, 1350, 1320, 1300];
const nonResponder = (evalDay = 5) =>
  dailyHb(ittpDefaults(evalDay).series('plt', PLT5.slice(0, evalDay)).series('ldh', LDH5.slice(0, evalDay)), 1, evalDay);
const draft = (s: Scenario, r: AnyResource) => {
  s.draft(r);
  return s;
};

export const SITUATIONS: Situation[] = [
  {
    id: 'non-responder-d5',
    cards: ['TTP-CAPLA-DAY5:critical', 'TTP-REFRACTORY-2L:warning'],
    title: 'Non-responder on TPE day 5 (KB scenario 1)',
    expect: 'CAPLA-DAY5 critical, REFRACTORY-2L warning',
    hook: 'patient-view',
    build: () => nonResponder(5),
  },
  {
    id: 'recovering-d5',
    cards: [],
    title: 'Recovering on TPE day 5 (KB scenario 2)',
    expect: 'no card',
    hook: 'patient-view',
    build: () => dailyHb(ittpDefaults(5).series('plt', [12, 25, 48, 80, 110]).series('ldh', [1400, 1100, 900, 700, 520]), 1, 5),
  },
  {
    id: 'missing-labs-d3',
    cards: ['TTP-MON-DAILY:warning'],
    title: 'Monitoring gap on TPE day 3 (KB scenario 10)',
    expect: 'MON-DAILY warning naming platelets, Hb and LDH',
    hook: 'patient-view',
    build: () => {
      const s = ittpDefaults(3);
      const t = new Date(Date.parse(s.now) - 40 * 3_600_000).toISOString();
      return s.lab('plt', 20, t).lab('hb', 8, t);
    },
  },
  {
    id: 'no-adamts13-d2',
    cards: ['TTP-ADAMTS13-MISSING:warning'],
    title: 'No ADAMTS13 sent by TPE day 2 (KB scenario 13)',
    expect: 'ADAMTS13-MISSING warning',
    hook: 'patient-view',
    build: () =>
      dailyHb(
        ittpDefaults(2, { skip: ['a13', 'inhibitor'] })
          .series('plt', [12, 15])
          .series('ldh', [1400, 1300]),
        1,
        2,
      ),
  },
  {
    id: 'capla-ending-low-a13',
    cards: ['TTP-CAPLA-STOP:warning'],
    title: 'Caplacizumab ending while ADAMTS13 is 5% (KB scenario 14)',
    expect: 'CAPLA-STOP warning',
    hook: 'patient-view',
    build: () => {
      const s = recoveredAfterTpe(36);
      s.med(DRUGS.caplacizumab, {
        doseMg: 11,
        route: 'sc',
        perDay: 1,
        start: day(1, '09:00'),
        end: day(38, '23:00'),
        givenAt: Array.from({ length: 36 }, (_, i) => day(1 + i, '12:00')),
      });
      return s.lab('a13', 5, day(35, '08:00'));
    },
  },
  {
    id: 'tpe-stopped-early',
    cards: ['TTP-PE-STOP-EARLY:warning'],
    title: 'TPE stopped before a response (KB scenario 18)',
    expect: 'PE-STOP-EARLY warning',
    hook: 'patient-view',
    build: () =>
      dailyHb(
        ittpDefaults(4, { tpeThrough: 3, tpeOrderStatus: 'revoked' }).series('plt', [20, 35, 50, 60]).series('ldh', [1400, 1000, 700, 500]),
        1,
        4,
      ),
  },
  {
    id: 'no-steroids-d2',
    cards: ['TTP-STEROID-MISSING:warning'],
    title: 'No corticosteroids on TPE day 2 (KB scenario 19)',
    expect: 'STEROID-MISSING warning',
    hook: 'patient-view',
    build: () =>
      dailyHb(
        ittpDefaults(2, { skip: ['steroids'] })
          .series('plt', [12, 15])
          .series('ldh', [1400, 1300]),
        1,
        2,
      ),
  },
  {
    id: 'exacerbation',
    cards: ['TTP-EXACERBATION:warning'],
    title: 'Platelets falling after a response (KB scenario 23)',
    expect: 'EXACERBATION warning',
    hook: 'patient-view',
    build: () => {
      const s = ittpDefaults(20, { tpeThrough: 8, tpeOrderStatus: 'completed' });
      s.series('plt', [12, 40, 80, 120, 145, 170, 190, 200]).series('ldh', [1400, 900, 600, 400, 320, 280, 250, 240]);
      return dailyHb(s, 1, 8).lab('plt', 90, day(20, '07:00')).lab('ldh', 420, day(20, '07:00'));
    },
  },
  {
    id: 'pre-treatment-a13-62',
    cards: ['TTP-DX-RECONSIDER:info'],
    title: 'TTP NOS with a pre-treatment ADAMTS13 of 62% (KB scenario 24)',
    expect: 'DX-RECONSIDER info; escalation held back',
    hook: 'patient-view',
    build: () => {
      const s = new Scenario(5)
        .patient()
        .condition('78129009', { display: 'Thrombotic thrombocytopenic purpura' })
        .lab('a13', 62, day(0, '21:00'))
        .smear()
        .tpeDaily(1, 5)
        .tpeOrder('active');
      s.med(DRUGS.methylprednisolone, {
        doseMg: 1000,
        route: 'iv',
        perDay: 1,
        count: 3,
        start: day(1, '12:00'),
        status: 'completed',
        givenAt: [1, 2, 3].map((d) => day(d, '12:00')),
      });
      return dailyHb(s.series('plt', PLT5).series('ldh', LDH5), 1, 5);
    },
  },
  {
    id: 'no-first-line',
    cards: ['TTP-FIRSTLINE-MISSING:warning'],
    title: 'Confirmed iTTP, neither TPE nor steroids 30 h after diagnosis (KB v2)',
    expect: 'FIRSTLINE-MISSING warning',
    hook: 'patient-view',
    build: () =>
      new Scenario(1, '18:00')
        .patient()
        .condition('439007008', { onset: day(0, '12:00') })
        .lab('a13', 3, day(0, '13:00'))
        .lab('plt', 12, day(0, '13:00')),
  },
  {
    id: 'relapse-coded',
    cards: ['TTP-RELAPSE:warning'],
    title: 'Diagnosis coded as a relapse, platelets 40, no TPE yet (KB v2)',
    expect: 'RELAPSE warning',
    hook: 'patient-view',
    build: () =>
      new Scenario(1, '18:00')
        .patient()
        .condition('439007008', { clinicalStatus: 'relapse', onset: '2024-05-01T00:00:00Z' })
        .lab('plt', 40, day(1, '08:00'))
        .lab('ldh', 600, day(1, '08:00')),
  },
  {
    id: 'unreadable-tpe',
    cards: ['TTP-DATA-UNREADABLE:warning'],
    title: 'Every TPE session with a date that does not parse (KB v2, G4; v3 change 36)',
    expect: 'DATA-UNREADABLE warning listing the sessions: they may hide an escalation',
    hook: 'patient-view',
    build: () => {
      const s = nonResponder(5);
      for (const r of s.resources)
        if (r.resourceType === 'Procedure') (r.performedPeriod as { start: string }).start = '2026-13-45T10:00:00Z';
      return s;
    },
  },
  {
    id: 'v3-panels',
    cards: ['TTP-CAPLA-DAY5:critical', 'TTP-REFRACTORY-2L:warning'],
    title: 'Non-responder whose platelets come only inside CBC panels (KB v3, change 31)',
    expect: 'the same cards as scenario 1: a panel component is a result',
    hook: 'patient-view',
    build: () => nonResponder(5).asPanels('component'),
  },
  {
    id: 'v3-ffp-before-sample',
    cards: ['TTP-CAPLA-DAY5:critical', 'TTP-REFRACTORY-2L:warning'],
    title: 'Refractory on day 5; the only ADAMTS13 (28%) drawn after 3 units of FFP, inhibitor positive (KB v3, changes 26-27)',
    expect: 'escalation not held back; the card says the value was drawn after plasma',
    hook: 'patient-view',
    build: () =>
      dailyHb(
        ittpDefaults(5, { skip: ['a13'] })
          .plasma(day(0, '14:00'), { units: 3 })
          .lab('a13', 28, day(0, '18:00'))
          .series('plt', PLT5)
          .series('ldh', LDH5),
        1,
        5,
      ),
  },
  {
    id: 'v3-transfer-on-caplacizumab',
    cards: ['TTP-REFRACTORY-2L:warning', 'TTP-CAPLA-DAY5:info'],
    title: 'Transferred on caplacizumab, recorded only as a MedicationStatement (KB v3, change 30)',
    expect: 'CAPLA-DAY5 info to reconcile, no caplacizumab order',
    hook: 'patient-view',
    build: () => nonResponder(5).statement({ text: 'Cablivi 11 mg SC daily' }, { start: day(1, '12:00'), source: 'Referring hospital' }),
  },
  {
    id: 'v3-caplacizumab-anaphylaxis',
    cards: ['TTP-CAPLA-DAY5:critical', 'TTP-REFRACTORY-2L:warning'],
    title: 'Non-responder with documented caplacizumab anaphylaxis (KB v3, change 29)',
    expect: 'CAPLA-DAY5 critical without a caplacizumab order, saying why',
    hook: 'patient-view',
    build: () => nonResponder(5).allergy({ text: 'Caplacizumab (Cablivi)' }, { reaction: 'Anaphylaxis' }),
  },
  {
    id: 'platelet-transfusion',
    cards: ['TTP-PLT-TXN:warning'],
    title: 'Platelet transfusion ordered, no bleed (KB scenario 7)',
    expect: 'PLT-TXN warning with a delete suggestion',
    hook: 'order-select',
    build: () => {
      const s = dailyHb(ittpDefaults(3).series('plt', [9, 12, 20]).series('ldh', [1400, 1200, 1000]), 1, 3);
      return draft(s, {
        resourceType: 'ServiceRequest',
        id: 'draft-plt',
        status: 'draft',
        intent: 'order',
        code: {
          coding: [{ system: 'http://snomed.info/sct', code: '12719002', display: 'Transfusion of platelets' }],
          text: 'Platelet transfusion',
        },
        subject: { reference: `Patient/${s.patientId}` },
      });
    },
  },
  {
    id: 'capla-with-apixaban',
    cards: ['TTP-CAPLA-ORDER:warning'],
    title: 'Caplacizumab ordered twice daily while apixaban is active (KB scenario 16)',
    expect: 'CAPLA-ORDER warning with a corrected order',
    hook: 'order-select',
    build: () => {
      const s = dailyHb(ittpDefaults(3).series('plt', [9, 12, 20]).series('ldh', [1400, 1200, 1000]), 1, 3);
      s.med(DRUGS.apixaban, { doseMg: 5, route: 'po', perDay: 2, start: day(-30, '08:00') });
      return draft(
        s,
        s.medicationRequest(DRUGS.caplacizumab, {
          status: 'draft',
          doseMg: 11,
          route: 'sc',
          perDay: 2,
          authoredOn: s.now,
          id: 'draft-capla',
        }),
      );
    },
  },
  {
    id: 'rituximab-1000',
    cards: ['TTP-RTX-DOSE:warning'],
    title: 'Rituximab 1000 mg ordered, BSA 1.94 m² (KB scenario 20)',
    expect: 'RTX-DOSE warning offering 730 mg',
    hook: 'order-select',
    build: () => {
      const s = dailyHb(
        ittpDefaults(3, { skip: ['rtx'] })
          .series('plt', [9, 12, 20])
          .series('ldh', [1400, 1200, 1000]),
        1,
        3,
      ).vitals(170, 80);
      return draft(
        s,
        s.medicationRequest(DRUGS.rituximab, {
          status: 'draft',
          doseMg: 1000,
          route: 'iv',
          perDay: 1,
          period: 1,
          periodUnit: 'wk',
          count: 4,
          authoredOn: s.now,
          id: 'draft-rtx',
        }),
      );
    },
  },
];

/** A situation's CDS Hooks request, on its fixed dates, and the instant it is evaluated at. */
export function situationRequest(s: Situation): { body: Record<string, unknown>; now: number } {
  setDay1('2026-03-02');
  const scenario = s.build();
  return { body: scenario.request(s.hook, { hookInstance: `preview-${s.id}` }), now: Date.parse(scenario.now) };
}
