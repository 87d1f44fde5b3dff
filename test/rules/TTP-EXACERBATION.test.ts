/** TTP-EXACERBATION: Possible iTTP exacerbation. When it fires, at which indicator, and when it stays silent. */
import { DRUGS, type Scenario, dailyHb, day, ittpDefaults } from '../fixtures/builder';
import { cardFor, run } from '../helpers';
import { fallAfterResponse } from '../fixtures/records';
import { ruleContract } from './contract';

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

  test('another coded cause (HIT) makes it info, naming the cause; never silence', () => {
    const o = run(after(20, (s) => s.condition('', { text: 'Heparin-induced thrombocytopenia' })));
    expect(o.byRule['TTP-EXACERBATION']).toBe('info');
    expect(cardFor(o, 'TTP-EXACERBATION').detail).toContain('Heparin-induced thrombocytopenia is coded');
  });

  test('the warning is urgent: restart TPE and caplacizumab, rituximab if not given, ADAMTS13 now', () => {
    const o = run(after(20));
    const card = cardFor(o, 'TTP-EXACERBATION');
    expect(card.summary).toBe(
      'Possible iTTP exacerbation: platelets 90 within 30 d of stopping TPE. Urgent review: restart TPE, caplacizumab.',
    );
    expect(card.suggestions!.map((x) => x.label)).toEqual([
      'Order caplacizumab 11 mg IV before TPE, then 11 mg SC daily',
      'Re-order daily therapeutic plasma exchange',
      'Order ADAMTS13 activity and LDH',
    ]);
    const noRtx = run(after(20, (s) => s.without((r) => JSON.stringify(r).includes('rituximab'))));
    expect(cardFor(noRtx, 'TTP-EXACERBATION').detail).toContain('No rituximab is recorded this episode');
  });

  test("a rituximab order left active since an earlier episode is not this episode's: the card still asks for rituximab", () => {
    const o = run(
      after(20, (s) =>
        s.without((r) => JSON.stringify(r).includes('rituximab')).med(DRUGS.rituximab, { doseMg: 700, authoredOn: day(-240) }),
      ),
    );
    expect(cardFor(o, 'TTP-EXACERBATION').detail).toContain('No rituximab is recorded this episode');
  });

  test('while caplacizumab is still given: its own wording, and no second caplacizumab order', () => {
    const o = run(
      after(20, (s) =>
        s.med(DRUGS.caplacizumab, { doseMg: 11, route: 'sc', perDay: 1, start: day(1, '09:00'), givenAt: [day(19, '12:00')] }),
      ),
    );
    const card = cardFor(o, 'TTP-EXACERBATION');
    expect(card.summary).toBe('Platelets 90 falling on caplacizumab after response: possible exacerbation. Urgent hematology review.');
    expect(card.suggestions!.map((x) => x.label)).not.toContain('Order caplacizumab 11 mg IV before TPE, then 11 mg SC daily');
  });

  test('a fall after response while daily TPE continues: its own wording, caplacizumab first, no "restart TPE"; 37 h after the last session TPE counts as stopped', () => {
    const onTpe = (evalHour: string) => {
      const s = ittpDefaults(12);
      s.series('plt', [12, 40, 80, 120, 160, 170, 190, 150, 120, 90, 70, 60]).series(
        'ldh',
        [1400, 900, 600, 400, 320, 280, 250, 260, 300, 400, 500, 600],
      );
      s.now = evalHour;
      return dailyHb(s, 1, 12);
    };
    const card = cardFor(run(onTpe(day(12, '18:00'))), 'TTP-EXACERBATION');
    expect(card.indicator).toBe('warning');
    expect(card.summary).toBe(
      'Platelets 60 falling during TPE after response: possible exacerbation. Urgent review: add caplacizumab, intensify therapy.',
    );
    expect(card.suggestions!.map((x) => x.label)).toEqual([
      'Order caplacizumab 11 mg IV before TPE, then 11 mg SC daily',
      'Order ADAMTS13 activity and LDH',
    ]);
    // The last session was on day 12 at 10:00-12:30: 36 h later TPE still runs, 37 h later it has stopped.
    expect(cardFor(run(onTpe(day(13, '22:00'))), 'TTP-EXACERBATION').summary).toContain('during TPE');
    expect(cardFor(run(onTpe(day(13, '23:30'))), 'TTP-EXACERBATION').summary).toContain('within 30 d of stopping TPE');
  });

  test('within 30 days of the last caplacizumab dose, though TPE stopped earlier', () => {
    const s = after(45, (x) =>
      x.med(DRUGS.caplacizumab, {
        status: 'completed',
        doseMg: 11,
        route: 'sc',
        perDay: 1,
        start: day(1, '09:00'),
        end: day(20, '09:00'),
        givenAt: [day(20, '09:00')],
      }),
    );
    expect(run(s).byRule['TTP-EXACERBATION']).toBe('warning');
    expect(
      run(
        after(51, (x) =>
          x.med(DRUGS.caplacizumab, {
            status: 'completed',
            doseMg: 11,
            start: day(1, '09:00'),
            end: day(20, '09:00'),
            givenAt: [day(20, '09:00')],
          }),
        ),
      ).ids,
    ).not.toContain('TTP-EXACERBATION');
  });

  test('ADAMTS13 remission (>= 20%) after response means relapse territory, not exacerbation', () => {
    expect(run(after(20, (s) => s.lab('a13', 55, day(12)))).ids).not.toContain('TTP-EXACERBATION');
  });
});

describe('TTP-EXACERBATION, knowledge base version 3', () => {
  test('29: with caplacizumab anaphylaxis on record no caplacizumab is drafted; the warning and the other drafts stay', () => {
    const o = run(fallAfterResponse(20).allergy({ text: 'Cablivi' }, { reaction: 'Anaphylaxis' }));
    const card = cardFor(o, 'TTP-EXACERBATION');
    expect(card.indicator).toBe('warning');
    expect(card.suggestions!.map((x) => x.label)).toEqual([
      'Re-order daily therapeutic plasma exchange',
      'Order ADAMTS13 activity and LDH',
    ]);
    expect(card.detail).toContain('Documented caplacizumab allergy (Cablivi, Anaphylaxis');
  });

  test('30: rituximab recorded as given elsewhere is not "no rituximab"', () => {
    const noRtx = () => fallAfterResponse(20).without((r) => JSON.stringify(r).includes('rituximab'));
    const o = run(noRtx().statement(DRUGS.rituximab, { status: 'completed', start: day(3), end: day(3) }));
    expect(cardFor(o, 'TTP-EXACERBATION').detail).not.toContain('No rituximab is recorded this episode');
    expect(cardFor(run(noRtx()), 'TTP-EXACERBATION').detail).toContain('No rituximab is recorded this episode');
  });
});

ruleContract('TTP-EXACERBATION', { hook: 'patient-view', build: () => fallAfterResponse(37), indicator: 'warning' });
