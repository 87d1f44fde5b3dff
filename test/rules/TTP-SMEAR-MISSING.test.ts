/** TTP-SMEAR-MISSING: no smear at the start of an episode. When it fires, at which indicator, and when it stays silent. */
import { dailyHb, day, ittpDefaults } from '../fixtures/builder';
import { fired, run } from '../helpers';
import { ruleContract } from './contract';

/** PE day 1 at `hhmm` (first session 10:00), ADAMTS13 ordered but not resulted, no smear. */
const start = (evalDay = 1, hhmm = '18:00') =>
  dailyHb(
    ittpDefaults(evalDay, { skip: ['smear', 'a13', 'inhibitor'] })
      .series('plt', [12, 14, 15].slice(0, evalDay))
      .series('ldh', [1400, 1300, 1200].slice(0, evalDay)),
    1,
    evalDay,
  )
    .at(evalDay, hhmm)
    .serviceRequest('ADAMTS13 activity', 'active', { code: { system: 'http://loinc.org', code: '53622-7' } });

describe('TTP-SMEAR-MISSING', () => {
  test('fires in the first 48 h of the episode; not after', () => {
    expect(run(start(1)).byRule['TTP-SMEAR-MISSING']).toBe('info');
    expect(fired(run(start(3, '09:00')), 'TTP-SMEAR-MISSING')).toBe('info'); // 47 h after the first session
    expect(fired(run(start(3, '11:00')), 'TTP-SMEAR-MISSING')).toBeUndefined(); // 49 h
  });

  test('within 48 h of the diagnosis, before any TPE', () => {
    const s = ittpDefaults(1, { skip: ['smear', 'a13', 'inhibitor', 'tpe', 'steroids', 'rtx'] })
      .serviceRequest('ADAMTS13 activity', 'active', { code: { system: 'http://loinc.org', code: '53622-7' } })
      .at(0, '23:00');
    expect(fired(run(s), 'TTP-SMEAR-MISSING')).toBe('info');
  });

  test('a smear result or order, or an ADAMTS13 < 10% resulted, silences it', () => {
    expect(fired(run(start(1).smear(day(1, '07:00'))), 'TTP-SMEAR-MISSING')).toBeUndefined();
    expect(
      fired(
        run(start(1).serviceRequest('Peripheral blood smear', 'active', { code: { system: 'http://loinc.org', code: '800-3' } })),
        'TTP-SMEAR-MISSING',
      ),
    ).toBeUndefined();
    expect(fired(run(start(1).lab('a13', 4, day(1, '07:00'))), 'TTP-SMEAR-MISSING')).toBeUndefined();
    // 10% is not severe deficiency: the smear is still wanted.
    expect(fired(run(start(1).lab('a13', 10, day(1, '07:00'))), 'TTP-SMEAR-MISSING')).toBe('info');
  });

  test('G7: next to a warning card it is folded into it', () => {
    const s = dailyHb(
      ittpDefaults(1, { skip: ['smear', 'a13', 'inhibitor'] })
        .series('plt', [12])
        .series('ldh', [1400]),
      1,
      1,
    );
    const o = run(s);
    expect(o.byRule['TTP-ADAMTS13-MISSING']).toBe('warning');
    expect(o.folded['TTP-SMEAR-MISSING']).toBe('TTP-ADAMTS13-MISSING');
  });
});

ruleContract('TTP-SMEAR-MISSING', { hook: 'patient-view', build: () => start(1), indicator: 'info' });
