/** TTP-DATA-UNREADABLE (G4): what could not be read is named, never dropped in silence. When it fires, and when the cards name it instead. */
import { callService } from '../../src/cds/service';
import { cardFor, deps, run } from '../helpers';
import { nonResponder } from '../fixtures/records';
import { at, dailyHb, ittpDefaults } from '../fixtures/builder';
import { ruleContract } from './contract';

/** A day-5 non-responder whose TPE sessions all carry `patch` (so no episode can be read). */
const sessionsPatched = (patch: (r: Record<string, unknown>) => void) => {
  const s = nonResponder(5);
  for (const r of s.resources) if (r.resourceType === 'Procedure') patch(r);
  return s;
};

describe('TTP-DATA-UNREADABLE', () => {
  test('every TPE session with a date that does not parse: a warning that names what it may hide, each session and why (KB v3 change 36)', () => {
    const o = run(sessionsPatched((r) => ((r.performedPeriod as { start: string }).start = '2026-13-45T10:00:00Z')));
    expect(o.byRule).toEqual({ 'TTP-DATA-UNREADABLE': 'warning' });
    const c = cardFor(o, 'TTP-DATA-UNREADABLE');
    expect(c.summary).toBe('Unreadable TPE sessions (5 items) may hide an escalation: caplacizumab, refractory therapy, TPE stop.');
    expect(c.detail).toContain('**They may hide an escalation**: caplacizumab by TPE day 4-5 (TTP-CAPLA-DAY5)');
    expect(c.detail).toContain('date "2026-13-45T10:00:00Z" does not parse');
    for (const n of [5, 6, 7, 8, 9]) expect(c.detail).toContain(`Procedure/tpe-${n}`);
  });

  test('a platelet count or an LDH that no card names is a warning too; a hemoglobin or a diagnosis alone stays info', () => {
    const stable = () => dailyHb(ittpDefaults(5).series('plt', [30, 80, 160, 190, 210]).series('ldh', [900, 500, 300, 250, 240]), 1, 5);
    const today = (s: ReturnType<typeof stable>) => s.now.replace('18:00', '07:00');
    const plt = stable();
    plt.lab('plt', 11, today(plt), { id: 'bad-plt', unit: 'thou', unitTextOnly: true });
    const p = run(plt);
    expect(p.byRule).toEqual({ 'TTP-DATA-UNREADABLE': 'warning' });
    expect(cardFor(p, 'TTP-DATA-UNREADABLE').summary).toBe(
      'Unreadable platelet counts (1 item) may hide an escalation: caplacizumab, refractory therapy, TPE stop.',
    );
    const ldh = stable();
    ldh.lab('ldh', 900, today(ldh), { id: 'bad-ldh', status: 'FINAL' as never });
    expect(run(ldh).byRule).toEqual({ 'TTP-DATA-UNREADABLE': 'warning' });
    const hb = stable();
    hb.lab('hb', 7, today(hb), { id: 'bad-hb', status: 'FINAL' as never });
    const h = run(hb);
    expect(h.byRule).toEqual({ 'TTP-DATA-UNREADABLE': 'info' });
    expect(cardFor(h, 'TTP-DATA-UNREADABLE').summary).toBe(
      'Some TTP-relevant data could not be read (1 item). Escalation advice may be incomplete.',
    );
  });

  test('an invalid status code (FINAL in capitals) is not a status: named, not read as completed nor dropped', () => {
    const o = run(sessionsPatched((r) => (r.status = 'COMPLETED')));
    expect(o.ids).toEqual(['TTP-DATA-UNREADABLE']);
    expect(cardFor(o, 'TTP-DATA-UNREADABLE').detail).toContain('status "COMPLETED" is not a FHIR Procedure status');
  });

  test('a TPE session dated more than 1 h in the future is unreadable; 59 min ahead is tolerated', () => {
    const future = (minutes: number) => {
      const s = nonResponder(5);
      const last = s.resources.filter((r) => r.resourceType === 'Procedure').pop()!;
      const t = new Date(Date.parse(s.now) + minutes * 60_000).toISOString();
      last.performedPeriod = { start: t, end: t };
      return run(s);
    };
    const far = future(61);
    expect(far.ids).toContain('TTP-CAPLA-DAY5');
    expect(cardFor(far, 'TTP-CAPLA-DAY5').detail).toContain('in the future');
    expect(far.ids).not.toContain('TTP-DATA-UNREADABLE');
    expect(cardFor(future(59), 'TTP-CAPLA-DAY5').detail).not.toContain('in the future');
  });

  test('when a card reads the data, that card names it and no extra card is added', () => {
    const s = nonResponder(5);
    s.lab('plt', 11, s.now.replace('18:00', '07:00'), { id: 'bad-plt', status: 'FINAL' as never });
    const o = run(s);
    expect(o.byRule).toEqual({ 'TTP-CAPLA-DAY5': 'critical', 'TTP-REFRACTORY-2L': 'warning' });
    expect(cardFor(o, 'TTP-CAPLA-DAY5').detail).toMatch(
      /Could not be read:.*Observation\/bad-plt: status "FINAL" is not a FHIR Observation status/,
    );
  });

  test('a stable patient with nothing unreadable gets no card; an unreadable result older than the episode window is not named', () => {
    const stable = () => dailyHb(ittpDefaults(5).series('plt', [30, 80, 160, 190, 210]).series('ldh', [900, 500, 300, 250, 240]), 1, 5);
    expect(run(stable()).ids).toEqual([]);
    const s = stable();
    s.lab('plt', 100, '2025-01-10T06:00:00Z', { id: 'old', status: 'FINAL' as never });
    expect(run(s).ids).toEqual([]);
  });

  test('a lab result with neither a coding nor a text might be the missing platelet count: the monitoring card names it', () => {
    const s = nonResponder(5);
    s.without((r) => r.id === 'obs-plt-24');
    s.add({
      resourceType: 'Observation',
      id: 'nocode',
      status: 'final',
      code: {},
      effectiveDateTime: s.now.replace('18:00', '06:00'),
      valueQuantity: { value: 16 },
    });
    const o = run(s);
    // Without today's count, D3/D4 are unknown: no escalation card, and the gap card says why and names the result.
    expect(o.byRule).toEqual({ 'TTP-MON-DAILY': 'warning' });
    expect(cardFor(o, 'TTP-MON-DAILY').detail).toContain('Observation/nocode: a code with neither a coding nor a text');
  });

  test('without an active iTTP it stays silent (nothing to escalate), unless the diagnosis itself cannot be read next to a TPE episode', () => {
    const noDx = nonResponder(5).without((r) => r.resourceType === 'Condition');
    expect(run(noDx).ids).toEqual([]);
    const uncoded = nonResponder(5);
    for (const r of uncoded.resources) if (r.resourceType === 'Condition') r.code = { coding: [{ system: 'http://snomed.info/sct' }] };
    // The diagnosis alone is no TPE session, platelet count or LDH: info.
    expect(run(uncoded).byRule).toEqual({ 'TTP-DATA-UNREADABLE': 'info' });
    expect(run(uncoded.without((r) => r.resourceType === 'Procedure' || r.resourceType === 'Observation')).ids).toEqual([]);
  });

  test('the only TTP diagnosis sent under another patient is ignored, and with a TPE episode running the answer says so', async () => {
    const s = nonResponder(5);
    s.resources.find((r) => r.resourceType === 'Condition')!.subject = { reference: 'Patient/someone-else' };
    const d = deps();
    const { response } = await callService('ttp-patient-view', s.request('patient-view'), { ...d, clock: () => at(s.now) });
    expect(response.cards.map((c) => `${c.source.topic?.code}:${c.indicator}`)).toEqual(['TTP-DATA-UNREADABLE:info']);
    expect(response.cards[0]!.detail).toContain('1 resource(s) for another patient were ignored');
    // Without any TPE or ADAMTS13 there is no TTP context: nothing to say.
    s.without((r) => r.resourceType === 'Procedure' || r.resourceType === 'Observation');
    expect((await callService('ttp-patient-view', s.request('patient-view'), { ...d, clock: () => at(s.now) })).response.cards).toEqual([]);
  });

  test('a TTP diagnosis whose clinical status cannot be read is taken as current, and the cards name it', () => {
    const s = nonResponder(5);
    for (const r of s.resources) if (r.resourceType === 'Condition') r.clinicalStatus = { coding: [{ code: 'ACTIVE!' }] };
    const o = run(s);
    expect(o.byRule).toEqual({ 'TTP-CAPLA-DAY5': 'critical', 'TTP-REFRACTORY-2L': 'warning' });
    expect(cardFor(o, 'TTP-CAPLA-DAY5').detail).toMatch(
      /Could not be read: .*Condition\/cond-1: clinicalStatus .{1,2}active!.{1,2} is not a FHIR code \(taken as current\)/,
    );
  });
});

ruleContract('TTP-DATA-UNREADABLE', {
  hook: 'patient-view',
  build: () => sessionsPatched((r) => (r.status = 'COMPLETED')),
  indicator: 'warning',
});
