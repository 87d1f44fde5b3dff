/** TTP-CAPLA-DAY5: Caplacizumab not started by TPE day 4-5 without improvement. When it fires, at which indicator, and when it stays silent. */
import { DRUGS, type Scenario, at, dailyHb, day, ittpDefaults } from '../fixtures/builder';
import { callService } from '../../src/cds/service';
import { cardFor, deps, run } from '../helpers';
import { nonResponder, caplaDraft, expectValidSuggestions, SNOMED } from '../fixtures/records';
import { ruleContract } from './contract';

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

  test('a current bleed (onset within 72 h) makes it a warning with the bleeding caution, never silence', () => {
    const o = run(nonResponder().condition('274100004', { onset: day(4) }));
    expect(o.byRule['TTP-CAPLA-DAY5']).toBe('warning');
    const card = cardFor(o, 'TTP-CAPLA-DAY5');
    expect(card.detail).toContain('Current bleed');
    expect(card.overrideReasons![0]!.code).toBe('bleeding-risk');
    // 73 h before now is no longer current.
    const old = run(nonResponder().condition('274100004', { onset: new Date(Date.parse(day(5, '18:00')) - 73 * 3_600_000).toISOString() }));
    expect(old.byRule['TTP-CAPLA-DAY5']).toBe('critical');
    expect(cardFor(old, 'TTP-CAPLA-DAY5').overrideReasons![0]!.code).toBe('alternative-diagnosis');
  });

  test('an old or undated bleed on the problem list is shown and changes nothing', () => {
    const twoYears = run(nonResponder().condition('274100004', { onset: day(-730) }));
    expect(twoYears.byRule['TTP-CAPLA-DAY5']).toBe('critical');
    expect(cardFor(twoYears, 'TTP-CAPLA-DAY5').detail).toContain('Bleeding on record (not current)');
    const s = nonResponder().condition('274100004');
    delete (s.resources[s.resources.length - 1] as Record<string, unknown>).onsetDateTime;
    expect(run(s).byRule['TTP-CAPLA-DAY5']).toBe('critical');
  });

  test('D4 "improving" needs 1.5x baseline and a rise of 20: 5 -> 11 is not improving, 40 -> 75 with LDH halving is', () => {
    const course = (plt: number[], ldh: number[]) => dailyHb(ittpDefaults(5).series('plt', plt).series('ldh', ldh), 1, 5);
    expect(run(course([5, 6, 8, 10, 11], [1400, 1300, 1200, 1100, 1000])).byRule['TTP-CAPLA-DAY5']).toBe('critical');
    expect(run(course([40, 50, 60, 70, 75], [1400, 1100, 900, 800, 700])).ids).not.toContain('TTP-CAPLA-DAY5');
    // Both sides of the thresholds: 40 -> 59 (1.48x, rise 19) is not improving, 40 -> 60 (1.5x, rise 20) is.
    expect(run(course([40, 45, 50, 55, 59], [1400, 1100, 900, 800, 700])).byRule['TTP-CAPLA-DAY5']).toBe('warning');
    expect(run(course([40, 45, 50, 55, 60], [1400, 1100, 900, 800, 700])).ids).not.toContain('TTP-CAPLA-DAY5');
    // A baseline of 0 must still rise by 20.
    expect(run(course([0, 5, 8, 10, 19], [1400, 1100, 900, 800, 700])).ids).toContain('TTP-CAPLA-DAY5');
  });

  test('refractory by the IWG numbers (D3a) is critical even when D4 would call it improving', () => {
    const s = dailyHb(ittpDefaults(5).series('plt', [20, 25, 30, 40, 45]).series('ldh', [1400, 1200, 1000, 900, 800]), 1, 5);
    expect(run(s).byRule['TTP-CAPLA-DAY5']).toBe('critical');
  });

  test('on labs older than the monitoring window the call is unknown: no card, and MON-DAILY says why', () => {
    const s = dailyHb(ittpDefaults(5).series('plt', [12, 14, 15]).series('ldh', [1400, 1380, 1350]), 1, 3);
    const o = run(s);
    expect(o.ids).not.toContain('TTP-CAPLA-DAY5');
    expect(cardFor(o, 'TTP-MON-DAILY').detail).toContain('cannot be assessed without current platelets and LDH');
  });

  test('after a response in this episode a fall is an exacerbation, not a day-5 failure', () => {
    const s = dailyHb(ittpDefaults(6).series('plt', [20, 80, 160, 170, 120, 90]).series('ldh', [1400, 500, 300, 280, 300, 320]), 1, 6);
    const o = run(s);
    expect(o.ids).not.toContain('TTP-CAPLA-DAY5');
    expect(o.ids).not.toContain('TTP-REFRACTORY-2L');
  });

  test('ADAMTS13 wording by the facts: confirms, pending, or none on a non-specific code (then a warning, never critical)', () => {
    expect(cardFor(run(nonResponder()), 'TTP-CAPLA-DAY5').detail).toContain('ADAMTS13 4% before TPE confirms iTTP');
    const pending = nonResponder(5, { skip: ['a13', 'inhibitor'] }).serviceRequest('ADAMTS13 activity', 'active', {
      code: { system: 'http://loinc.org', code: '53622-7' },
    });
    expect(cardFor(run(pending), 'TTP-CAPLA-DAY5').detail).toContain('Do not wait for the pending ADAMTS13 result');
    const nos = nonResponder(5, { skip: ['a13', 'inhibitor'] })
      .without((r) => r.resourceType === 'Condition')
      .condition('78129009');
    const o = run(nos);
    expect(o.byRule['TTP-CAPLA-DAY5']).toBe('warning');
    expect(cardFor(o, 'TTP-CAPLA-DAY5').detail).toContain(
      'No ADAMTS13 result: caplacizumab before the result fits a high clinical probability only',
    );
    // With an acquired code and no ADAMTS13 the call stands (critical) and no such sentence is added.
    const coded = run(nonResponder(5, { skip: ['a13', 'inhibitor'] }));
    expect(coded.byRule['TTP-CAPLA-DAY5']).toBe('critical');
    expect(cardFor(coded, 'TTP-CAPLA-DAY5').detail).not.toContain('No ADAMTS13 result');
  });

  test('an ADAMTS13 of 46% drawn during TPE silences nothing; the card says it may be donor plasma', () => {
    const o = run(nonResponder().lab('a13', 46, day(4, '14:00')));
    expect(o.byRule['TTP-CAPLA-DAY5']).toBe('critical');
    expect(cardFor(o, 'TTP-CAPLA-DAY5').detail).toContain('may reflect donor plasma');
  });

  test('pregnancy adds the EU precaution; the indicator stays', () => {
    const o = run(nonResponder().condition('77386006', { onset: day(-100) }));
    expect(o.byRule['TTP-CAPLA-DAY5']).toBe('critical');
    expect(cardFor(o, 'TTP-CAPLA-DAY5').detail).toContain('EU SmPC advises avoiding caplacizumab in pregnancy');
  });

  test('a caplacizumab order completed 8 months ago and stamped today by its server is history', () => {
    const s = nonResponder().med(DRUGS.caplacizumab, {
      status: 'completed',
      doseMg: 11,
      authoredOn: day(-240),
      lastUpdated: day(5, '08:00'),
    });
    expect(run(s).byRule['TTP-CAPLA-DAY5']).toBe('critical');
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

  test('IWG refractoriness needs steroids this episode: a steroid order left active since an earlier one does not make it critical', () => {
    const stale = nonResponder(5, { skip: ['steroids'] }).med(DRUGS.prednisone, { doseMg: 10, authoredOn: day(-120) });
    expect(run(stale).byRule['TTP-CAPLA-DAY5']).toBe('warning');
    expect(run(nonResponder(5)).byRule['TTP-CAPLA-DAY5']).toBe('critical');
  });

  test('caplacizumab recorded through a contained Medication (its code or an ingredient) or a reference display silences it', () => {
    const given = (med: Record<string, unknown>) => {
      const s = nonResponder(5);
      s.resources.push({
        resourceType: 'MedicationAdministration',
        id: 'ma-capla',
        status: 'completed',
        subject: { reference: 'Patient/pat-1' },
        effectiveDateTime: day(4, '12:00'),
        ...med,
      });
      return run(s).ids;
    };
    const contained = (m: Record<string, unknown>) => ({
      contained: [{ resourceType: 'Medication', id: 'm1', ...m }],
      medicationReference: { reference: '#m1' },
    });
    expect(given(contained({ code: { text: 'Cablivi (caplacizumab-yhdp) 11 mg' } }))).not.toContain('TTP-CAPLA-DAY5');
    expect(given(contained({ ingredient: [{ itemCodeableConcept: { text: 'caplacizumab' } }] }))).not.toContain('TTP-CAPLA-DAY5');
    expect(given(contained({ ingredient: [{ itemReference: { display: 'caplacizumab-yhdp' } }] }))).not.toContain('TTP-CAPLA-DAY5');
    expect(given({ medicationReference: { reference: 'Medication/x', display: 'caplacizumab 11 mg' } })).not.toContain('TTP-CAPLA-DAY5');
    expect(given(contained({ ingredient: [{ itemCodeableConcept: { text: 'paracetamol' } }] }))).toContain('TTP-CAPLA-DAY5');
    expect(given({ medicationReference: { reference: '#missing' }, contained: [] })).toContain('TTP-CAPLA-DAY5');
  });
});

describe('TTP-CAPLA-DAY5, knowledge base version 3', () => {
  const PER_UL = (unit: string) => (unit === '/uL' ? 1000 : 1);
  const course = (plt: number[], unit: string, ldh = [1400, 1200, 1000, 900, 800]) => {
    const s = ittpDefaults(5);
    plt.forEach((v, i) => s.lab('plt', v * PER_UL(unit), day(1 + i), { unit }));
    return dailyHb(s.series('ldh', ldh), 1, 5);
  };

  test.each(['10*3/uL', '10*9/L', '/uL'])(
    '24: 30 -> 50 with LDH falling is improving (silent), 30 -> 49.9 is not; a last count of exactly 50 is not < 50 (%s)',
    (unit) => {
      expect(run(course([30, 35, 40, 45, 50], unit)).ids).toEqual([]);
      expect(run(course([30, 35, 40, 45, 49.9], unit)).byRule['TTP-CAPLA-DAY5']).toBe('critical');
      // Refractory needs the last two < 50: 49.9 and 50 is not IWG-refractory, 49.9 twice is (warning -> critical);
      // LDH rising keeps both not improving.
      const flat = [1300, 1320, 1350, 1380, 1400];
      expect(run(course([12, 14, 15, 49.9, 50], unit, flat)).byRule['TTP-CAPLA-DAY5']).toBe('warning');
      expect(run(course([12, 14, 15, 49.9, 49.9], unit, flat)).byRule['TTP-CAPLA-DAY5']).toBe('critical');
    },
  );

  test('31: platelets sent only as CBC components or contained panel members are read: the critical call stands', () => {
    expect(run(nonResponder(5).asPanels('component')).byRule['TTP-CAPLA-DAY5']).toBe('critical');
    expect(run(nonResponder(5).asPanels('member')).byRule['TTP-CAPLA-DAY5']).toBe('critical');
    // A panel whose platelet component cannot be read is no count: no call on unknown data, and it is named.
    const bad = nonResponder(5).asPanels('component');
    for (const r of bad.resources)
      for (const c of (r.component as { valueQuantity?: Record<string, unknown> }[] | undefined) ?? [])
        if (c.valueQuantity?.code === '10*9/L') c.valueQuantity = { value: c.valueQuantity.value, unit: 'thou' };
    const o = run(bad);
    expect(o.ids).not.toContain('TTP-CAPLA-DAY5');
    expect(JSON.stringify(o.cards)).toContain('unit \\"thou\\" not understood');
  });

  test('26: an ADAMTS13 of 28% drawn 4 h after 3 units of FFP is no pre-treatment value: the escalation stands, with the donor-plasma note', () => {
    const build = (inhibitor: boolean) =>
      nonResponder(5, { skip: inhibitor ? ['a13'] : ['a13', 'inhibitor'] })
        .plasma(day(0, '14:00'), { units: 3 })
        .lab('a13', 28, day(0, '18:00'));
    for (const inhibitor of [true, false]) {
      const o = run(build(inhibitor));
      expect(o.byRule['TTP-CAPLA-DAY5']).toBe('critical');
      expect(cardFor(o, 'TTP-CAPLA-DAY5').detail).toContain('was drawn after plasma (Transfusion of fresh frozen plasma, 3 units');
      // The during-TPE DX-RECONSIDER info is folded into it (change 35).
      expect(o.folded['TTP-DX-RECONSIDER']).toBe('TTP-CAPLA-DAY5');
    }
    // Drawn before the FFP, the same 28% is the pre-treatment value: G3b holds the escalation back without an inhibitor.
    const before = nonResponder(5, { skip: ['a13', 'inhibitor'] })
      .lab('a13', 28, day(0, '12:00'))
      .plasma(day(0, '14:00'));
    expect(run(before).ids).not.toContain('TTP-CAPLA-DAY5');
  });

  test('27: a positive inhibitor keeps the escalation on whatever the pre-treatment activity, and the card says why', () => {
    const o = run(nonResponder(5, { skip: ['a13'] }).lab('a13', 28, day(0, '18:00')));
    expect(o.byRule['TTP-CAPLA-DAY5']).toBe('critical');
    expect(cardFor(o, 'TTP-CAPLA-DAY5').detail).toContain('but an ADAMTS13 inhibitor is positive (2.1 BU/mL');
    // The DX-RECONSIDER doubt (28% before TPE) is an info beside it: folded into the escalation card (change 35).
    expect(o.folded['TTP-DX-RECONSIDER']).toBe('TTP-CAPLA-DAY5');
    expect(o.cards).toHaveLength(2);
    // A negative inhibitor, or one below 0.4 BU/mL without an interpretation, does not.
    const below = nonResponder(5, { skip: ['a13', 'inhibitor'] }).lab('a13', 28, day(0, '18:00'));
    below.add({
      resourceType: 'Observation',
      id: 'inh-low',
      status: 'final',
      code: { text: 'ADAMTS13 inhibitor (Bethesda)' },
      effectiveDateTime: day(0, '21:00'),
      valueQuantity: { value: 0.3, unit: 'BU/mL', system: 'http://unitsofmeasure.org', code: "[beth'U]/mL" },
    });
    expect(run(below).ids).not.toContain('TTP-CAPLA-DAY5');
    (below.resources.find((r) => r.id === 'inh-low')!.valueQuantity as { value: number }).value = 0.4;
    expect(run(below).byRule['TTP-CAPLA-DAY5']).toBe('critical');
  });

  test('25: ADAMTS13 reported as ">5%" is no severe deficiency: the card says the result cannot tell', () => {
    const gt5 = run(nonResponder(5, { skip: ['a13', 'inhibitor'] }).lab('a13', 5, day(0, '21:00'), { comparator: '>' }));
    expect(cardFor(gt5, 'TTP-CAPLA-DAY5').detail).toContain(
      'ADAMTS13 reported as &gt;5% before TPE does not say whether the deficiency is severe',
    );
    expect(cardFor(gt5, 'TTP-CAPLA-DAY5').detail).not.toContain('confirms iTTP');
    const lt5 = run(nonResponder(5, { skip: ['a13', 'inhibitor'] }).lab('a13', 5, day(0, '21:00'), { comparator: '<' }));
    expect(cardFor(lt5, 'TTP-CAPLA-DAY5').detail).toContain('ADAMTS13 &lt;5% before TPE confirms iTTP');
    // ">25%" is above 20%: G3b holds the escalation back, as 25% would.
    expect(run(nonResponder(5, { skip: ['a13', 'inhibitor'] }).lab('a13', 25, day(0, '21:00'), { comparator: '>' })).ids).not.toContain(
      'TTP-CAPLA-DAY5',
    );
  });

  test('29: a documented caplacizumab allergy removes the one-click order and says why; the indicator stays', () => {
    const o = run(nonResponder(5).allergy({ text: 'Caplacizumab' }, { reaction: 'Anaphylaxis' }));
    expect(o.byRule).toEqual({ 'TTP-CAPLA-DAY5': 'critical', 'TTP-REFRACTORY-2L': 'warning' });
    const card = cardFor(o, 'TTP-CAPLA-DAY5');
    expect(card.suggestions).toBeUndefined();
    expect(card.summary).toBe(
      'iTTP: no response by TPE day 5; caplacizumab is contraindicated by a documented allergy. Discuss alternatives with hematology.',
    );
    expect(card.detail).toContain('Documented caplacizumab allergy (Caplacizumab, Anaphylaxis, high criticality');
    expect(card.detail).toContain('caplacizumab is contraindicated (label); discuss an alternative with hematology.');
    expect(JSON.stringify(o.cards)).not.toMatch(/"medicationCodeableConcept":\{"text":"caplacizumab/);
    // Resolved, inactive or refuted: no contraindication; the order is offered.
    for (const opts of [{ clinicalStatus: 'resolved' }, { verificationStatus: 'refuted' }]) {
      const ok = cardFor(run(nonResponder(5).allergy({ text: 'Caplacizumab' }, opts)), 'TTP-CAPLA-DAY5');
      expect(ok.suggestions?.map((x) => x.label)).toEqual(['Order caplacizumab 11 mg IV before next TPE, then 11 mg SC daily']);
    }
  });

  test('29: when the allergies could not be had, the card that drafts caplacizumab says they could not be checked', async () => {
    const s = nonResponder(5);
    const body = s.request('patient-view');
    delete (body.prefetch as Record<string, unknown>).allergies;
    delete body.fhirServer;
    const { response } = await callService('ttp-patient-view', body, { ...deps(), clock: () => at(s.now) });
    const card = response.cards.find((c) => c.source.topic.code === 'TTP-CAPLA-DAY5')!;
    expect(card.detail).toContain(
      'Allergies could not be checked (not prefetched and no fhirServer to fetch it from): check for a caplacizumab allergy before ordering it.',
    );
    // The card that drafts nothing says nothing of allergies.
    expect(response.cards.find((c) => c.source.topic.code === 'TTP-REFRACTORY-2L')!.detail).not.toContain('Allergies could not be checked');
    const full = await callService('ttp-patient-view', s.request('patient-view'), { ...deps(), clock: () => at(s.now) });
    expect(JSON.stringify(full.response)).not.toContain('Allergies could not be checked');
  });

  test('30: caplacizumab recorded only as a MedicationStatement (a transfer) is an info to reconcile, with no order', () => {
    const o = run(nonResponder(5).statement({ text: 'Cablivi 11 mg' }, { start: day(1, '12:00'), source: 'St Elsewhere Hospital' }));
    expect(o.byRule).toEqual({ 'TTP-REFRACTORY-2L': 'warning', 'TTP-CAPLA-DAY5': 'info' });
    const card = cardFor(o, 'TTP-CAPLA-DAY5');
    expect(card.summary).toBe(
      'Caplacizumab recorded as given elsewhere (2026-03-02), none ordered here by TPE day 5: reconcile and order here if it continues.',
    );
    expect(card.detail).toContain('Caplacizumab recorded as given elsewhere (St Elsewhere Hospital, 2026-03-02; MedicationStatement/');
    expect(card.suggestions).toBeUndefined();
    expect(cardFor(o, 'TTP-REFRACTORY-2L').detail).toContain('Caplacizumab is recorded as given elsewhere this episode');
    // A statement that it was not taken, or one that ended before this episode, changes nothing.
    expect(run(nonResponder(5).statement({ text: 'Cablivi' }, { status: 'not-taken', start: day(1) })).byRule['TTP-CAPLA-DAY5']).toBe(
      'critical',
    );
    expect(
      run(nonResponder(5).statement({ text: 'Cablivi' }, { status: 'completed', start: day(-200), end: day(-170) })).byRule[
        'TTP-CAPLA-DAY5'
      ],
    ).toBe('critical');
    // An outside order (reported[x]) is the same: recorded elsewhere.
    expect(run(nonResponder(5).med(DRUGS.caplacizumab, { reported: true, authoredOn: day(1) })).byRule['TTP-CAPLA-DAY5']).toBe('info');
  });
});

describe('TTP-CAPLA-DAY5 (order hooks)', () => {
  const nonResponder = () => dailyHb(ittpDefaults(4).series('plt', [12, 14, 15, 16]).series('ldh', [1400, 1380, 1350, 1320]), 1, 4);
  const tpeDraft = (s: Scenario, when?: string) =>
    s.draft({
      resourceType: 'ServiceRequest',
      id: 'tpe-draft',
      status: 'draft',
      intent: 'order',
      code: { coding: [{ system: SNOMED, code: '127788007' }], text: 'Therapeutic plasma exchange' },
      subject: { reference: 'Patient/pat-1' },
      ...(when ? { occurrenceDateTime: when } : {}),
    });

  test('a draft TPE on PE day 4 without response or caplacizumab fires CAPLA-DAY5', () => {
    const s = nonResponder();
    tpeDraft(s);
    const o = run(s, 'order-select');
    expect(o.byRule['TTP-CAPLA-DAY5']).toBe('warning');
    expect(cardFor(o, 'TTP-CAPLA-DAY5').summary).toBe(
      'Draft TPE for TPE day 4 without response or caplacizumab. Consider adding caplacizumab now.',
    );
    expectValidSuggestions(o);
  });
  test('... but not when caplacizumab is drafted in the same session', () => {
    const s = nonResponder();
    tpeDraft(s);
    caplaDraft(s, { route: 'iv', count: 1, perDay: undefined });
    expect(run(s, 'order-sign').ids).not.toContain('TTP-CAPLA-DAY5');
  });

  test('... and not on PE day 3', () => {
    const s = dailyHb(ittpDefaults(3).series('plt', [12, 14, 15]).series('ldh', [1400, 1380, 1350]), 1, 3);
    tpeDraft(s, day(3, '12:00'));
    expect(run(s, 'order-select').ids).toEqual([]);
  });
});

ruleContract('TTP-CAPLA-DAY5', { hook: 'patient-view', build: () => nonResponder(5), indicator: 'critical' });
