/** TTP-CAPLA-ORDER: Caplacizumab order: bleeding risk, dose and indication. When it fires, at which indicator, and when it stays silent. */
import { DRUGS, dailyHb, day, ittpDefaults } from '../fixtures/builder';
import { cardFor, run } from '../helpers';
import { stableD3, caplaDraft, expectValidSuggestions } from '../fixtures/records';
import { ruleContract } from './contract';

describe('TTP-CAPLA-ORDER', () => {
  test('16: apixaban active makes the bleeding caution a warning', () => {
    const s = stableD3().med(DRUGS.apixaban, { doseMg: 5, route: 'po', perDay: 2, start: day(-30, '08:00') });
    caplaDraft(s, { route: 'iv', count: 1, perDay: undefined });
    const o = run(s, 'order-select');
    expect(o.byRule['TTP-CAPLA-ORDER']).toBe('warning');
    expect(cardFor(o, 'TTP-CAPLA-ORDER').summary).toMatch(/apixaban/i);
  });

  test('16 variant: 11 mg SC q12h gives a dosing problem and a corrected update', () => {
    const s = stableD3().med(DRUGS.caplacizumab, {
      doseMg: 11,
      route: 'sc',
      perDay: 1,
      start: day(1, '09:00'),
      givenAt: [day(1, '12:00'), day(2, '12:00')],
    });
    const d = caplaDraft(s, { route: 'sc', perDay: 2 });
    const o = run(s, 'order-select');
    const card = cardFor(o, 'TTP-CAPLA-ORDER');
    expect(card.indicator).toBe('warning');
    expect(card.summary).toContain('2 doses/day');
    const action = card.suggestions?.[0]?.actions?.[0];
    expect(action?.type).toBe('update');
    expect(action?.resource?.id).toBe(d.id);
    expect((action?.resource as { dosageInstruction: { timing: unknown }[] }).dosageInstruction[0]!.timing).toEqual({
      repeat: { frequency: 1, period: 1, periodUnit: 'd' },
    });
    expectValidSuggestions(o);
  });

  test('16 variant: 10 mg IV first dose has no dose finding (EU labelling)', () => {
    const s = stableD3();
    caplaDraft(s, { doseMg: 10, route: 'iv', count: 1, perDay: undefined });
    const o = run(s, 'order-select');
    expect(o.byRule['TTP-CAPLA-ORDER']).toBe('info');
    expect(cardFor(o, 'TTP-CAPLA-ORDER').suggestions).toBeUndefined();
  });

  test('17: ADAMTS13 35% makes it a warning, and CAPLA-DAY5 stays silent', () => {
    const s = dailyHb(
      ittpDefaults(5, { skip: ['a13', 'inhibitor'] })
        .lab('a13', 35, day(0, '21:00'))
        .series('plt', [12, 14, 15, 18, 16])
        .series('ldh', [1400, 1380, 1350, 1320, 1300]),
      1,
      5,
    );
    caplaDraft(s, { route: 'iv', count: 1, perDay: undefined });
    s.draft({
      resourceType: 'ServiceRequest',
      id: 'tpe-next',
      status: 'draft',
      intent: 'order',
      code: { text: 'Therapeutic plasma exchange' },
      subject: { reference: 'Patient/pat-1' },
    });
    const o = run(s, 'order-select');
    expect(o.byRule['TTP-CAPLA-ORDER']).toBe('warning');
    expect(cardFor(o, 'TTP-CAPLA-ORDER').summary).toContain('ADAMTS13 35%');
    expect(o.ids).not.toContain('TTP-CAPLA-DAY5');
  });

  test('an antithrombotic stopped yesterday does not upgrade, but the card mentions it', () => {
    const s = stableD3().med(DRUGS.apixaban, {
      status: 'stopped',
      doseMg: 5,
      route: 'po',
      perDay: 2,
      start: day(-30, '08:00'),
      end: day(2, '08:00'),
    });
    caplaDraft(s, { route: 'iv', count: 1, perDay: undefined });
    const o = run(s, 'order-select');
    expect(o.byRule['TTP-CAPLA-ORDER']).toBe('info');
    expect(cardFor(o, 'TTP-CAPLA-ORDER').detail).toMatch(/apixaban.*ended 2026-03-03/);
  });

  test('an antithrombotic drafted in the same session upgrades', () => {
    const s = stableD3();
    caplaDraft(s, { route: 'iv', count: 1, perDay: undefined });
    s.draft(s.medicationRequest({ text: 'enoxaparin 40 mg SC daily' }, { status: 'draft', doseMg: 40, route: 'sc', perDay: 1 }));
    expect(run(s, 'order-sign').byRule['TTP-CAPLA-ORDER']).toBe('warning');
  });

  test('(c) first dose drafted SC twice daily: "should be IV" and twice daily, fixed as IV before TPE then SC once daily (two dosage lines)', () => {
    const s = stableD3();
    const d = caplaDraft(s, { route: 'sc', perDay: 2 });
    const card = cardFor(run(s, 'order-select'), 'TTP-CAPLA-ORDER');
    expect(card.indicator).toBe('warning');
    expect(card.summary).toContain('first dose should be IV before TPE; 2 doses/day');
    const fixed = card.suggestions![0]!.actions![0]!.resource as {
      id: string;
      dosageInstruction: { route: { text: string }; timing: unknown }[];
    };
    expect(fixed.id).toBe(d.id);
    expect(fixed.dosageInstruction.map((x) => x.route.text)).toEqual(['IV', 'SC']);
    expect(fixed.dosageInstruction[1]!.timing).toEqual({ repeat: { frequency: 1, period: 1, periodUnit: 'd' } });
  });

  test('(c) a route coded SC with the text "IV push" is unclear: a warning that says both', () => {
    const s = stableD3().med(DRUGS.caplacizumab, {
      doseMg: 11,
      route: 'sc',
      perDay: 1,
      start: day(1, '09:00'),
      givenAt: [day(1, '12:00')],
    });
    const d = caplaDraft(s, { route: 'sc', perDay: 1 });
    (d.dosageInstruction as { route: { text?: string } }[])[0]!.route.text = 'IV push';
    s.drafts[s.drafts.length - 1] = { ...d };
    const card = cardFor(run(s, 'order-select'), 'TTP-CAPLA-ORDER');
    expect(card.indicator).toBe('warning');
    expect(card.summary).toMatch(/route unclear \(coded SC, text "iv push"\)/i);
  });

  test('(g) pregnancy and (f) a caplacizumab allergy each make it a warning; a refuted allergy does not', () => {
    const preg = stableD3().condition('77386006');
    caplaDraft(preg, { route: 'iv', count: 1, perDay: undefined });
    const pc = cardFor(run(preg, 'order-select'), 'TTP-CAPLA-ORDER');
    expect(pc.summary).toContain('pregnancy');
    expect(pc.detail).toContain('the EU SmPC advises avoiding caplacizumab in pregnancy');
    const allergy = (verification?: string) => {
      const s = stableD3();
      s.add({
        resourceType: 'AllergyIntolerance',
        id: 'al-1',
        clinicalStatus: { coding: [{ code: 'active' }] },
        ...(verification ? { verificationStatus: { coding: [{ code: verification }] } } : {}),
        code: { text: 'Caplacizumab' },
        patient: { reference: 'Patient/pat-1' },
      });
      caplaDraft(s, { route: 'iv', count: 1, perDay: undefined });
      return run(s, 'order-select');
    };
    expect(cardFor(allergy(), 'TTP-CAPLA-ORDER').summary).toContain('caplacizumab allergy');
    expect(allergy('refuted').byRule['TTP-CAPLA-ORDER']).toBe('info');
  });

  test('(e) more than 2 recurrences while on caplacizumab make it a warning; 2 are a note', () => {
    /** Platelets rising over 150 and falling below it `falls` times, each fall the day after a dose. */
    const withFalls = (falls: number) => {
      const s = stableD3();
      const doses: string[] = [];
      for (let i = 0; i < falls; i++) {
        s.lab('plt', 170, day(-30 + i * 6, '06:00')).lab('plt', 90, day(-28 + i * 6, '06:00'));
        doses.push(day(-29 + i * 6, '12:00'));
      }
      s.med(DRUGS.caplacizumab, {
        status: 'completed',
        doseMg: 11,
        route: 'sc',
        perDay: 1,
        start: day(-31, '12:00'),
        end: day(-5, '12:00'),
        givenAt: doses,
      });
      caplaDraft(s, { route: 'iv', count: 1, perDay: undefined });
      return cardFor(run(s, 'order-select'), 'TTP-CAPLA-ORDER');
    };
    const three = withFalls(3);
    expect(three.indicator).toBe('warning');
    expect(three.summary).toContain('3 recurrences on caplacizumab');
    expect(three.detail).toContain('The US label stops caplacizumab after more than 2 recurrences while on it.');
    const two = withFalls(2);
    expect(two.indicator).toBe('info');
    expect(two.detail).toContain('2 recurrence(s) while on caplacizumab in this record');
  });

  test('ADAMTS13 pending: the card says an empiric start fits only a high clinical probability', () => {
    const s = dailyHb(
      ittpDefaults(3, { skip: ['a13', 'inhibitor'] })
        .series('plt', [9, 12, 20])
        .series('ldh', [1400, 1200, 1000]),
      1,
      3,
    ).serviceRequest('ADAMTS13 activity', 'active', { code: { system: 'http://loinc.org', code: '53622-7' } });
    caplaDraft(s, { route: 'iv', count: 1, perDay: undefined });
    expect(cardFor(run(s, 'order-select'), 'TTP-CAPLA-ORDER').detail).toContain(
      'ADAMTS13 is pending: an empiric start fits only a high clinical probability',
    );
  });

  test('(d) an ADAMTS13 of 46% drawn during TPE does not upgrade it', () => {
    const s = stableD3().lab('a13', 46, day(2, '14:00'));
    caplaDraft(s, { route: 'iv', count: 1, perDay: undefined });
    expect(run(s, 'order-select').byRule['TTP-CAPLA-ORDER']).toBe('info');
  });

  test('a missing dose says nothing about dose (incomplete order at order-select)', () => {
    const s = stableD3();
    caplaDraft(s, { doseMg: undefined, route: undefined, perDay: undefined });
    expect(run(s, 'order-select').byRule['TTP-CAPLA-ORDER']).toBe('info');
  });

  test('a wrong dose (20 mg) is a warning with a corrected 11 mg update', () => {
    const s = stableD3();
    caplaDraft(s, { doseMg: 20, route: 'iv', count: 1, perDay: undefined });
    const o = run(s, 'order-select');
    const card = cardFor(o, 'TTP-CAPLA-ORDER');
    expect(card.summary).toContain('dose 20 mg');
    const dose = (
      card.suggestions?.[0]?.actions?.[0]?.resource as { dosageInstruction: { doseAndRate: { doseQuantity: { value: number } }[] }[] }
    ).dosageInstruction[0]!.doseAndRate[0]!.doseQuantity.value;
    expect(dose).toBe(11);
    expectValidSuggestions(o);
  });

  test('a coagulopathy or severe hepatic impairment on its own upgrades; a resolved one does not', () => {
    const coag = stableD3().condition('', { text: 'Acquired hemophilia A (factor VIII deficiency)' });
    caplaDraft(coag, { route: 'iv', count: 1, perDay: undefined });
    expect(cardFor(run(coag, 'order-select'), 'TTP-CAPLA-ORDER').summary).toContain('coagulopathy');
    const liver = stableD3().condition('', { text: 'Decompensated liver cirrhosis' });
    caplaDraft(liver, { route: 'iv', count: 1, perDay: undefined });
    expect(cardFor(run(liver, 'order-select'), 'TTP-CAPLA-ORDER').summary).toContain('severe hepatic impairment');
    const resolved = stableD3().condition('', { text: 'Acquired hemophilia A', clinicalStatus: 'resolved' });
    caplaDraft(resolved, { route: 'iv', count: 1, perDay: undefined });
    expect(run(resolved, 'order-select').byRule['TTP-CAPLA-ORDER']).toBe('info');
  });

  test('a planned surgery within 7 days upgrades', () => {
    const s = stableD3().serviceRequest('Laparoscopic cholecystectomy', 'active', { occurrence: day(6, '08:00') });
    caplaDraft(s, { route: 'iv', count: 1, perDay: undefined });
    expect(cardFor(run(s, 'order-select'), 'TTP-CAPLA-ORDER').summary).toContain('procedure within 7 d');
  });

  describe('(a, b) what upgrades the caution: condition status, planned procedure window and status', () => {
    const indicator = (s: ReturnType<typeof stableD3>) => {
      caplaDraft(s, { route: 'iv', count: 1, perDay: undefined });
      return run(s, 'order-select').byRule['TTP-CAPLA-ORDER'];
    };
    const coag = (o: { clinicalStatus?: string; verificationStatus?: string } = {}) =>
      indicator(stableD3().condition('', { text: 'Acquired hemophilia A', ...o }));
    test('a coagulopathy active, recurrent, relapsed or without a status upgrades; inactive, refuted or entered in error does not', () => {
      expect(coag()).toBe('warning');
      expect(coag({ clinicalStatus: 'recurrence' })).toBe('warning');
      expect(coag({ clinicalStatus: 'relapse' })).toBe('warning');
      expect(coag({ clinicalStatus: 'none' })).toBe('warning');
      expect(coag({ clinicalStatus: 'inactive' })).toBe('info');
      expect(coag({ verificationStatus: 'refuted' })).toBe('info');
      expect(coag({ verificationStatus: 'entered-in-error' })).toBe('info');
      expect(coag({ verificationStatus: 'provisional' })).toBe('warning');
    });
    const surgery = (status: string, occurrence?: string) =>
      indicator(stableD3().serviceRequest('Laparoscopic cholecystectomy', status, occurrence ? { occurrence } : {}));
    test('a procedure planned from a day ago to 7 days ahead upgrades; outside that window it does not', () => {
      // Now is day 3 at 18:00.
      expect(surgery('active', day(10, '17:59'))).toBe('warning');
      expect(surgery('active', day(10, '18:01'))).toBe('info');
      expect(surgery('active', day(2, '18:01'))).toBe('warning');
      expect(surgery('active', day(2, '17:59'))).toBe('info');
    });
    test('an undated planned procedure upgrades; its status decides whether it is planned', () => {
      expect(surgery('active')).toBe('warning');
      expect(surgery('on-hold', day(5))).toBe('warning');
      expect(surgery('draft', day(5))).toBe('warning');
      expect(surgery('completed', day(5))).toBe('info');
      expect(surgery('revoked', day(5))).toBe('info');
    });
    test('a procedure in preparation upgrades, one in progress does not; a TPE or platelet order is no procedure', () => {
      const proc = (status: string) => {
        const s = stableD3();
        s.resources.push({
          resourceType: 'Procedure',
          id: 'lp',
          status,
          subject: { reference: 'Patient/pat-1' },
          code: { text: 'Laparoscopic cholecystectomy' },
          performedDateTime: day(5, '09:00'),
        });
        return indicator(s);
      };
      expect(proc('preparation')).toBe('warning');
      expect(proc('in-progress')).toBe('info');
      expect(indicator(stableD3().serviceRequest('Plasma exchange', 'active', { occurrence: day(4, '10:00') }))).toBe('info');
    });
    test('a surgical order drafted in the same session upgrades; a cancelled draft does not', () => {
      const drafted = (status: string) => {
        const s = stableD3();
        s.draft({
          resourceType: 'ServiceRequest',
          id: 'sx',
          status,
          intent: 'order',
          subject: { reference: 'Patient/pat-1' },
          code: { text: 'Laparoscopic cholecystectomy' },
          occurrenceDateTime: day(5, '09:00'),
        });
        return indicator(s);
      };
      expect(drafted('draft')).toBe('warning');
      expect(drafted('revoked')).toBe('info');
    });
  });

  test('a caplacizumab draft that stops the drug is no new order (TTP-CAPLA-STOP judges it)', () => {
    for (const status of ['stopped', 'completed'] as const) {
      const s = stableD3();
      caplaDraft(s, { route: 'sc', perDay: 1, status });
      expect({ status, ids: run(s, 'order-select').ids }).toEqual({ status, ids: expect.not.arrayContaining(['TTP-CAPLA-ORDER']) });
    }
  });
});

describe('TTP-CAPLA-ORDER, knowledge base version 3', () => {
  test('29: a caplacizumab allergy removes the one-click fix of a drafted dose and says why; a resolved one does not count', () => {
    const build = (clinicalStatus?: string) => {
      const s = stableD3().allergy({ text: 'Caplacizumab' }, { clinicalStatus, reaction: 'Urticaria' });
      caplaDraft(s, { route: 'sc', perDay: 2, id: 'capla-draft' });
      return run(s, 'order-select');
    };
    const card = cardFor(build(), 'TTP-CAPLA-ORDER');
    expect(card.summary).toContain('caplacizumab allergy');
    expect(card.suggestions).toBeUndefined();
    expect(card.detail).toContain('Documented caplacizumab allergy (Caplacizumab, Urticaria, high criticality');
    const resolved = cardFor(build('resolved'), 'TTP-CAPLA-ORDER');
    expect(resolved.summary).not.toContain('allergy');
    expect(resolved.suggestions?.[0]?.label).toMatch(/^Correct to caplacizumab/);
  });

  test('(d) is read before TPE and before plasma (change 26): 35% drawn after FFP does not upgrade it', () => {
    const s = stableD3()
      .without((r) => r.resourceType === 'Observation' && JSON.stringify(r.code).includes('53622-7'))
      .plasma(day(0, '12:00'))
      .lab('a13', 35, day(0, '18:00'));
    caplaDraft(s, { route: 'iv', count: 1, perDay: undefined });
    expect(cardFor(run(s, 'order-select'), 'TTP-CAPLA-ORDER').indicator).toBe('info');
    const pre = stableD3()
      .without((r) => r.resourceType === 'Observation' && JSON.stringify(r.code).includes('53622-7'))
      .lab('a13', 35, day(0, '18:00'));
    caplaDraft(pre, { route: 'iv', count: 1, perDay: undefined });
    expect(cardFor(run(pre, 'order-select'), 'TTP-CAPLA-ORDER').summary).toContain('ADAMTS13 35% before TPE');
  });
});

ruleContract('TTP-CAPLA-ORDER', {
  hook: 'order-select',
  build: () => {
    const s = stableD3();
    caplaDraft(s, { route: 'iv', count: 1 });
    return s;
  },
  indicator: 'info',
});
