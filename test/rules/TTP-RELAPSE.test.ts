/** TTP-RELAPSE: possible relapse after remission. When it fires, at which indicator, and when it stays silent. */
import { Scenario, day, recoveredAfterTpe } from '../fixtures/builder';
import { cardFor, run } from '../helpers';
import { ruleContract } from './contract';

/** Responded by day 7, TPE until day 8, in remission 30 days later; on `evalDay`, platelets `plt` and LDH `ldh`. */
const later = (evalDay: number, plt: number, ldh: number) =>
  recoveredAfterTpe(evalDay).lab('plt', plt, day(evalDay, '07:00')).lab('ldh', ldh, day(evalDay, '07:00'));

describe('TTP-RELAPSE', () => {
  test('after remission, platelets < 150 with LDH above its ULN: an urgent warning', () => {
    const o = run(later(60, 80, 400));
    expect(o.byRule['TTP-RELAPSE']).toBe('warning');
    const card = cardFor(o, 'TTP-RELAPSE');
    expect(card.summary).toBe(
      'Possible iTTP relapse: platelets 80, ADAMTS13 not measured since. Urgent hematology review; restart TPE, steroids, caplacizumab.',
    );
    expect(card.suggestions!.map((x) => x.label)[0]).toBe('Re-order daily therapeutic plasma exchange');
  });

  test('both sides: platelets 150 or an LDH at its ULN alone are no relapse', () => {
    expect(run(later(60, 150, 400)).ids).not.toContain('TTP-RELAPSE');
    expect(run(later(60, 149, 400)).ids).toContain('TTP-RELAPSE');
    expect(run(later(60, 80, 250)).ids).not.toContain('TTP-RELAPSE');
    expect(run(later(60, 80, 251)).ids).toContain('TTP-RELAPSE');
  });

  test('severe ADAMTS13 deficiency after remission with platelets < 150 is a relapse without the LDH', () => {
    const o = run(later(60, 120, 200).lab('a13', 5, day(60, '07:00')));
    expect(o.byRule['TTP-RELAPSE']).toBe('warning');
    expect(cardFor(o, 'TTP-RELAPSE').summary).toContain('ADAMTS13 5%');
  });

  test('before the remission (within 30 days of the last TPE) it is an exacerbation, not a relapse', () => {
    const o = run(later(30, 80, 400));
    expect(o.ids).not.toContain('TTP-RELAPSE');
    expect(o.ids).toContain('TTP-EXACERBATION');
  });

  test('a coded other cause makes it info; TPE restarted after the remission silences it', () => {
    expect(run(later(60, 80, 400).condition('', { text: 'Sepsis' })).byRule['TTP-RELAPSE']).toBe('info');
    expect(run(later(60, 80, 400).tpe(day(59, '10:00'))).ids).not.toContain('TTP-RELAPSE');
  });

  describe('the diagnosis coded as a relapse, with no earlier episode on record', () => {
    /** Condition coded relapse (onset two years ago), no TPE; platelets and LDH drawn this morning. */
    const coded = (plt: number, ldh: number, status = 'relapse') =>
      new Scenario(1, '18:00')
        .patient()
        .condition('439007008', { clinicalStatus: status, onset: '2024-05-01T00:00:00Z' })
        .lab('plt', plt, day(1, '08:00'))
        .lab('ldh', ldh, day(1, '08:00'));

    test('platelets 40 and LDH 2.4x ULN: an urgent warning that also suggests ADAMTS13 (none since)', () => {
      const card = cardFor(run(coded(40, 600)), 'TTP-RELAPSE');
      expect(card.indicator).toBe('warning');
      expect(card.summary).toContain('ADAMTS13 not measured since');
      expect(card.detail).toContain('the diagnosis is coded as a relapse');
      expect(card.suggestions!.map((x) => x.label)).toContain('Order ADAMTS13 activity and inhibitor/anti-ADAMTS13 IgG');
      expect(run(coded(40, 600, 'recurrence')).byRule['TTP-RELAPSE']).toBe('warning');
    });

    test('both sides: platelets 150, or an LDH at its ULN without severe deficiency, are no relapse; an active (not relapse) code is not one', () => {
      expect(run(coded(150, 600)).ids).not.toContain('TTP-RELAPSE');
      expect(run(coded(149, 600)).ids).toContain('TTP-RELAPSE');
      expect(run(coded(40, 250)).ids).not.toContain('TTP-RELAPSE');
      expect(run(coded(40, 600, 'active')).ids).not.toContain('TTP-RELAPSE');
    });

    test('with ADAMTS13 3% it supersedes TTP-FIRSTLINE-MISSING (one card says restart TPE and steroids), and the ADAMTS13 draft is not offered', () => {
      const o = run(coded(40, 600).lab('a13', 3, day(1, '02:00')));
      expect(o.byRule).toEqual({ 'TTP-RELAPSE': 'warning' });
      expect(cardFor(o, 'TTP-RELAPSE').suggestions!.map((x) => x.label)).not.toContain(
        'Order ADAMTS13 activity and inhibitor/anti-ADAMTS13 IgG',
      );
    });

    test('an info relapse (another cause coded) does not hold back the FIRSTLINE-MISSING warning', () => {
      const o = run(coded(40, 600).lab('a13', 3, day(1, '02:00')).condition('', { text: 'Sepsis' }));
      expect(o.byRule).toEqual({ 'TTP-FIRSTLINE-MISSING': 'warning', 'TTP-RELAPSE': 'info' });
    });

    test('once TPE runs for it, the episode cards speak instead', () => {
      expect(run(coded(40, 600).tpe(day(1, '10:00'))).ids).not.toContain('TTP-RELAPSE');
    });
  });

  test('an ADAMTS13 remission (post-TPE >= 20%) counts as remission before 30 days', () => {
    const s = later(25, 80, 400).lab('a13', 45, day(15, '07:00'));
    expect(run(s).ids).toContain('TTP-RELAPSE');
    expect(run(s).ids).not.toContain('TTP-EXACERBATION');
  });
});

describe('TTP-RELAPSE, knowledge base version 3', () => {
  test('29: a relapse in a patient with caplacizumab anaphylaxis: the warning stays, no caplacizumab order, the card says why', () => {
    const o = run(later(60, 80, 400).allergy({ text: 'caplacizumab-yhdp (Cablivi)' }, { reaction: 'Anaphylaxis' }));
    expect(o.byRule['TTP-RELAPSE']).toBe('warning');
    const card = cardFor(o, 'TTP-RELAPSE');
    expect(card.suggestions!.map((x) => x.label)).not.toContain('Order caplacizumab 11 mg IV before TPE, then 11 mg SC daily');
    expect(card.suggestions!.length).toBeGreaterThan(0);
    expect(card.detail).toContain('Documented caplacizumab allergy');
    expect(JSON.stringify(o.cards)).not.toMatch(/caplacizumab-yhdp \(Cablivi\) 11 mg injection/);
    // Without the allergy, the caplacizumab order is offered.
    expect(cardFor(run(later(60, 80, 400)), 'TTP-RELAPSE').suggestions!.map((x) => x.label)).toContain(
      'Order caplacizumab 11 mg IV before TPE, then 11 mg SC daily',
    );
  });
});

ruleContract('TTP-RELAPSE', { hook: 'patient-view', build: () => later(60, 80, 400), indicator: 'warning' });
