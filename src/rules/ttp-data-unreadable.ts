/**
 * TTP-DATA-UNREADABLE (G4): data a rule reads that could not be read (a status, date, value, unit or
 * code), which no other card of the answer names. The engine runs it after the other rules with
 * what is left; it lists each item: the resource, what it is, and why it cannot be used. A warning,
 * not info, when what could not be read is a TPE session, a platelet count or an LDH of the current
 * episode: it may hide an escalation (KB v3 change 36).
 */
import type { Finding, RuleContext, RuleModule } from './types';

const ID = 'TTP-DATA-UNREADABLE';
/** What the escalation rules (CAPLA-DAY5, REFRACTORY-2L, PE-STOP-EARLY) count on. */
const ESCALATION_KINDS = new Set(['tpe', 'platelets', 'ldh']);

function patientView(ctx: RuleContext): Finding | undefined {
  const items = ctx.unnamed;
  if (items.length === 0) return;
  const hiding = items.filter((u) => u.kind !== undefined && ESCALATION_KINDS.has(u.kind));
  const what = [
    hiding.some((u) => u.kind === 'tpe') && 'TPE sessions',
    hiding.some((u) => u.kind === 'platelets') && 'platelet counts',
    hiding.some((u) => u.kind === 'ldh') && 'LDH results',
  ].filter((x): x is string => !!x);
  return {
    ruleId: ID,
    indicator: hiding.length ? 'warning' : 'info',
    variant: hiding.length ? 'escalation' : 'default',
    params: {
      n: items.length,
      items: items.length === 1 ? '1 item' : `${items.length} items`,
      what: what.join(', ').replace(/, ([^,]*)$/, ' and $1'),
    },
    evidence: items.map((u) => ({
      label: u.concept,
      value: u.why,
      time: u.time,
      ref: u.ref === 'prefetch' || u.ref === 'prefetch-case' || u.ref === 'text' ? undefined : u.ref,
    })),
    notes: ['The cards of this answer were judged without these items: correct them in the EHR and review the chart.'],
  };
}

/** On the order hooks it names what the rules could not read of the draft orders (their text cut or skipped). */
export const rule: RuleModule = { id: ID, patientView, orders: patientView };
