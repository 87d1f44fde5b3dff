/** TTP-SUBTYPE-CONFLICT: Conflicting TTP subtype (congenital and acquired). When it fires, and what it holds back. */
import { cardFor, run } from '../helpers';
import { nonResponder } from '../fixtures/records';
import { ruleContract } from './contract';

describe('TTP-SUBTYPE-CONFLICT', () => {
  test('congenital and acquired codes: only the conflict card, on patient-view', () => {
    const o = run(nonResponder().condition('373420004'));
    expect(o.byRule).toEqual({ 'TTP-SUBTYPE-CONFLICT': 'info' });
    expect(o.cards[0]!.detail).toContain('Congenital');
  });

  test('a congenital text never overrides an acquired code: no conflict, the cards run and note the text', () => {
    const o = run(nonResponder().condition('', { text: 'Congenital TTP (Upshaw-Schulman syndrome)' }));
    expect(o.ids).toContain('TTP-CAPLA-DAY5');
    expect(o.ids).not.toContain('TTP-SUBTYPE-CONFLICT');
    expect(cardFor(o, 'TTP-CAPLA-DAY5').detail).toContain('reads congenital by text only; the acquired/immune TTP code is used');
  });

  test('during a conflict the platelet-transfusion caution still runs (TTP of any kind)', () => {
    const s = nonResponder().condition('373420004');
    s.draft({
      resourceType: 'ServiceRequest',
      id: 'plt',
      status: 'draft',
      intent: 'order',
      code: { coding: [{ system: 'http://snomed.info/sct', code: '12719002' }] },
      subject: { reference: 'Patient/pat-1' },
    });
    expect(run(s, 'order-select').byRule).toEqual({ 'TTP-PLT-TXN': 'warning' });
  });

  test('a TTP NOS code next to a congenital code is no conflict: congenital excludes everything', () => {
    const s = nonResponder()
      .without((r) => r.resourceType === 'Condition')
      .condition('78129009')
      .condition('373420004');
    expect(run(s).ids).toEqual([]);
  });

  test('the order hooks get nothing else during a conflict', () => {
    expect(run(nonResponder().condition('373420004'), 'order-sign').ids).toEqual([]);
  });
});

ruleContract('TTP-SUBTYPE-CONFLICT', { hook: 'patient-view', build: () => nonResponder(5).condition('373420004'), indicator: 'info' });
