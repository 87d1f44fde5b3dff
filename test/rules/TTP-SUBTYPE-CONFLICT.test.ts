/** TTP-SUBTYPE-CONFLICT: Conflicting TTP subtype (congenital and acquired). When it fires, and what it holds back. */
import { run } from '../helpers';
import { nonResponder } from '../fixtures/records';
import { ruleContract } from './contract';

describe('TTP-SUBTYPE-CONFLICT', () => {
  test('congenital and acquired codes: only the conflict card, on patient-view', () => {
    const o = run(nonResponder().condition('373420004'));
    expect(o.byRule).toEqual({ 'TTP-SUBTYPE-CONFLICT': 'info' });
    expect(o.cards[0]!.detail).toContain('Congenital');
  });

  test('congenital by text next to an acquired code is the subtype conflict', () => {
    expect(run(nonResponder().condition('', { text: 'Congenital TTP (Upshaw-Schulman syndrome)' })).ids).toEqual(['TTP-SUBTYPE-CONFLICT']);
  });

  test('a TTP NOS code next to a congenital code is no conflict: congenital excludes everything', () => {
    const s = nonResponder()
      .without((r) => r.resourceType === 'Condition')
      .condition('78129009')
      .condition('373420004');
    expect(run(s).ids).toEqual([]);
  });

  test('the order hooks get nothing during a conflict', () => {
    expect(run(nonResponder().condition('373420004'), 'order-sign').ids).toEqual([]);
  });
});

ruleContract('TTP-SUBTYPE-CONFLICT', { hook: 'patient-view', build: () => nonResponder(5).condition('373420004'), indicator: 'info' });
