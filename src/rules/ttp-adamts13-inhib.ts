/** TTP-ADAMTS13-INHIB: ADAMTS13 activity < 10% and no inhibitor / anti-ADAMTS13 IgG result or order (ISTH-Dx). */
import { onHoldNotes, ordered } from '../facts/status';
import { finalInWindow, series } from '../facts';
import { below } from '../facts/compare';
import { isoDate } from '../fhir/time';
import { fmt } from '../units';
import { labEvidence, matchNote } from './evidence';
import type { Finding, RuleContext, RuleModule } from './types';

const ID = 'TTP-ADAMTS13-INHIB';

function patientView(ctx: RuleContext): Finding | undefined {
  const { f, units } = ctx;
  // The deficiency documented this episode (a later value during TPE may partly be donor plasma).
  const a13 = finalInWindow(f, 'adamts13')
    .filter((v) => below(v, ctx.param('adamts13SevereBelow')))
    .pop();
  if (!a13) return;
  const inh = series(f, 'adamts13Inhibitor');
  if (inh.final.length || inh.preliminary.length || inh.pending.length || inh.problems.length) return;
  if (f.a13InhOrders.some(ordered)) return;
  return {
    ruleId: ID,
    indicator: 'info',
    params: { x: `${a13.comparator ?? ''}${fmt(a13.value)}`, date: isoDate(a13.time, f.tz) },
    evidence: [...labEvidence(a13, units), { label: 'ADAMTS13 inhibitor / IgG', value: 'no result or order' }],
    notes: [
      ...(a13.by !== 'code' ? [matchNote(a13.by, a13.raw, 'The ADAMTS13 result')!] : []),
      ...onHoldNotes(f.a13InhOrders, 'ADAMTS13 inhibitor order'),
    ],
    integration: [
      'Inhibitor and anti-ADAMTS13 IgG tests have no verified LOINC code; they are recognised by site-local codes and by text.',
    ],
    suggestions: [{ key: 'order-inhibitor', isRecommended: true }],
  };
}

export const rule: RuleModule = { id: ID, patientView };
