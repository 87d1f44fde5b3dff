/**
 * Example patients for every card variant (the committee's review): each shows one rule's variant
 * (`shows`), so that the catalogue can show every variant's text filled for a patient and the
 * preview can show every rule's card. The knowledge-base scenarios stay in ./situations; these are
 * the records of the rule tests, kept here once.
 */
import { DRUGS, Scenario, dailyHb, day, ittpDefaults, recoveredAfterTpe } from './builder';
import { caplaDraft, caplaEnding, nonResponder, plateletOrder, rtxDraft, stableD3 } from './records';
import { SITUATIONS, type Situation } from './situations';

/** Acute iTTP diagnosed 20 h before now (day 1 at 18:00), platelets 15, nothing started. */
const acute = () => {
  const s = new Scenario(1).patient();
  const onset = new Date(Date.parse(s.now) - 20 * 3_600_000).toISOString();
  return s.condition('439007008', { onset }).lab('plt', 15, onset).lab('ldh', 1400, onset);
};
/** After a response (TPE to day 8), platelets 90 on day 20. */
const fallAfter = (extra: (s: Scenario) => void = () => undefined) => {
  const s = ittpDefaults(20, { tpeThrough: 8, tpeOrderStatus: 'completed' });
  s.series('plt', [12, 40, 80, 120, 145, 170, 190, 200]).series('ldh', [1400, 900, 600, 400, 320, 280, 250, 240]);
  dailyHb(s, 1, 8);
  s.lab('plt', 90, day(20, '07:00'));
  extra(s);
  return s;
};
/** A fall after a response while daily TPE continues (day 12). */
const fallOnTpe = () => {
  const s = ittpDefaults(12);
  s.series('plt', [12, 40, 80, 120, 160, 170, 190, 150, 120, 90, 70, 60]).series(
    'ldh',
    [1400, 900, 600, 400, 300, 260, 240, 300, 380, 450, 520, 600],
  );
  return dailyHb(s, 1, 12);
};
/** Remission 30 days after TPE; on day 60 platelets 80 and LDH 400. */
const relapse = () => recoveredAfterTpe(60).lab('plt', 80, day(60, '07:00')).lab('ldh', 400, day(60, '07:00'));
/** An ADAMTS13 remission (45% on day 20), then 15% on day 60 with platelets normal. */
const a13Relapse = () =>
  recoveredAfterTpe(62).lab('a13', 45, day(20, '07:00')).lab('a13', 15, day(60, '07:00')).lab('plt', 230, day(60, '07:00'));
const caplaAllergy = (s: Scenario) => s.allergy({ text: 'Caplacizumab (Cablivi)' }, { reaction: 'Anaphylaxis' });
const rtxAllergy = (s: Scenario) => s.allergy({ text: 'Rituximab' }, { reaction: 'Anaphylaxis' });
const onCapla = (evalDay: number, base: Scenario) =>
  base.med(DRUGS.caplacizumab, { doseMg: 11, route: 'sc', perDay: 1, start: day(1, '09:00'), givenAt: [day(evalDay - 1, '12:00')] });

export const VARIANT_SITUATIONS: (Situation & { shows: string })[] = [
  {
    id: 'capla-day4-not-improving',
    shows: 'TTP-CAPLA-DAY5:default',
    cards: ['TTP-CAPLA-DAY5:warning'],
    title: 'Not improving on TPE day 4, not yet refractory',
    expect: 'CAPLA-DAY5 warning: add caplacizumab',
    hook: 'patient-view',
    build: () => nonResponder(4),
  },
  {
    id: 'capla-day5-tpe-draft',
    shows: 'TTP-CAPLA-DAY5:order',
    cards: ['TTP-CAPLA-DAY5:critical'],
    title: 'A TPE order signed for day 5 of a non-responder without caplacizumab',
    expect: 'CAPLA-DAY5 on the order: add caplacizumab to the TPE',
    hook: 'order-sign',
    build: () => {
      const s = nonResponder(5);
      s.draft({
        resourceType: 'ServiceRequest',
        id: 'draft-tpe',
        status: 'draft',
        intent: 'order',
        code: {
          coding: [{ system: 'http://snomed.info/sct', code: '1300070002', display: 'Therapeutic plasma exchange' }],
          text: 'Therapeutic plasma exchange',
        },
        subject: { reference: `Patient/${s.patientId}` },
        occurrenceDateTime: day(5, '20:00'),
      });
      return s;
    },
  },
  {
    id: 'capla-upfront-severe',
    shows: 'TTP-CAPLA-DAY5:upfront',
    cards: ['TTP-CAPLA-DAY5:info'],
    title: 'TPE day 2 with ADAMTS13 4%, at a site that turns the up-front caplacizumab card on',
    expect: 'CAPLA-DAY5 info: caplacizumab up front',
    hook: 'patient-view',
    site: { parameters: { caplaUpfrontInfoCard: true } },
    build: () => dailyHb(ittpDefaults(2).series('plt', [12, 15]).series('ldh', [1400, 1300]), 1, 2),
  },
  {
    id: 'subtype-conflict',
    shows: 'TTP-SUBTYPE-CONFLICT:default',
    cards: ['TTP-SUBTYPE-CONFLICT:info'],
    title: 'Congenital and acquired TTP both coded',
    expect: 'SUBTYPE-CONFLICT info; the iTTP cards held back',
    hook: 'patient-view',
    build: () => nonResponder().condition('373420004', { display: 'Congenital thrombotic thrombocytopenic purpura' }),
  },
  {
    id: 'platelets-with-bleed',
    shows: 'TTP-PLT-TXN:bleed',
    cards: ['TTP-PLT-TXN:info'],
    title: 'Platelet transfusion ordered for a current intracranial bleed',
    expect: 'PLT-TXN info: transfusion may be justified by the bleed',
    hook: 'order-select',
    build: () => {
      const s = stableD3().condition('', { text: 'Intracranial hemorrhage', onset: day(3, '08:00') });
      plateletOrder(s);
      return s;
    },
  },
  {
    id: 'capla-draft-a13-pending',
    shows: 'TTP-CAPLA-ORDER:default',
    cards: ['TTP-CAPLA-ORDER:info'],
    title: 'A correct first caplacizumab order while ADAMTS13 is pending',
    expect: 'CAPLA-ORDER info: an empiric start fits a high clinical probability',
    hook: 'order-select',
    build: () => {
      const s = dailyHb(
        ittpDefaults(2, { skip: ['a13', 'inhibitor'] })
          .series('plt', [12, 15])
          .series('ldh', [1400, 1300]),
        1,
        2,
      ).serviceRequest('ADAMTS13 activity', 'active', { code: { system: 'http://loinc.org', code: '53622-7' }, authored: day(1, '08:00') });
      caplaDraft(s, { doseMg: 11, route: 'iv', perDay: 1 });
      return s;
    },
  },
  {
    id: 'capla-draft-iv-later',
    shows: 'TTP-CAPLA-ORDER:warning',
    cards: ['TTP-CAPLA-ORDER:warning'],
    title: 'A caplacizumab order IV after the first dose',
    expect: 'CAPLA-ORDER warning: later doses are SC',
    hook: 'order-select',
    build: () => {
      const s = nonResponder(5).give(DRUGS.caplacizumab, day(4, '09:00'), 11);
      caplaDraft(s, { doseMg: 11, route: 'iv', perDay: 1 });
      return s;
    },
  },
  {
    id: 'firstline-tpe-only',
    shows: 'TTP-FIRSTLINE-MISSING:steroid',
    cards: ['TTP-FIRSTLINE-MISSING:warning', 'TTP-ADAMTS13-MISSING:warning', 'TTP-MON-DAILY:warning'],
    title: 'Acute iTTP 20 h after diagnosis: TPE ordered, no corticosteroid',
    expect: 'FIRSTLINE-MISSING warning: corticosteroids',
    hook: 'patient-view',
    build: () => acute().tpeOrder('active', { authored: day(1, '08:00') }),
  },
  {
    id: 'firstline-steroid-only',
    shows: 'TTP-FIRSTLINE-MISSING:tpe',
    cards: ['TTP-FIRSTLINE-MISSING:warning', 'TTP-ADAMTS13-MISSING:warning'],
    title: 'Acute iTTP 20 h after diagnosis: a corticosteroid, no TPE',
    expect: 'FIRSTLINE-MISSING warning: TPE',
    hook: 'patient-view',
    build: () => acute().med(DRUGS.methylprednisolone, { doseMg: 1000, route: 'iv', perDay: 1, count: 3, start: day(1, '06:00') }),
  },
  {
    id: 'firstline-steroid-elsewhere',
    shows: 'TTP-FIRSTLINE-MISSING:elsewhere',
    cards: ['TTP-ADAMTS13-MISSING:warning', 'TTP-MON-DAILY:warning', 'TTP-FIRSTLINE-MISSING:info'],
    title: 'Acute iTTP, TPE ordered, the corticosteroid given at the referring hospital',
    expect: 'FIRSTLINE-MISSING info: reconcile the corticosteroid',
    hook: 'patient-view',
    build: () =>
      acute()
        .tpeOrder('active', { authored: day(1, '08:00') })
        .statement({ text: 'Methylprednisolone 1 g IV' }, { start: day(1, '02:00'), source: 'Referring hospital' }),
  },
  {
    id: 'relapse-capla-allergy',
    shows: 'TTP-RELAPSE:allergy',
    cards: ['TTP-RELAPSE:warning'],
    title: 'Possible relapse in a patient with caplacizumab anaphylaxis',
    expect: 'RELAPSE warning without a caplacizumab order',
    hook: 'patient-view',
    build: () => caplaAllergy(relapse()),
  },
  {
    id: 'rtx-dose-no-bsa',
    shows: 'TTP-RTX-DOSE:no-bsa',
    cards: ['TTP-RTX-DOSE:info'],
    title: 'Rituximab 1000 mg ordered, no height or weight on record',
    expect: 'RTX-DOSE: the dose cannot be checked against 375 mg/m2',
    hook: 'order-select',
    build: () => {
      const s = stableD3();
      rtxDraft(s, 1000);
      return s;
    },
  },
  {
    id: 'rtx-dose-too-many',
    shows: 'TTP-RTX-DOSE:too-many-doses',
    cards: ['TTP-RTX-DOSE:info'],
    title: 'Rituximab ordered as 8 weekly doses',
    expect: 'RTX-DOSE: more doses than the usual course',
    hook: 'order-select',
    build: () => {
      const s = stableD3().vitals(170, 70);
      rtxDraft(s, 700, { count: 8, period: 1, periodUnit: 'wk' });
      return s;
    },
  },
  {
    id: 'rtx-dose-short-interval',
    shows: 'TTP-RTX-DOSE:short-interval',
    cards: ['TTP-RTX-DOSE:info'],
    title: 'Rituximab ordered every 3 days',
    expect: 'RTX-DOSE: doses closer than weekly',
    hook: 'order-select',
    build: () => {
      const s = stableD3().vitals(170, 70);
      rtxDraft(s, 700, { count: 4, period: 3, periodUnit: 'd' });
      return s;
    },
  },
  {
    id: 'dx-reconsider-on-capla',
    shows: 'TTP-DX-RECONSIDER:capla',
    cards: ['TTP-DX-RECONSIDER:warning'],
    title: 'Pre-treatment ADAMTS13 62% on caplacizumab',
    expect: 'DX-RECONSIDER info: reconsider caplacizumab',
    hook: 'patient-view',
    build: () =>
      dailyHb(
        ittpDefaults(3, { skip: ['a13', 'inhibitor'] })
          .lab('a13', 62, day(0, '21:00'))
          .series('plt', [20, 25, 30])
          .series('ldh', [900, 800, 700]),
        1,
        3,
      ).med(DRUGS.caplacizumab, {
        doseMg: 11,
        route: 'sc',
        perDay: 1,
        start: day(1, '09:00'),
        givenAt: [day(1, '09:00'), day(2, '09:00')],
      }),
  },
  {
    id: 'dx-reconsider-in-tpe',
    shows: 'TTP-DX-RECONSIDER:in-tpe',
    cards: ['TTP-DX-RECONSIDER:info'],
    title: 'No pre-treatment ADAMTS13; 62% drawn during TPE',
    expect: 'DX-RECONSIDER info: an in-TPE value cannot exclude TTP',
    hook: 'patient-view',
    build: () =>
      dailyHb(
        ittpDefaults(3, { skip: ['a13', 'inhibitor'] })
          .lab('a13', 62, day(2, '18:00'))
          .series('plt', [20, 45, 80])
          .series('ldh', [900, 700, 500]),
        1,
        3,
      ),
  },
  {
    id: 'refractory-fresh-second-line',
    shows: 'TTP-REFRACTORY-2L:fresh',
    cards: ['TTP-CAPLA-DAY5:critical', 'TTP-REFRACTORY-2L:info'],
    title: 'Refractory on day 8, cyclophosphamide started 3 days ago',
    expect: 'REFRACTORY-2L: second-line started, give it time',
    hook: 'patient-view',
    build: () =>
      nonResponder(8).med(DRUGS.cyclophosphamide, {
        status: 'completed',
        doseMg: 1000,
        start: day(5, '12:00'),
        givenAt: [day(5, '12:00')],
      }),
  },
  {
    id: 'refractory-pregnant',
    shows: 'TTP-REFRACTORY-2L:pregnancy',
    cards: ['TTP-CAPLA-DAY5:critical', 'TTP-REFRACTORY-2L:warning'],
    title: 'Refractory on day 5 in pregnancy',
    expect: 'REFRACTORY-2L without cyclophosphamide, saying why',
    hook: 'patient-view',
    build: () => nonResponder(5).condition('77386006', { display: 'Pregnancy', onset: day(-100) }),
  },
  {
    id: 'rtx-missing-d3',
    shows: 'TTP-RTX-MISSING:default',
    cards: ['TTP-RTX-MISSING:warning'],
    title: 'Confirmed iTTP on TPE day 3 without rituximab',
    expect: 'RTX-MISSING warning',
    hook: 'patient-view',
    build: () => nonResponder(3, { skip: ['rtx'] }),
  },
  {
    id: 'rtx-missing-refractory',
    shows: 'TTP-RTX-MISSING:escalated',
    cards: ['TTP-CAPLA-DAY5:critical', 'TTP-RTX-MISSING:warning'],
    title: 'Refractory on day 5 without rituximab',
    expect: 'RTX-MISSING warning, escalated wording',
    hook: 'patient-view',
    build: () => nonResponder(5, { skip: ['rtx'] }),
  },
  {
    id: 'rtx-missing-recent',
    shows: 'TTP-RTX-MISSING:recent',
    cards: ['TTP-RTX-MISSING:info'],
    title: 'No rituximab this episode; rituximab given 90 days ago',
    expect: 'RTX-MISSING info: B cells may still be depleted',
    hook: 'patient-view',
    build: () => nonResponder(3, { skip: ['rtx'] }).give(DRUGS.rituximab, day(-90, '12:00'), 700),
  },
  {
    id: 'rtx-missing-elsewhere',
    shows: 'TTP-RTX-MISSING:elsewhere',
    cards: ['TTP-RTX-MISSING:info'],
    title: 'Rituximab recorded as given at the referring hospital',
    expect: 'RTX-MISSING info: reconcile',
    hook: 'patient-view',
    build: () =>
      nonResponder(3, { skip: ['rtx'] }).statement(
        { text: 'Rituximab 375 mg/m2' },
        { start: day(1, '12:00'), source: 'Referring hospital' },
      ),
  },
  {
    id: 'rtx-missing-allergy',
    shows: 'TTP-RTX-MISSING:allergy',
    cards: ['TTP-RTX-MISSING:warning'],
    title: 'No rituximab, documented rituximab anaphylaxis',
    expect: 'RTX-MISSING warning without a rituximab order',
    hook: 'patient-view',
    build: () => rtxAllergy(nonResponder(3, { skip: ['rtx'] })),
  },
  {
    id: 'steroid-elsewhere',
    shows: 'TTP-STEROID-MISSING:elsewhere',
    cards: ['TTP-STEROID-MISSING:info'],
    title: 'TPE day 2, the corticosteroid recorded at the referring hospital',
    expect: 'STEROID-MISSING info: reconcile',
    hook: 'patient-view',
    build: () =>
      dailyHb(
        ittpDefaults(2, { skip: ['steroids'] })
          .series('plt', [12, 15])
          .series('ldh', [1400, 1300]),
        1,
        2,
      ).statement({ text: 'Methylprednisolone 1 g IV' }, { start: day(1, '02:00'), source: 'Referring hospital' }),
  },
  {
    id: 'steroid-allergy',
    shows: 'TTP-STEROID-MISSING:allergy',
    cards: ['TTP-STEROID-MISSING:warning'],
    title: 'TPE day 2 without corticosteroids, documented methylprednisolone allergy',
    expect: 'STEROID-MISSING warning without a steroid order',
    hook: 'patient-view',
    build: () =>
      dailyHb(
        ittpDefaults(2, { skip: ['steroids'] })
          .series('plt', [12, 15])
          .series('ldh', [1400, 1300]),
        1,
        2,
      ).allergy({ text: 'Methylprednisolone' }, { reaction: 'Anaphylaxis' }),
  },
  {
    id: 'exacerbation-on-capla',
    shows: 'TTP-EXACERBATION:on-capla',
    cards: ['TTP-EXACERBATION:warning'],
    title: 'Platelets falling after a response while caplacizumab is still given',
    expect: 'EXACERBATION warning, no second caplacizumab order',
    hook: 'patient-view',
    build: () =>
      fallAfter((s) =>
        s.med(DRUGS.caplacizumab, { doseMg: 11, route: 'sc', perDay: 1, start: day(1, '09:00'), givenAt: [day(19, '12:00')] }),
      ),
  },
  {
    id: 'exacerbation-on-tpe',
    shows: 'TTP-EXACERBATION:on-tpe',
    cards: ['TTP-EXACERBATION:warning'],
    title: 'Platelets falling after a response while daily TPE continues',
    expect: 'EXACERBATION warning: caplacizumab first',
    hook: 'patient-view',
    build: () => fallOnTpe(),
  },
  {
    id: 'exacerbation-allergy',
    shows: 'TTP-EXACERBATION:allergy',
    cards: ['TTP-EXACERBATION:warning'],
    title: 'Platelets falling after a response, caplacizumab anaphylaxis documented',
    expect: 'EXACERBATION warning without a caplacizumab order',
    hook: 'patient-view',
    build: () => caplaAllergy(fallAfter()),
  },
  {
    id: 'exacerbation-on-tpe-allergy',
    shows: 'TTP-EXACERBATION:on-tpe-allergy',
    cards: ['TTP-EXACERBATION:warning'],
    title: 'Platelets falling on daily TPE, caplacizumab anaphylaxis documented',
    expect: 'EXACERBATION warning without a caplacizumab order',
    hook: 'patient-view',
    build: () => caplaAllergy(fallOnTpe()),
  },
  {
    id: 'capla-stop-a13-unknown',
    shows: 'TTP-CAPLA-STOP:unknown',
    cards: ['TTP-CAPLA-STOP:warning'],
    title: 'Caplacizumab ending; the last ADAMTS13 is 10 days old',
    expect: 'CAPLA-STOP warning: ADAMTS13 unknown',
    hook: 'patient-view',
    build: () => caplaEnding(38, 26),
  },
  {
    id: 'capla-stop-a13-ok',
    shows: 'TTP-CAPLA-STOP:default',
    cards: ['TTP-CAPLA-STOP:warning'],
    title: 'Caplacizumab ending with ADAMTS13 15%',
    expect: 'CAPLA-STOP: ADAMTS13 still low',
    hook: 'patient-view',
    build: () => {
      const s = caplaEnding(38, 35);
      const a13 = s.resources.filter((r) => r.resourceType === 'Observation' && JSON.stringify(r).includes('53622-7')).at(-1) as
        { valueQuantity: { value: number } } | undefined;
      if (a13) a13.valueQuantity.value = 15;
      return s;
    },
  },
  {
    id: 'capla-stop-early',
    shows: 'TTP-CAPLA-STOP:early',
    cards: ['TTP-CAPLA-STOP:info'],
    title: 'Caplacizumab ending 20 days after the last TPE, ADAMTS13 40%',
    expect: 'CAPLA-STOP: before 30 days after TPE',
    hook: 'patient-view',
    build: () => {
      const s = recoveredAfterTpe(28);
      s.med(DRUGS.caplacizumab, {
        doseMg: 11,
        route: 'sc',
        perDay: 1,
        start: day(1, '09:00'),
        end: day(30, '12:00'),
        givenAt: [day(27, '12:00')],
      });
      return s.lab('a13', 40, day(27, '08:00'));
    },
  },
  {
    id: 'smear-missing-d1',
    shows: 'TTP-SMEAR-MISSING:default',
    cards: ['TTP-SMEAR-MISSING:info', 'TTP-DATA-UNREADABLE:info'],
    title: 'TPE day 1, ADAMTS13 sent, no blood smear',
    expect: 'SMEAR-MISSING info',
    hook: 'patient-view',
    build: () =>
      dailyHb(
        ittpDefaults(1, { skip: ['smear', 'a13', 'inhibitor'] })
          .series('plt', [12])
          .series('ldh', [1400]),
        1,
        1,
      ).serviceRequest('ADAMTS13 activity', 'active', {
        code: { system: 'http://loinc.org', code: '53622-7' },
        authored: day(1, '08:00'),
      }),
  },
  {
    id: 'mp-pulse-on-prednisone',
    shows: 'TTP-MP-PULSE:default',
    cards: ['TTP-CAPLA-DAY5:warning'],
    title: 'Not improving on day 4 on prednisone, no methylprednisolone pulse',
    expect: 'MP-PULSE info (folded into the escalation card)',
    hook: 'patient-view',
    build: () =>
      nonResponder(4, { skip: ['steroids'] }).med(DRUGS.prednisone, {
        doseMg: 70,
        route: 'po',
        perDay: 1,
        start: day(1, '08:00'),
        givenAt: [1, 2, 3, 4].map((d) => day(d, '08:00')),
      }),
  },
  {
    id: 'dara-last-line',
    shows: 'TTP-DARA-LASTLINE:default',
    cards: ['TTP-CAPLA-DAY5:critical', 'TTP-REFRACTORY-2L:warning', 'TTP-DARA-LASTLINE:info'],
    title: 'Still refractory 7 days after cyclophosphamide',
    expect: 'DARA-LASTLINE info',
    hook: 'patient-view',
    build: () =>
      nonResponder(8).med(DRUGS.cyclophosphamide, {
        status: 'completed',
        doseMg: 1000,
        start: day(1, '12:00'),
        givenAt: [day(1, '12:00')],
      }),
  },
  {
    id: 'a13-monitor-on-capla',
    shows: 'TTP-ADAMTS13-MONITOR:default',
    cards: ['TTP-ADAMTS13-MONITOR:info'],
    title: 'On caplacizumab 12 days after TPE, no ADAMTS13 since',
    expect: 'ADAMTS13-MONITOR info',
    hook: 'patient-view',
    build: () => onCapla(20, recoveredAfterTpe(20)),
  },
  {
    id: 'a13-relapse',
    shows: 'TTP-A13-RELAPSE:default',
    cards: ['TTP-A13-RELAPSE:info'],
    title: 'ADAMTS13 15% in clinical remission',
    expect: 'A13-RELAPSE info: pre-emptive rituximab',
    hook: 'patient-view',
    build: () => a13Relapse(),
  },
  {
    id: 'a13-relapse-rtx-allergy',
    shows: 'TTP-A13-RELAPSE:allergy',
    cards: ['TTP-A13-RELAPSE:info'],
    title: 'ADAMTS13 15% in remission, documented rituximab anaphylaxis',
    expect: 'A13-RELAPSE info without a rituximab order',
    hook: 'patient-view',
    build: () => rtxAllergy(a13Relapse()),
  },
  {
    id: 'capla-duration-long',
    shows: 'TTP-CAPLA-DURATION:default',
    cards: ['TTP-CAPLA-DURATION:info'],
    title: 'Caplacizumab planned 70 days after the last TPE',
    expect: 'CAPLA-DURATION info: beyond the label',
    hook: 'patient-view',
    build: () => {
      const s = recoveredAfterTpe(36);
      s.med(DRUGS.caplacizumab, {
        doseMg: 11,
        route: 'sc',
        perDay: 1,
        start: day(1, '09:00'),
        end: day(78, '12:00'),
        givenAt: [day(35, '12:00')],
      });
      return s.lab('a13', 45, day(35, '08:00'));
    },
  },
  {
    id: 'unreadable-hb-status',
    shows: 'TTP-DATA-UNREADABLE:default',
    cards: ['TTP-DATA-UNREADABLE:info'],
    title: 'A Hb result with a status that is no FHIR status',
    expect: 'DATA-UNREADABLE info naming it',
    hook: 'patient-view',
    build: () => {
      const s = recoveredAfterTpe(12);
      const hb = s.resources.filter((r) => r.id?.startsWith('obs-hb')).at(-1) as { status: string } | undefined;
      if (hb) hb.status = 'FINAL';
      return s;
    },
  },
];

/** Every example patient: the knowledge base's scenarios, then one for every card variant. */
export const EXAMPLES: Situation[] = [...SITUATIONS, ...VARIANT_SITUATIONS];
