/**
 * Knowledge base section 5: every patient-view scenario, asserting what fires (and at which
 * indicator) and what stays silent. Ordering scenarios (7, 8, 16, 17, 20) are in orders.test.ts.
 */
import { DRUGS, Scenario, dailyHb, day, ittpDefaults, recoveredAfterTpe } from '../fixtures/builder';
import { cardFor, fired, run } from '../helpers';
import { expectGolden } from '../golden';

const LDH_DOWN_SLOWLY = [1400, 1380, 1350, 1320, 1300];

function nonResponderD5(): Scenario {
  const s = ittpDefaults(5).series('plt', [12, 14, 15, 18, 16]).series('ldh', LDH_DOWN_SLOWLY);
  return dailyHb(s, 1, 5);
}

interface Case {
  name: string;
  build: () => Scenario;
  must?: Record<string, 'info' | 'warning' | 'critical'>;
  mustNot?: string[];
  /** No card at all. */
  none?: boolean;
  /** How many cards the clinician sees (G7 alert burden: the whole answer, folded findings not counted). */
  cards: number;
}

const cases: Case[] = [
  {
    name: '1 non-responder D5',
    cards: 2,
    build: nonResponderD5,
    must: { 'TTP-CAPLA-DAY5': 'critical', 'TTP-REFRACTORY-2L': 'warning' },
    mustNot: ['TTP-RTX-MISSING', 'TTP-STEROID-MISSING', 'TTP-ADAMTS13-MISSING', 'TTP-MON-DAILY', 'TTP-MP-PULSE'],
  },
  {
    name: '2 recovering D5',
    cards: 0,
    build: () => dailyHb(ittpDefaults(5).series('plt', [12, 25, 48, 80, 110]).series('ldh', [1400, 1100, 900, 700, 520]), 1, 5),
    mustNot: ['TTP-CAPLA-DAY5', 'TTP-REFRACTORY-2L'],
  },
  {
    name: '3 caplacizumab already active',
    cards: 1,
    build: () =>
      nonResponderD5().med(DRUGS.caplacizumab, {
        doseMg: 11,
        route: 'sc',
        perDay: 1,
        start: day(2, '12:00'),
        givenAt: [day(2, '12:00'), day(3, '12:00'), day(4, '12:00'), day(5, '12:00')],
      }),
    must: { 'TTP-REFRACTORY-2L': 'warning' },
    mustNot: ['TTP-CAPLA-DAY5', 'TTP-ADAMTS13-MONITOR'],
  },
  {
    name: '4 entered-in-error caplacizumab',
    cards: 2,
    build: () =>
      nonResponderD5().med(DRUGS.caplacizumab, { status: 'entered-in-error', doseMg: 11, route: 'sc', perDay: 1, start: day(2, '12:00') }),
    must: { 'TTP-CAPLA-DAY5': 'critical' },
  },
  {
    name: '5 cancelled caplacizumab',
    cards: 2,
    build: () =>
      nonResponderD5().med(DRUGS.caplacizumab, { status: 'cancelled', doseMg: 11, route: 'sc', perDay: 1, start: day(2, '12:00') }),
    must: { 'TTP-CAPLA-DAY5': 'critical' },
  },
  {
    name: '6 too early (D3)',
    cards: 0,
    build: () => dailyHb(ittpDefaults(3).series('plt', [12, 13, 14]).series('ldh', [1400, 1390, 1380]), 1, 3),
    none: true,
  },
  {
    name: '9 congenital TTP',
    cards: 0,
    build: () => {
      const s = new Scenario(5)
        .patient()
        .condition('373420004', { display: 'Congenital thrombotic thrombocytopenic purpura' })
        .tpeDaily(1, 5);
      return dailyHb(s.series('plt', [20, 20, 20, 20, 20]).series('ldh', LDH_DOWN_SLOWLY), 1, 5);
    },
    none: true,
  },
  {
    name: '10 missing labs D3',
    cards: 1,
    build: () => ittpDefaults(3).lab('plt', 14, day(2, '02:00')).lab('hb', 8, day(2, '02:00')).lab('plt', 12, day(1, '06:00')),
    must: { 'TTP-MON-DAILY': 'warning' },
    mustNot: ['TTP-CAPLA-DAY5', 'TTP-REFRACTORY-2L'],
  },
  {
    name: '11 mixed units D5',
    cards: 2,
    build: () => {
      const s = ittpDefaults(5, { skip: [] });
      [15000, 14000, 15000, 17000].forEach((v, i) => s.lab('plt', v, day(1 + i), { unit: '/uL' }));
      s.lab('plt', 16, day(5), { unit: '10*9/L' });
      for (let d = 1; d <= 5; d++) s.lab('ldh', 20, day(d), { unit: 'ukat/L' }).lab('hb', 70, day(d), { unit: 'g/L' });
      return s;
    },
    must: { 'TTP-CAPLA-DAY5': 'critical' },
  },
  {
    name: '12 unknown unit',
    cards: 1,
    build: () => {
      const s = ittpDefaults(5);
      for (let d = 1; d <= 5; d++) s.lab('plt', 12, day(d), { unit: 'thou', unitTextOnly: true });
      return dailyHb(s.series('ldh', LDH_DOWN_SLOWLY), 1, 5);
    },
    must: { 'TTP-MON-DAILY': 'warning' },
    mustNot: ['TTP-CAPLA-DAY5', 'TTP-REFRACTORY-2L', 'TTP-MP-PULSE', 'TTP-PE-STOP-EARLY', 'TTP-DARA-LASTLINE'],
  },
  {
    name: '13 no ADAMTS13 on D2',
    cards: 1,
    build: () =>
      dailyHb(
        ittpDefaults(2, { skip: ['a13', 'inhibitor'] })
          .series('plt', [12, 15])
          .series('ldh', [1400, 1300]),
        1,
        2,
      ),
    must: { 'TTP-ADAMTS13-MISSING': 'warning' },
  },
  {
    name: '13 variant: ADAMTS13 order active',
    cards: 0,
    build: () =>
      dailyHb(
        ittpDefaults(2, { skip: ['a13', 'inhibitor'] })
          .series('plt', [12, 15])
          .series('ldh', [1400, 1300]),
        1,
        2,
      ).serviceRequest('ADAMTS13 activity', 'active', {
        code: { system: 'http://loinc.org', code: '53622-7' },
      }),
    mustNot: ['TTP-ADAMTS13-MISSING'],
  },
  {
    name: '14 caplacizumab ending, ADAMTS13 low',
    cards: 1,
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
      s.lab('a13', 5, day(35, '08:00'));
      return s;
    },
    must: { 'TTP-CAPLA-STOP': 'warning' },
    mustNot: ['TTP-CAPLA-DURATION'],
  },
  {
    name: '15 early stop, ADAMTS13 recovered',
    cards: 1,
    build: () => {
      const s = recoveredAfterTpe(29);
      s.med(DRUGS.caplacizumab, {
        status: 'stopped',
        doseMg: 11,
        route: 'sc',
        perDay: 1,
        start: day(1, '09:00'),
        end: day(28, '12:00'),
        givenAt: Array.from({ length: 28 }, (_, i) => day(1 + i, '12:00')),
      });
      s.lab('a13', 45, day(26, '08:00'));
      return s;
    },
    must: { 'TTP-CAPLA-STOP': 'info' },
    mustNot: ['TTP-DX-RECONSIDER', 'TTP-CAPLA-DURATION', 'TTP-EXACERBATION'],
  },
  {
    name: '17 pre-treatment ADAMTS13 35% (drawn before the first TPE) at patient-view',
    cards: 1,
    build: () =>
      dailyHb(
        ittpDefaults(5, { skip: ['a13', 'inhibitor'] })
          .lab('a13', 35, day(0, '21:00'))
          .series('plt', [12, 14, 15, 18, 16])
          .series('ldh', LDH_DOWN_SLOWLY),
        1,
        5,
      ),
    must: { 'TTP-DX-RECONSIDER': 'info' },
    mustNot: ['TTP-CAPLA-DAY5', 'TTP-RTX-MISSING', 'TTP-REFRACTORY-2L'],
  },
  {
    name: '17 variant: the same 35% drawn during TPE (day 2, after the session) gates nothing',
    // KB v3 change 35: the in-TPE DX-RECONSIDER folds into CAPLA-DAY5, which carries the donor-plasma note.
    cards: 2,
    build: () =>
      dailyHb(
        ittpDefaults(5, { skip: ['a13', 'inhibitor'] })
          .lab('a13', 35, day(2, '14:00'))
          .series('plt', [12, 14, 15, 18, 16])
          .series('ldh', LDH_DOWN_SLOWLY),
        1,
        5,
      ),
    // And the in-TPE DX-RECONSIDER: no pre-treatment value, so 35% during TPE cannot exclude TTP.
    must: { 'TTP-CAPLA-DAY5': 'critical', 'TTP-REFRACTORY-2L': 'warning', 'TTP-DX-RECONSIDER': 'info' },
  },
  {
    name: '18 TPE stopped early',
    cards: 1,
    build: () => {
      const s = ittpDefaults(4, { tpeThrough: 3, tpeOrderStatus: 'revoked' });
      s.series('plt', [20, 35, 50, 60]).series('ldh', [1400, 1000, 700, 500]);
      return dailyHb(s, 1, 4);
    },
    must: { 'TTP-PE-STOP-EARLY': 'warning' },
  },
  {
    name: '18 variant: response met before the stop',
    cards: 0,
    build: () => {
      const s = ittpDefaults(6, { tpeThrough: 5, tpeOrderStatus: 'revoked' });
      s.series('plt', [20, 60, 110, 160, 170, 180]).series('ldh', [1400, 700, 400, 300, 300, 290]);
      return dailyHb(s, 1, 6);
    },
    mustNot: ['TTP-PE-STOP-EARLY'],
  },
  {
    name: '19 no steroids on D2',
    cards: 1,
    build: () =>
      dailyHb(
        ittpDefaults(2, { skip: ['steroids'] })
          .series('plt', [12, 15])
          .series('ldh', [1400, 1300]),
        1,
        2,
      ),
    must: { 'TTP-STEROID-MISSING': 'warning' },
  },
  {
    name: '19 variant: prednisone 1 mg/kg',
    cards: 0,
    build: () =>
      dailyHb(
        ittpDefaults(2, { skip: ['steroids'] })
          .series('plt', [12, 15])
          .series('ldh', [1400, 1300]),
        1,
        2,
      ).med(DRUGS.prednisone, { doseMg: 70, route: 'po', perDay: 1, start: day(1, '12:00'), givenAt: [day(1, '12:00'), day(2, '12:00')] }),
    mustNot: ['TTP-STEROID-MISSING'],
  },
  {
    name: '19 variant: prednisone only, refractory on D5',
    cards: 2,
    build: () =>
      dailyHb(
        ittpDefaults(5, { skip: ['steroids'] })
          .series('plt', [12, 14, 15, 18, 16])
          .series('ldh', LDH_DOWN_SLOWLY),
        1,
        5,
      ).med(DRUGS.prednisone, {
        doseMg: 70,
        route: 'po',
        perDay: 1,
        start: day(1, '12:00'),
        givenAt: [1, 2, 3, 4, 5].map((d) => day(d, '12:00')),
      }),
    must: { 'TTP-MP-PULSE': 'info', 'TTP-CAPLA-DAY5': 'critical' },
    mustNot: ['TTP-STEROID-MISSING'],
  },
  {
    name: '21 biosimilar rituximab only (text and SCD map)',
    cards: 2,
    build: () =>
      nonResponderD5()
        .without((r) => r.resourceType.startsWith('Medication') && JSON.stringify(r).includes('121191'))
        .med(
          {
            coding: [
              { system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '9990001', display: 'rituximab-abbs 10 MG/ML Injection' },
            ],
          },
          { doseMg: 700, route: 'iv', start: day(2, '14:00'), givenAt: [day(2, '14:00')] },
        ),
    mustNot: ['TTP-RTX-MISSING'],
  },
  {
    name: '22 relapse without rituximab',
    cards: 1,
    build: () => {
      const s = new Scenario(4).patient().condition('439007008', { clinicalStatus: 'relapse' });
      // A first episode a year earlier, in remission since.
      for (let d = -400; d <= -393; d++) s.tpe(day(d, '10:00'));
      s.lab('a13', 3, day(0, '21:00')).inhibitor().smear().tpeDaily(1, 4).tpeOrder('active');
      s.med(DRUGS.methylprednisolone, {
        doseMg: 1000,
        route: 'iv',
        perDay: 1,
        count: 3,
        start: day(1, '12:00'),
        status: 'completed',
        givenAt: [1, 2, 3].map((d) => day(d, '12:00')),
      });
      return dailyHb(s.series('plt', [15, 30, 62, 95]).series('ldh', [1400, 1000, 700, 500]), 1, 4);
    },
    must: { 'TTP-RTX-MISSING': 'warning' },
  },
  {
    name: '23 exacerbation after response',
    cards: 1,
    build: () => {
      const s = ittpDefaults(30, { tpeThrough: 8, tpeOrderStatus: 'completed' });
      s.series('plt', [12, 40, 80, 120, 145, 170, 190, 200]).series('ldh', [1400, 900, 600, 400, 320, 280, 250, 240]);
      dailyHb(s, 1, 8);
      s.med(DRUGS.caplacizumab, {
        status: 'stopped',
        doseMg: 11,
        route: 'sc',
        perDay: 1,
        start: day(1, '09:00'),
        end: day(20, '12:00'),
        givenAt: Array.from({ length: 20 }, (_, i) => day(1 + i, '12:00')),
      });
      s.lab('plt', 90, day(30, '07:00')).lab('ldh', 420, day(30, '07:00')).lab('hb', 9, day(30, '07:00'));
      return s;
    },
    must: { 'TTP-EXACERBATION': 'warning' },
    mustNot: ['TTP-CAPLA-DAY5', 'TTP-PE-STOP-EARLY'],
  },
  {
    name: '24 TTP NOS with pre-treatment ADAMTS13 62%',
    cards: 1,
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
      return dailyHb(s.series('plt', [12, 14, 15, 18, 16]).series('ldh', LDH_DOWN_SLOWLY), 1, 5);
    },
    must: { 'TTP-DX-RECONSIDER': 'info' },
    mustNot: ['TTP-CAPLA-DAY5', 'TTP-RTX-MISSING'],
  },
  {
    name: '24 variant: TTP NOS, 62% only during TPE: the in-TPE DX-RECONSIDER, escalation not held back',
    // KB v3 change 35: the in-TPE DX-RECONSIDER is folded into the CAPLA-DAY5 card (one thing said once).
    cards: 1,
    build: () => {
      const s = new Scenario(5)
        .patient()
        .condition('78129009', { display: 'Thrombotic thrombocytopenic purpura' })
        .lab('a13', 62, day(3, '14:00'))
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
      return dailyHb(s.series('plt', [12, 14, 15, 18, 16]).series('ldh', LDH_DOWN_SLOWLY), 1, 5);
    },
    must: { 'TTP-DX-RECONSIDER': 'info', 'TTP-CAPLA-DAY5': 'critical' },
  },
  {
    name: '25 age 15',
    cards: 0,
    build: () => {
      const s = nonResponderD5();
      s.resources.find((r) => r.resourceType === 'Patient')!.birthDate = '2011-01-01';
      return s;
    },
    none: true,
  },
  // Knowledge base version 3 (section 8): the shapes real EHRs send, as section-5 scenarios.
  {
    name: 'v3-24 platelets of exactly 150 twice in K/uL after TPE stopped: a response, no early-stop card',
    cards: 0,
    build: () => {
      const s = ittpDefaults(6, { tpeThrough: 5, tpeOrderStatus: 'revoked' });
      [20, 60, 110, 150, 150, 150].forEach((v, i) => s.lab('plt', v, day(1 + i), { unit: '10*3/uL' }));
      return dailyHb(s.series('ldh', [1400, 700, 400, 300, 300, 290]), 1, 6);
    },
    mustNot: ['TTP-PE-STOP-EARLY'],
    none: true,
  },
  {
    name: 'v3-24 variant: 30 to 50 in K/uL with LDH falling is improving: no escalation',
    cards: 0,
    build: () => {
      const s = ittpDefaults(5);
      [30, 35, 40, 45, 50].forEach((v, i) => s.lab('plt', v, day(1 + i), { unit: 'K/uL' }));
      return dailyHb(s.series('ldh', [1400, 1200, 1000, 900, 800]), 1, 5);
    },
    mustNot: ['TTP-CAPLA-DAY5', 'TTP-REFRACTORY-2L'],
  },
  {
    name: 'v3-26 refractory D5 whose only ADAMTS13 (28%) was drawn 4 h after 3 units of FFP, inhibitor positive',
    cards: 2,
    build: () =>
      dailyHb(
        ittpDefaults(5, { skip: ['a13'] })
          .plasma(day(0, '14:00'), { units: 3 })
          .lab('a13', 28, day(0, '18:00'))
          .series('plt', [12, 14, 15, 18, 16])
          .series('ldh', LDH_DOWN_SLOWLY),
        1,
        5,
      ),
    must: { 'TTP-CAPLA-DAY5': 'critical', 'TTP-REFRACTORY-2L': 'warning', 'TTP-DX-RECONSIDER': 'info' },
  },
  {
    name: 'v3-29 relapse in a patient with caplacizumab anaphylaxis',
    cards: 1,
    build: () =>
      recoveredAfterTpe(60)
        .lab('plt', 80, day(60, '07:00'))
        .lab('ldh', 400, day(60, '07:00'))
        .allergy({ text: 'Caplacizumab (Cablivi)' }, { reaction: 'Anaphylaxis' }),
    must: { 'TTP-RELAPSE': 'warning' },
  },
  {
    name: 'v3-30 transferred on caplacizumab, recorded only as a MedicationStatement',
    cards: 2,
    build: () => nonResponderD5().statement({ text: 'Cablivi 11 mg SC daily' }, { start: day(1, '12:00'), source: 'Referring hospital' }),
    must: { 'TTP-CAPLA-DAY5': 'info', 'TTP-REFRACTORY-2L': 'warning' },
  },
  {
    name: 'v3-31 day-5 non-responder whose platelets come only as CBC panel components',
    cards: 2,
    build: () => nonResponderD5().asPanels('component'),
    must: { 'TTP-CAPLA-DAY5': 'critical', 'TTP-REFRACTORY-2L': 'warning' },
    mustNot: ['TTP-MON-DAILY'],
  },
  {
    name: 'v3-36 day-5 non-responder whose first two TPE sessions have unreadable dates',
    cards: 1,
    build: () => {
      const s = nonResponderD5();
      s.resources
        .filter((r) => r.resourceType === 'Procedure')
        .slice(0, 2)
        .forEach((r) => ((r.performedPeriod as { start: string }).start = '2026-03-0x'));
      return s;
    },
    must: { 'TTP-DATA-UNREADABLE': 'warning' },
    mustNot: ['TTP-CAPLA-DAY5'],
  },
];

describe('KB section 5 patient-view scenarios', () => {
  test.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const o = run(c.build());
    if (c.none) expect(o.ids).toEqual([]);
    expect({ cards: o.cards.length, ids: o.ids }).toEqual({ cards: c.cards, ids: expect.any(Array) });
    for (const [rule, indicator] of Object.entries(c.must ?? {})) expect({ rule, indicator: fired(o, rule) }).toEqual({ rule, indicator });
    for (const rule of c.mustNot ?? []) expect({ rule, fired: fired(o, rule) }).toEqual({ rule, fired: undefined });
  });

  test.each(cases.map((c) => [c.name, c] as const))('%s: the whole answer is its reviewed golden copy (test/golden)', (_name, c) => {
    expectGolden(`kb-${c.name}`, run(c.build()).cards);
  });

  test('1: the CAPLA-DAY5 card shows the PE day, session count, platelets and LDH as evidence', () => {
    const card = cardFor(run(nonResponderD5()), 'TTP-CAPLA-DAY5');
    expect(card.summary).toBe('iTTP: no response by TPE day 5 and caplacizumab not started. Consider adding caplacizumab now.');
    expect(card.detail).toContain('| TPE day | 5 (day 1 = 2026-03-02) |');
    expect(card.detail).toContain('| TPE sessions | 5 |');
    expect(card.detail).toMatch(/Platelets, latest \| 16 10\^9\/L/);
    expect(card.detail).toMatch(/LDH, latest \| 1300 U\/L \(5\.2x ULN\)/);
    expect(card.suggestions?.[0]?.actions?.map((a) => a.resource?.resourceType)).toEqual(['MedicationRequest', 'MedicationRequest']);
    expect(card.source.topic).toEqual({ system: 'urn:ttp-cds:rule', code: 'TTP-CAPLA-DAY5', display: expect.any(String) });
  });

  test('v3-29: the relapse card drafts no caplacizumab and says why; v3-30: the transfer gets no caplacizumab order', () => {
    const relapse = run(cases.find((c) => c.name.startsWith('v3-29'))!.build());
    const card = cardFor(relapse, 'TTP-RELAPSE');
    expect(card.suggestions!.map((x) => x.label)).not.toContain('Order caplacizumab 11 mg IV before TPE, then 11 mg SC daily');
    expect(card.detail).toContain('Documented caplacizumab allergy (Caplacizumab (Cablivi), Anaphylaxis, high criticality');
    const transfer = run(cases.find((c) => c.name.startsWith('v3-30'))!.build());
    expect(transfer.cards.flatMap((c) => c.suggestions ?? [])).toEqual([]);
    expect(cardFor(transfer, 'TTP-CAPLA-DAY5').detail).toContain('recorded as given elsewhere (Referring hospital');
  });

  test('v3-26: the escalation card says the 28% was drawn after plasma; the DX doubt is folded into it', () => {
    const o = run(cases.find((c) => c.name.startsWith('v3-26'))!.build());
    expect(o.folded['TTP-DX-RECONSIDER']).toBe('TTP-CAPLA-DAY5');
    expect(cardFor(o, 'TTP-CAPLA-DAY5').detail).toContain('was drawn after plasma (Transfusion of fresh frozen plasma, 3 units');
  });

  test('v3-36: the warning names the sessions and the escalation they may hide', () => {
    const card = cardFor(run(cases.find((c) => c.name.startsWith('v3-36'))!.build()), 'TTP-DATA-UNREADABLE');
    expect(card.summary).toBe('Unreadable TPE sessions (2 items) may hide an escalation: caplacizumab, refractory therapy, TPE stop.');
    expect(card.detail).toContain('date "2026-03-0x" does not parse');
  });

  test('10: the monitoring card lists PLT, Hb and LDH', () => {
    const card = cardFor(run(cases.find((c) => c.name.startsWith('10'))!.build()), 'TTP-MON-DAILY');
    expect(card.summary).toContain('no PLT/Hb/LDH in 30 h');
  });

  test('11: 15000 /uL is read as 15 x10^9/L, never as >= 150', () => {
    const o = run(cases.find((c) => c.name.startsWith('11'))!.build());
    const card = cardFor(o, 'TTP-CAPLA-DAY5');
    expect(card.detail).toMatch(/Platelets, baseline \| 15 10\^9\/L \(reported 15000 \/uL\)/);
    expect(o.ids).not.toContain('TTP-PE-STOP-EARLY');
  });

  test('11 variant: a day-5 non-responder reported in the usual LIS spellings is escalated, whatever the spelling', () => {
    for (const [unit, ldhUnit, ldhScale] of [
      ['x10^9/L', 'U/L', 1],
      ['G/L', 'µkat/L', 1 / 60],
      ['K/uL', 'IU/L', 1],
      ['10³/µL', 'ukat/L', 1 / 60],
    ] as const) {
      const s = dailyHb(
        ittpDefaults(5)
          .series('plt', [12, 14, 15, 18, 16], 1, { unit, unitTextOnly: true })
          .series(
            'ldh',
            [1400, 1380, 1350, 1320, 1300].map((v) => v * ldhScale),
            1,
            { unit: ldhUnit, unitTextOnly: true },
          ),
        1,
        5,
      );
      expect({ unit, ldhUnit, cards: run(s).byRule }).toEqual({
        unit,
        ldhUnit,
        cards: { 'TTP-CAPLA-DAY5': 'critical', 'TTP-REFRACTORY-2L': 'warning' },
      });
    }
  });

  test('12: the monitoring card names the unit it could not understand', () => {
    const card = cardFor(run(cases.find((c) => c.name.startsWith('12'))!.build()), 'TTP-MON-DAILY');
    expect(card.summary).toContain('no PLT in 30 h');
    expect(card.detail).toContain('unit "thou" not understood');
  });

  test('14: the stop card says ADAMTS13 is < 10%', () => {
    const card = cardFor(run(cases.find((c) => c.name.startsWith('14'))!.build()), 'TTP-CAPLA-STOP');
    expect(card.summary).toBe('Caplacizumab ending with ADAMTS13 5% (<10%). High exacerbation risk; consider extending.');
  });

  test('22: relapse gives the escalated rituximab wording with the series evidence', () => {
    const card = cardFor(run(cases.find((c) => c.name.startsWith('22'))!.build()), 'TTP-RTX-MISSING');
    expect(card.summary).toMatch(/^Relapsed iTTP without rituximab by TPE day 4/);
    expect(card.detail).toContain('91%');
  });

  test('21: a biosimilar product code maps to its ingredient through the site map', () => {
    const s = nonResponderD5()
      .without((r) => r.resourceType.startsWith('Medication') && JSON.stringify(r).includes('121191'))
      .med(
        { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '9990001' }] },
        { doseMg: 700, route: 'iv', start: day(2, '14:00'), givenAt: [day(2, '14:00')] },
      );
    expect(run(s).ids).toContain('TTP-RTX-MISSING');
    expect(run(s, 'patient-view', { site: { rxnormProductToIngredient: { '9990001': '2105824' } } }).ids).not.toContain('TTP-RTX-MISSING');
  });

  test('9 variant: congenital and acquired both coded gives one subtype-conflict card only', () => {
    const s = nonResponderD5().condition('373420004');
    const o = run(s);
    expect(o.byRule).toEqual({ 'TTP-SUBTYPE-CONFLICT': 'info' });
  });
});
