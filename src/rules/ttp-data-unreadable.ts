/**
 * TTP-DATA-UNREADABLE (G4): data a rule reads that could not be read (a status, date, value, unit or
 * code), which no other card of the answer names. The engine runs it after the other rules with
 * what is left; it lists each item: the resource, what it is, and why it cannot be used.
 */
import type { Finding, RuleContext, RuleModule } from './types';

const ID = 'TTP-DATA-UNREADABLE';

function patientView(ctx: RuleContext): Finding | undefined {
  const items = ctx.unnamed;
  if (items.length === 0) return;
  return {
    ruleId: ID,
    indicator: 'info',
    params: { n: items.length },
    evidence: items.map((u) => ({ label: u.concept, value: u.why, time: u.time, ref: u.ref === 'prefetch' ? undefined : u.ref })),
    notes: ['The cards of this answer were judged without these items: correct them in the EHR and review the chart.'],
  };
}

export const rule: RuleModule = { id: ID, patientView };
