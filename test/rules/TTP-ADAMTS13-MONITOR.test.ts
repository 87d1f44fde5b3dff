/** TTP-ADAMTS13-MONITOR: on caplacizumab after TPE without a recent post-TPE ADAMTS13. When it fires, and when it stays silent. */
import { DRUGS, day, recoveredAfterTpe } from '../fixtures/builder';
import { fired, run } from '../helpers';
import { ruleContract } from './contract';

/** A response after 8 days of TPE, on caplacizumab since day 1, evaluated on `evalDay`. */
const onCapla = (evalDay: number, status: 'active' | 'stopped' = 'active') =>
  recoveredAfterTpe(evalDay).med(DRUGS.caplacizumab, {
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

  test('the card names the window from the parameter', () => {
    expect(run(onCapla(15)).cards.find((c) => c.source.topic.code === 'TTP-ADAMTS13-MONITOR')!.summary).toContain('in 7 days');
  });
});

ruleContract('TTP-ADAMTS13-MONITOR', { hook: 'patient-view', build: () => onCapla(15), indicator: 'info' });
