/** TTP-PLT-TXN: Platelet transfusion in active TTP. When it fires, at which indicator, and when it stays silent. */
import { Scenario, day } from '../fixtures/builder';
import { cardFor, run } from '../helpers';
import { stableD3, plateletOrder } from '../fixtures/records';
import { ruleContract } from './contract';

describe('TTP-PLT-TXN', () => {
  test('7: platelet transfusion without bleeding is a warning with a delete suggestion', () => {
    const s = stableD3();
    const order = plateletOrder(s);
    const o = run(s, 'order-select');
    expect(o.byRule).toEqual({ 'TTP-PLT-TXN': 'warning' });
    const card = cardFor(o, 'TTP-PLT-TXN');
    expect(card.suggestions?.[0]?.actions).toEqual([
      { type: 'delete', description: expect.any(String), resourceId: `ServiceRequest/${order.id}` },
    ]);
    expect(card.overrideReasons?.map((r) => r.code)).toContain('life-threatening-haemorrhage');
    expect(card.detail).toMatch(/Platelets, latest \| 20 10\^9\/L/);
  });

  test('8: an intracranial bleed with onset today downgrades to info, never a warning', () => {
    const s = stableD3().condition('274100004', { onset: day(3, '09:00'), display: 'Cerebral hemorrhage' });
    plateletOrder(s);
    const o = run(s, 'order-select');
    expect(o.byRule['TTP-PLT-TXN']).toBe('info');
    expect(o.cards.filter((c) => c.indicator !== 'info')).toEqual([]);
  });

  test('a bleed older than 72 h does not downgrade', () => {
    const s = stableD3().condition('274100004', { onset: day(-1, '09:00') });
    plateletOrder(s);
    expect(run(s, 'order-select').byRule['TTP-PLT-TXN']).toBe('warning');
  });

  test('a bleeding reason on the order downgrades to info', () => {
    const s = stableD3();
    plateletOrder(s, { reason: '21454007' });
    expect(run(s, 'order-select').byRule['TTP-PLT-TXN']).toBe('info');
  });

  test('a reasonReference to a bleed in the record, or a reference whose display names a bleed, downgrades to info and names it', () => {
    const s = stableD3().condition('95549001', { id: 'rp-bleed', onset: day(-20, '09:00'), display: 'Retroperitoneal hemorrhage' });
    const r = plateletOrder(s);
    s.drafts[s.drafts.length - 1] = { ...r, reasonReference: [{ reference: 'Condition/rp-bleed' }] };
    const card = cardFor(run(s, 'order-select'), 'TTP-PLT-TXN');
    expect(card.indicator).toBe('info');
    expect(card.detail).toContain('a documented bleed: **Retroperitoneal hemorrhage**');
    expect(card.detail).toContain('Order reason | Retroperitoneal hemorrhage');

    const s2 = stableD3();
    const r2 = plateletOrder(s2);
    s2.drafts[s2.drafts.length - 1] = {
      ...r2,
      reasonReference: [{ reference: 'Condition/not-here', display: 'Life-threatening hemorrhage (epistaxis)' }],
    };
    const card2 = cardFor(run(s2, 'order-select'), 'TTP-PLT-TXN');
    expect(card2.indicator).toBe('info');
    expect(card2.detail).toContain('**Life-threatening hemorrhage (epistaxis)**');
  });

  test('a reasonReference to something that is no bleed changes nothing', () => {
    const s = stableD3();
    const r = plateletOrder(s);
    s.drafts[s.drafts.length - 1] = { ...r, reasonReference: [{ reference: 'Condition/none', display: 'Thrombocytopenia' }] };
    expect(run(s, 'order-select').byRule['TTP-PLT-TXN']).toBe('warning');
  });

  test('a bleed without an onset date keeps the warning and says it cannot be placed within 72 h', () => {
    const s = stableD3().condition('274100004', { id: 'ich', display: 'Cerebral hemorrhage' });
    delete (s.resources.find((r) => r.id === 'ich') as Record<string, unknown>).onsetDateTime;
    plateletOrder(s);
    const card = cardFor(run(s, 'order-select'), 'TTP-PLT-TXN');
    expect(card.indicator).toBe('warning');
    expect(card.detail).toContain('Cerebral hemorrhage (Condition/ich) has no onset date, so it cannot be placed within 72 h.');
  });

  test('a text-only platelet order fires and says it was matched by text', () => {
    const s = stableD3();
    plateletOrder(s, { code: false, text: 'Platelets apheresis unit - transfuse 1' });
    const card = cardFor(run(s, 'order-select'), 'TTP-PLT-TXN');
    expect(card.detail).toContain('recognised by text only');
  });

  test('a site-local platelet product code is recognised', () => {
    const s = stableD3();
    s.draft({
      resourceType: 'ServiceRequest',
      id: 'loc-1',
      status: 'draft',
      intent: 'order',
      code: { coding: [{ system: 'urn:oid:1.2.3.4.5', code: 'PLT-APH' }] },
      subject: { reference: 'Patient/pat-1' },
    });
    expect(run(s, 'order-select').ids).toEqual([]);
    const o = run(s, 'order-select', { site: { localCodes: { 'VS-PLTX': [{ system: 'urn:oid:1.2.3.4.5', code: 'PLT-APH' }] } } });
    expect(o.byRule['TTP-PLT-TXN']).toBe('warning');
    expect(cardFor(o, 'TTP-PLT-TXN').detail).toContain('site-local code');
  });

  test('a cancelled draft is ignored', () => {
    const s = stableD3();
    plateletOrder(s, { status: 'cancelled' });
    expect(run(s, 'order-select').ids).toEqual([]);
  });

  test('order-select judges only the selections; order-sign judges every draft', () => {
    const s = stableD3();
    plateletOrder(s, { id: 'plt-a' });
    const cbc = {
      resourceType: 'ServiceRequest',
      id: 'cbc-1',
      status: 'draft',
      intent: 'order',
      code: { text: 'CBC' },
      subject: { reference: 'Patient/pat-1' },
    };
    s.draft(cbc);
    expect(run(s, 'order-select', { selections: ['ServiceRequest/cbc-1'] }).ids).toEqual([]);
    expect(run(s, 'order-sign').ids).toEqual(['TTP-PLT-TXN']);
  });

  test('no card for a patient without active iTTP', () => {
    const s = new Scenario(3).patient().condition('439007008', { clinicalStatus: 'resolved' });
    plateletOrder(s);
    expect(run(s, 'order-select').ids).toEqual([]);
  });

  test('no card when the only TTP diagnosis is refuted', () => {
    const s = stableD3()
      .without((r) => r.resourceType === 'Condition')
      .condition('439007008', { verificationStatus: 'refuted' });
    plateletOrder(s);
    expect(run(s, 'order-select').ids).toEqual([]);
  });
});

ruleContract('TTP-PLT-TXN', {
  hook: 'order-select',
  build: () => {
    const s = stableD3();
    plateletOrder(s);
    return s;
  },
  indicator: 'warning',
});
