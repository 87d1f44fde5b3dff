/**
 * Boundaries of every patient-view rule: the day it starts, the value at the threshold, data in
 * the wrong status, missing values. Each block shows the rule firing AND staying silent.
 */
import { DRUGS, Scenario, dailyHb, day, ittpDefaults, recoveredAfterTpe } from '../fixtures/builder';
import { cardFor, run } from '../helpers';

const LDH5 = [1400, 1380, 1350, 1320, 1300];
const nonResponder = (evalDay = 5, opts: Parameters<typeof ittpDefaults>[1] = {}) => {
  const plt = [12, 14, 15, 18, 16, 15, 17, 16];
  const ldh = [...LDH5, 1290, 1280, 1270];
  return dailyHb(ittpDefaults(evalDay, opts).series('plt', plt.slice(0, evalDay)).series('ldh', ldh.slice(0, evalDay)), 1, evalDay);
};

describe('G gates', () => {
  test.each([
    ['drug-induced TTP', (s: Scenario) => s.condition('441322009')],
    ['HSCT-TMA', (s: Scenario) => s.condition('M31.11', { system: 'http://hl7.org/fhir/sid/icd-10-cm' })],
  ])('%s suppresses every card', (_n, add) => {
    expect(run(add(nonResponder())).ids).toEqual([]);
  });

  test('congenital TTP recognised by text alone suppresses every card', () => {
    const s = nonResponder()
      .without((r) => r.resourceType === 'Condition')
      .condition('', { text: 'Congenital TTP (Upshaw-Schulman syndrome)' });
    expect(run(s).ids).toEqual([]);
  });

  test('congenital by text next to an acquired code is the subtype conflict', () => {
    expect(run(nonResponder().condition('', { text: 'Congenital TTP (Upshaw-Schulman syndrome)' })).ids).toEqual(['TTP-SUBTYPE-CONFLICT']);
  });

  test('a congenital diagnosis that was entered in error does not suppress', () => {
    expect(run(nonResponder().condition('373420004', { verificationStatus: 'entered-in-error' })).ids).toContain('TTP-CAPLA-DAY5');
  });

  test('a resolved iTTP diagnosis alone gives no card', () => {
    const s = nonResponder()
      .without((r) => r.resourceType === 'Condition')
      .condition('439007008', { clinicalStatus: 'resolved' });
    expect(run(s).ids).toEqual([]);
  });

  test('age 18 gets cards; 17 does not; unknown age gets cards with a note', () => {
    const s = nonResponder();
    const patient = s.resources.find((r) => r.resourceType === 'Patient')!;
    patient.birthDate = '2008-03-01';
    expect(run(s).ids).toContain('TTP-CAPLA-DAY5');
    patient.birthDate = '2008-03-07';
    expect(run(s).ids).toEqual([]);
    delete patient.birthDate;
    expect(cardFor(run(s), 'TTP-CAPLA-DAY5').detail).toContain('Age is not recorded');
  });

  test('a diagnosis without clinicalStatus is taken as current', () => {
    const s = nonResponder()
      .without((r) => r.resourceType === 'Condition')
      .condition('439007008', { clinicalStatus: 'none' });
    expect(run(s).ids).toContain('TTP-CAPLA-DAY5');
  });
});

describe('TTP-CAPLA-DAY5', () => {
  test('starts on PE day 4 (warning, 4 sessions); silent on day 3', () => {
    expect(run(nonResponder(4)).byRule['TTP-CAPLA-DAY5']).toBe('warning');
    expect(run(nonResponder(3)).ids).not.toContain('TTP-CAPLA-DAY5');
  });

  test('4 sessions by PE day 3 (twice-daily TPE) count as day 4-5', () => {
    const s = nonResponder(3).tpe(day(2, '21:00'));
    expect(run(s).byRule['TTP-CAPLA-DAY5']).toBe('warning');
  });

  test('an active caplacizumab order not yet given silences it', () => {
    expect(run(nonResponder().med(DRUGS.caplacizumab, { doseMg: 11, route: 'sc', perDay: 1, start: day(5, '12:00') })).ids).not.toContain(
      'TTP-CAPLA-DAY5',
    );
  });

  test('caplacizumab given this episode (order since stopped) silences it', () => {
    const s = nonResponder().med(DRUGS.caplacizumab, {
      status: 'stopped',
      doseMg: 11,
      route: 'sc',
      perDay: 1,
      start: day(2, '12:00'),
      end: day(3, '12:00'),
      givenAt: [day(2, '12:00')],
    });
    expect(run(s).ids).not.toContain('TTP-CAPLA-DAY5');
  });

  test('caplacizumab given only in an earlier episode does not silence it', () => {
    const s = nonResponder().med(DRUGS.caplacizumab, {
      status: 'completed',
      doseMg: 11,
      route: 'sc',
      perDay: 1,
      start: day(-200, '12:00'),
      end: day(-150, '12:00'),
      givenAt: [day(-200, '12:00')],
    });
    expect(run(s).ids).toContain('TTP-CAPLA-DAY5');
  });

  test('a caplacizumab order with a stop date in the past is not active', () => {
    const s = nonResponder().med(DRUGS.caplacizumab, {
      status: 'active',
      doseMg: 11,
      route: 'sc',
      perDay: 1,
      start: day(-60, '12:00'),
      end: day(-40, '12:00'),
    });
    expect(run(s).ids).toContain('TTP-CAPLA-DAY5');
  });

  test('an active life-threatening bleed silences it', () => {
    expect(run(nonResponder().condition('274100004', { onset: day(4) })).ids).not.toContain('TTP-CAPLA-DAY5');
  });

  test('ADAMTS13 > 20% (G3b) silences it; 20% exactly does not', () => {
    expect(run(nonResponder(5, { skip: ['a13', 'inhibitor'] }).lab('a13', 21, day(0, '21:00'))).ids).not.toContain('TTP-CAPLA-DAY5');
    expect(run(nonResponder(5, { skip: ['a13', 'inhibitor'] }).lab('a13', 20, day(0, '21:00'))).ids).toContain('TTP-CAPLA-DAY5');
  });

  test('a preliminary ADAMTS13 of 60% is not used for G3b', () => {
    expect(run(nonResponder(5, { skip: ['a13', 'inhibitor'] }).lab('a13', 60, day(0, '21:00'), { status: 'preliminary' })).ids).toContain(
      'TTP-CAPLA-DAY5',
    );
  });

  test('an episode that ended more than 30 days ago is not a current TPE day', () => {
    const s = nonResponder().at(40);
    expect(run(s).ids).not.toContain('TTP-CAPLA-DAY5');
  });

  test('the up-front info card (site option, off by default) fires from day 1 when ADAMTS13 < 10%', () => {
    const early = nonResponder(2);
    expect(run(early).ids).not.toContain('TTP-CAPLA-DAY5');
    const o = run(early, 'patient-view', { site: { parameters: { caplaUpfrontInfoCard: true } } });
    expect(o.byRule['TTP-CAPLA-DAY5']).toBe('info');
    expect(cardFor(o, 'TTP-CAPLA-DAY5').summary).toBe(
      'iTTP with ADAMTS13 4%: ISTH suggests caplacizumab up front (conditional). Consider starting it now.',
    );
    const onCapla = nonResponder(2).med(DRUGS.caplacizumab, { doseMg: 11, route: 'sc', perDay: 1, start: day(1, '12:00') });
    expect(run(onCapla, 'patient-view', { site: { parameters: { caplaUpfrontInfoCard: true } } }).ids).not.toContain('TTP-CAPLA-DAY5');
  });

  test('a caplacizumab order recognised by text says so', () => {
    const s = nonResponder().med({ text: 'Cablivi 11 mg' }, { status: 'cancelled' });
    expect(cardFor(run(s), 'TTP-CAPLA-DAY5').detail).toContain('status cancelled) does not count as ordered');
  });
});

describe('TTP-RTX-MISSING', () => {
  const noRtx = (d: number) => nonResponder(d, { skip: ['rtx'] });
  test('info on PE day 1-2, warning from day 3', () => {
    expect(run(noRtx(1)).byRule['TTP-RTX-MISSING']).toBe('info');
    expect(run(noRtx(2)).byRule['TTP-RTX-MISSING']).toBe('info');
    expect(run(noRtx(3)).byRule['TTP-RTX-MISSING']).toBe('warning');
  });

  test('a cancelled rituximab order still fires; an active one (not yet given) is silent', () => {
    expect(run(noRtx(3).med(DRUGS.rituximab, { status: 'cancelled' })).ids).toContain('TTP-RTX-MISSING');
    expect(run(noRtx(3).med(DRUGS.rituximab, { status: 'active', doseMg: 700 })).ids).not.toContain('TTP-RTX-MISSING');
  });

  test('not confirmed (TTP NOS, no ADAMTS13 < 10%): silent; ADAMTS13 8% confirms', () => {
    const nos = () =>
      noRtx(3)
        .without((r) => r.resourceType === 'Condition')
        .condition('78129009');
    expect(run(nos().without((r) => JSON.stringify(r).includes('53622-7'))).ids).not.toContain('TTP-RTX-MISSING');
    expect(run(nos()).ids).toContain('TTP-RTX-MISSING');
  });

  test('rituximab 3 months ago (earlier episode) still fires, and the card says when', () => {
    const s = noRtx(3).give(DRUGS.rituximab, day(-90, '12:00'), 700);
    expect(cardFor(run(s), 'TTP-RTX-MISSING').detail).toContain('Rituximab was given on 2025-12-01');
  });

  test('refractory (D3a) gives the escalated wording', () => {
    expect(cardFor(run(noRtx(5)), 'TTP-RTX-MISSING').summary).toMatch(/^Refractory iTTP without rituximab/);
  });
});

describe('TTP-STEROID-MISSING', () => {
  const noSteroid = (d: number) => nonResponder(d, { skip: ['steroids'] });
  test('silent on PE day 1, fires on day 2', () => {
    expect(run(noSteroid(1)).ids).not.toContain('TTP-STEROID-MISSING');
    expect(run(noSteroid(2)).ids).toContain('TTP-STEROID-MISSING');
  });
  test('an entered-in-error steroid order does not count; dexamethasone by text does', () => {
    expect(run(noSteroid(2).med(DRUGS.prednisone, { status: 'entered-in-error' })).ids).toContain('TTP-STEROID-MISSING');
    expect(run(noSteroid(2).med({ text: 'Dexamethasone 40 mg PO' }, { doseMg: 40 })).ids).not.toContain('TTP-STEROID-MISSING');
  });
});

describe('TTP-MP-PULSE', () => {
  test('two days of 1 g is not a pulse; an active 1 g x3 order is', () => {
    const two = nonResponder(5, { skip: ['steroids'] }).med(DRUGS.methylprednisolone, {
      status: 'completed',
      doseMg: 1000,
      route: 'iv',
      perDay: 1,
      count: 2,
      start: day(1, '12:00'),
      givenAt: [day(1, '12:00'), day(2, '12:00')],
    });
    expect(run(two).byRule['TTP-MP-PULSE']).toBe('info');
    const ordered = nonResponder(5, { skip: ['steroids'] }).med(DRUGS.methylprednisolone, {
      doseMg: 1000,
      route: 'iv',
      perDay: 1,
      count: 3,
      start: day(5, '12:00'),
    });
    expect(run(ordered).ids).not.toContain('TTP-MP-PULSE');
  });
  test('a 500 mg twice-daily course counts as 1 g a day', () => {
    const s = nonResponder(5, { skip: ['steroids'] });
    for (const d of [1, 2, 3]) s.give(DRUGS.methylprednisolone, day(d, '08:00'), 500).give(DRUGS.methylprednisolone, day(d, '20:00'), 500);
    expect(run(s).ids).not.toContain('TTP-MP-PULSE');
  });
});

describe('TTP-REFRACTORY-2L and TTP-DARA-LASTLINE', () => {
  const broad = () => dailyHb(ittpDefaults(5).series('plt', [40, 45, 55, 60, 62]).series('ldh', [1400, 1380, 1350, 1320, 1300]), 1, 5);
  test('no response after 5 sessions and not improving fires; improving does not', () => {
    expect(run(broad()).byRule['TTP-REFRACTORY-2L']).toBe('warning');
    const improving = dailyHb(ittpDefaults(5).series('plt', [40, 55, 70, 80, 90]).series('ldh', [1400, 1200, 1000, 900, 800]), 1, 5);
    expect(run(improving).ids).not.toContain('TTP-REFRACTORY-2L');
  });
  test('without rituximab it stays silent (RTX-MISSING escalates instead)', () => {
    const o = run(nonResponder(5, { skip: ['rtx'] }));
    expect(o.ids).not.toContain('TTP-REFRACTORY-2L');
    expect(o.ids).toContain('TTP-RTX-MISSING');
  });
  test('daratumumab card 7 days after a second-line agent, not at 6', () => {
    const s = (start: number) =>
      nonResponder(8).med(DRUGS.cyclophosphamide, {
        status: 'completed',
        doseMg: 1000,
        start: day(start, '12:00'),
        givenAt: [day(start, '12:00')],
      });
    expect(run(s(1)).byRule['TTP-DARA-LASTLINE']).toBe('info');
    expect(run(s(2)).ids).not.toContain('TTP-DARA-LASTLINE');
  });
});

describe('ADAMTS13 rules', () => {
  const noA13 = (d = 2) =>
    dailyHb(
      ittpDefaults(d, { skip: ['a13', 'inhibitor'] })
        .series('plt', [12, 15].slice(0, d))
        .series('ldh', [1400, 1300].slice(0, d)),
      1,
      d,
    );
  test('MISSING: a result 8 days before day 1 is too old; 7 days is enough', () => {
    expect(run(noA13().lab('a13', 4, day(-7, '06:00'))).ids).toContain('TTP-ADAMTS13-MISSING');
    expect(run(noA13().lab('a13', 4, day(-6, '10:00'))).ids).not.toContain('TTP-ADAMTS13-MISSING');
  });
  test('MISSING: a preliminary or registered result counts as measured; a cancelled order does not', () => {
    expect(run(noA13().lab('a13', 4, day(1), { status: 'preliminary' })).ids).not.toContain('TTP-ADAMTS13-MISSING');
    expect(run(noA13().lab('a13', 0, day(1), { status: 'registered' })).ids).not.toContain('TTP-ADAMTS13-MISSING');
    expect(run(noA13().serviceRequest('ADAMTS13 activity', 'revoked')).ids).toContain('TTP-ADAMTS13-MISSING');
  });
  test('MISSING: a local ADAMTS13 code from site configuration counts', () => {
    const s = noA13().lab('a13', 4, day(1), { code: { coding: [{ system: 'urn:oid:1.2.3', code: 'A13X' }] } });
    expect(run(s).ids).toContain('TTP-ADAMTS13-MISSING');
    expect(
      run(s, 'patient-view', { site: { localCodes: { 'VS-A13ACT': [{ system: 'urn:oid:1.2.3', code: 'A13X' }] } } }).ids,
    ).not.toContain('TTP-ADAMTS13-MISSING');
  });
  test('INHIB: fires below 10%, not at 10%; an IgG result or inhibitor order silences it', () => {
    expect(run(noA13().lab('a13', 9, day(0, '21:00'))).byRule['TTP-ADAMTS13-INHIB']).toBe('info');
    expect(run(noA13().lab('a13', 10, day(0, '21:00'))).ids).not.toContain('TTP-ADAMTS13-INHIB');
    expect(run(noA13().lab('a13', 9, day(0, '21:00')).inhibitor(day(1), 'Anti-ADAMTS13 IgG')).ids).not.toContain('TTP-ADAMTS13-INHIB');
    expect(run(noA13().lab('a13', 9, day(0, '21:00')).serviceRequest('ADAMTS13 inhibitor screen', 'active')).ids).not.toContain(
      'TTP-ADAMTS13-INHIB',
    );
  });
  test('INHIB: "<5%" counts as below 10%', () => {
    expect(run(noA13().lab('a13', 5, day(0, '21:00'), { comparator: '<' })).ids).toContain('TTP-ADAMTS13-INHIB');
  });
  test('MONITOR: caplacizumab active and last ADAMTS13 8 days ago fires; 6 days does not; stopped does not', () => {
    const withCapla = (a13Day: number, status: 'active' | 'stopped' = 'active') =>
      nonResponder(9, { skip: ['a13'] })
        .lab('a13', 4, day(a13Day, '18:00'))
        .med(DRUGS.caplacizumab, {
          status,
          doseMg: 11,
          route: 'sc',
          perDay: 1,
          start: day(2, '12:00'),
          end: status === 'stopped' ? day(5, '12:00') : undefined,
          givenAt: [day(2, '12:00')],
        });
    expect(run(withCapla(1)).byRule['TTP-ADAMTS13-MONITOR']).toBe('info');
    expect(run(withCapla(3)).ids).not.toContain('TTP-ADAMTS13-MONITOR');
    expect(run(withCapla(1, 'stopped')).ids).not.toContain('TTP-ADAMTS13-MONITOR');
  });
});

describe('TTP-MON-DAILY and TTP-SMEAR-MISSING', () => {
  const labsAt = (hoursAgo: number, opts: { skipSmear?: boolean } = {}) => {
    const s = ittpDefaults(3, { skip: opts.skipSmear ? ['smear'] : [] });
    const t = new Date(Date.parse(s.now) - hoursAgo * 3_600_000).toISOString();
    return s.lab('plt', 20, t).lab('hb', 8, t).lab('ldh', 900, t);
  };
  test('29 h is within the window; 31 h is a gap', () => {
    expect(run(labsAt(29)).ids).not.toContain('TTP-MON-DAILY');
    expect(cardFor(run(labsAt(31)), 'TTP-MON-DAILY').summary).toContain('no PLT/Hb/LDH in 30 h');
  });
  test('no TPE in 48 h and no active TPE order: silent', () => {
    const s = labsAt(60)
      .without((r) => r.resourceType === 'ServiceRequest')
      .at(6, '18:00');
    expect(run(s).ids).not.toContain('TTP-MON-DAILY');
  });
  test('the smear card comes only with a monitoring gap, and only when no smear this episode', () => {
    expect(run(labsAt(31, { skipSmear: true })).ids).toEqual(expect.arrayContaining(['TTP-MON-DAILY', 'TTP-SMEAR-MISSING']));
    expect(run(labsAt(31)).ids).not.toContain('TTP-SMEAR-MISSING');
    expect(run(labsAt(10, { skipSmear: true })).ids).not.toContain('TTP-SMEAR-MISSING');
  });
});

describe('TTP-PE-STOP-EARLY', () => {
  const gap = (hours: number) => {
    const s = ittpDefaults(3, { tpeThrough: 2 }).series('plt', [20, 35, 50]).series('ldh', [1400, 1000, 700]);
    s.now = new Date(Date.parse(day(2, '10:00')) + hours * 3_600_000).toISOString();
    return dailyHb(s, 1, 3);
  };
  test('35 h without a session is not a pause; 37 h is', () => {
    expect(run(gap(35)).ids).not.toContain('TTP-PE-STOP-EARLY');
    expect(run(gap(37)).byRule['TTP-PE-STOP-EARLY']).toBe('warning');
  });
  test("a per-session TPE order completed after today's exchange is not a stop; revoked is", () => {
    const perSession = (status: string) => {
      const s = dailyHb(
        ittpDefaults(3, { skip: ['tpe'] })
          .series('plt', [20, 35, 50])
          .series('ldh', [1400, 1000, 700]),
        1,
        3,
      ).tpeDaily(1, 3);
      return s.tpeOrder(status, { authored: day(3, '08:00'), lastUpdated: day(3, '13:00') });
    };
    expect(run(perSession('completed')).ids).not.toContain('TTP-PE-STOP-EARLY');
    expect(run(perSession('revoked')).ids).toContain('TTP-PE-STOP-EARLY');
  });

  test('a completed TPE order without any LDH says the response cannot be confirmed', () => {
    const s = dailyHb(ittpDefaults(4, { tpeThrough: 3, tpeOrderStatus: 'completed' }).series('plt', [20, 100, 160, 170]), 1, 4);
    const card = cardFor(run(s), 'TTP-PE-STOP-EARLY');
    expect(card.detail).toContain('not confirmed (missing: LDH)');
  });
});

describe('TTP-EXACERBATION', () => {
  const after = (pltDay: number, extra: (s: Scenario) => void = () => undefined) => {
    const s = ittpDefaults(pltDay, { tpeThrough: 8, tpeOrderStatus: 'completed' });
    s.series('plt', [12, 40, 80, 120, 145, 170, 190, 200]).series('ldh', [1400, 900, 600, 400, 320, 280, 250, 240]);
    dailyHb(s, 1, 8);
    s.lab('plt', 90, day(pltDay, '07:00'));
    extra(s);
    return s;
  };
  test('within 30 days of the last TPE it fires; at 31 days (no caplacizumab) it does not', () => {
    expect(run(after(37)).byRule['TTP-EXACERBATION']).toBe('warning');
    expect(run(after(40)).ids).not.toContain('TTP-EXACERBATION');
  });
  test('another coded cause (HIT) silences it', () => {
    expect(run(after(20, (s) => s.condition('', { text: 'Heparin-induced thrombocytopenia' }))).ids).not.toContain('TTP-EXACERBATION');
  });
  test('ADAMTS13 remission (>= 20%) after response means relapse territory, not exacerbation', () => {
    expect(run(after(20, (s) => s.lab('a13', 55, day(12)))).ids).not.toContain('TTP-EXACERBATION');
  });
});

describe('TTP-DX-RECONSIDER', () => {
  const nos = (a13: number) => new Scenario(2).patient().condition('78129009').lab('a13', a13, day(0, '21:00')).tpeDaily(1, 2);
  test('21% fires, 20% does not', () => {
    expect(run(nos(21)).byRule['TTP-DX-RECONSIDER']).toBe('info');
    expect(run(nos(20)).ids).not.toContain('TTP-DX-RECONSIDER');
  });
  test('warning when caplacizumab is active', () => {
    expect(
      run(nos(45).med(DRUGS.caplacizumab, { doseMg: 11, route: 'sc', perDay: 1, start: day(1, '12:00') })).byRule['TTP-DX-RECONSIDER'],
    ).toBe('warning');
  });
  test('a recovery after a documented 5% this episode is not a reason to reconsider', () => {
    expect(run(nos(45).lab('a13', 5, day(-1))).ids).not.toContain('TTP-DX-RECONSIDER');
  });
});

describe('TTP-CAPLA-STOP and TTP-CAPLA-DURATION', () => {
  const ending = (endDay: number, a13Day = 35, evalDay = 36) => {
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
  };
  test('an end in 3 days fires; in 4 days does not', () => {
    expect(run(ending(39)).ids).toContain('TTP-CAPLA-STOP');
    expect(run(ending(40)).ids).not.toContain('TTP-CAPLA-STOP');
  });
  test('ADAMTS13 older than 7 days: warning "unknown"', () => {
    const card = cardFor(run(ending(38, 27)), 'TTP-CAPLA-STOP');
    expect(card.indicator).toBe('warning');
    expect(card.summary).toContain('without ADAMTS13 in 7 days');
  });
  test('ADAMTS13 >= 20% and >= 30 days after the last TPE: no card', () => {
    const s = ending(39);
    s.lab('a13', 60, day(36, '07:00'));
    expect(run(s).ids).not.toContain('TTP-CAPLA-STOP');
  });
  test('planned end at last TPE + 58 days is within the label; + 59 is not', () => {
    expect(run(ending(66, 35, 20)).ids).not.toContain('TTP-CAPLA-DURATION');
    expect(run(ending(67, 35, 20)).byRule['TTP-CAPLA-DURATION']).toBe('info');
  });
});
