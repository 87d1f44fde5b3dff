/** TTP-ADAMTS13-MONITOR: on caplacizumab after TPE without a recent post-TPE ADAMTS13. When it fires, and when it stays silent. */
import { DRUGS, dailyHb, day, ittpDefaults, recoveredAfterTpe } from '../fixtures/builder';
import { fired, run } from '../helpers';
import { ruleContract } from './contract';

/** A response after 8 days of TPE, on caplacizumab since day 1, evaluated on `evalDay`. */
const onCapla = (evalDay: number, status: 'active' | 'stopped' = 'active', base = recoveredAfterTpe(evalDay)) =>
  base.med(DRUGS.caplacizumab, {
    status,
    doseMg: 11,
    route: 'sc',
    perDay: 1,
    start: day(1, '09:00'),
    end: status === 'stopped' ? day(evalDay - 1, '12:00') : undefined,
    givenAt: [day(evalDay - 1, '12:00')],
  });

describe('TTP-ADAMTS13-MONITOR', () => {
  test('after TPE, no post-TPE ADAMTS13 in 7 days fires; one 6 days old does not; 7 days is still recent, 8 is not', () => {
    expect(run(onCapla(22)).byRule['TTP-ADAMTS13-MONITOR']).toBe('info');
    expect(run(onCapla(22).lab('a13', 30, day(16, '18:00'))).ids).not.toContain('TTP-ADAMTS13-MONITOR');
    expect(run(onCapla(22).lab('a13', 30, day(15, '18:00'))).ids).not.toContain('TTP-ADAMTS13-MONITOR');
    expect(run(onCapla(22).lab('a13', 30, day(14, '17:00'))).byRule['TTP-ADAMTS13-MONITOR']).toBe('info');
  });

  test('within 72 h of the last session values are confounded: no card yet', () => {
    // The last session is day 8 at 10:00; day 11 at 09:00 is 71 h later, day 11 at 11:00 73 h.
    expect(fired(run(onCapla(11).at(11, '09:00')), 'TTP-ADAMTS13-MONITOR')).toBeUndefined();
    expect(fired(run(onCapla(11).at(11, '11:00')), 'TTP-ADAMTS13-MONITOR')).toBe('info');
  });

  test('an ADAMTS13 drawn during TPE does not count as monitoring after it', () => {
    // Drawn on day 8 at 14:00, 4 h after the last session: in-TPE.
    expect(run(onCapla(14).lab('a13', 25, day(8, '14:00'))).byRule['TTP-ADAMTS13-MONITOR']).toBe('info');
  });

  test('caplacizumab stopped: silent; a pending ADAMTS13 order: silent', () => {
    expect(run(onCapla(15, 'stopped')).ids).not.toContain('TTP-ADAMTS13-MONITOR');
    expect(
      run(
        onCapla(15).serviceRequest('ADAMTS13 activity', 'active', {
          code: { system: 'http://loinc.org', code: '53622-7' },
          authored: day(14),
        }),
      ).ids,
    ).not.toContain('TTP-ADAMTS13-MONITOR');
  });

  test('without a post-TPE result it says "none on record" and names an earlier value for what it is', () => {
    const detail = (b: ReturnType<typeof onCapla>) => run(b).cards.find((c) => c.source.topic.code === 'TTP-ADAMTS13-MONITOR')!.detail!;
    // The only value is the diagnostic 4% of day 0: before TPE, never "the last post-TPE result".
    const before = detail(onCapla(15));
    expect(before).toContain('result is none on record (the latest value, 4% on');
    expect(before).toContain('was drawn before TPE)');
    // Drawn 4 h after the last session (day 8, 10:00): during TPE.
    const during = detail(onCapla(14).lab('a13', 25, day(8, '14:00')));
    expect(during).toContain('(the latest value, 25% on');
    expect(during).toContain('was drawn during TPE)');
    // No ADAMTS13 at all: none on record, nothing else named.
    const noA13 = ittpDefaults(15, { tpeThrough: 8, tpeOrderStatus: 'completed', skip: ['a13'] })
      .series('plt', [12, 30, 60, 100, 140, 170, 190, 210, 230, 240])
      .series('ldh', [1400, 1000, 700, 500, 380, 300, 260, 240, 230, 220]);
    // There TTP-ADAMTS13-MISSING also asks for ADAMTS13: the monitoring finding folds into it (KB v3 change 35), saying the same.
    const none = run(onCapla(15, 'active', dailyHb(noA13, 1, 10)));
    expect(none.folded['TTP-ADAMTS13-MONITOR']).toBe('TTP-ADAMTS13-MISSING');
    const monitor = none.findings.flatMap((x) => x.folded ?? []).find((x) => x.ruleId === 'TTP-ADAMTS13-MONITOR')!;
    expect(monitor.params.last).toBe('none on record');
    // A post-TPE value older than the window is the last post-TPE result, by value and date.
    const post = detail(onCapla(22).lab('a13', 30, day(14, '17:00')));
    expect(post).toMatch(/result is 30% on 20\d\d-\d\d-\d\d\./);
    expect(post).not.toContain('none on record');
  });

  test('the card names the window from the parameter', () => {
    expect(run(onCapla(15)).cards.find((c) => c.source.topic.code === 'TTP-ADAMTS13-MONITOR')!.summary).toContain('in 7 days');
  });
});

ruleContract('TTP-ADAMTS13-MONITOR', { hook: 'patient-view', build: () => onCapla(15), indicator: 'info' });
