/** TTP-DX-RECONSIDER: ADAMTS13 > 20% with a TTP diagnosis argues against TTP (ISTH-Dx). Warning if caplacizumab is active, else info. */
import { activeOrders, finalInWindow } from '../facts';
import { isoDate } from '../fhir/time';
import { fmt } from '../units';
import { labEvidence, matchNote } from './evidence';
import type { Finding, RuleContext, RuleModule } from './types';

const ID = 'TTP-DX-RECONSIDER';

function patientView(ctx: RuleContext): Finding | undefined {
  const { f, s, units } = ctx;
  if (!s.a13Negative || !s.a13) return;
  // A value > 20% after a documented deficiency this episode is recovery, not evidence against TTP.
  if (finalInWindow(f, 'adamts13').some((v) => v.value <= ctx.param('adamts13NegativeAbove') || v.comparator?.startsWith('<'))) return;
  const capla = activeOrders(f, 'capla')[0];
  const cond = f.activeIttp[0]!;
  return {
    ruleId: ID,
    indicator: capla ? 'warning' : 'info',
    params: {
      x: fmt(s.a13.value),
      date: isoDate(s.a13.time, f.tz),
      condition: cond.display,
      caplaLine: capla
        ? `**Caplacizumab is active (${capla.ref}): ISTH advises stopping it when ADAMTS13 is > ${ctx.param('adamts13NegativeAbove')}%.**`
        : '',
    },
    evidence: [
      ...labEvidence(s.a13, units),
      { label: 'Diagnosis', value: cond.display, time: cond.time, ref: cond.ref },
      ...(capla ? [{ label: 'Caplacizumab', value: 'active', time: capla.time, ref: capla.ref }] : []),
    ],
    notes: s.a13.by !== 'code' ? [matchNote(s.a13.by, s.a13.raw, 'The ADAMTS13 result')!] : [],
  };
}

export const rule: RuleModule = { id: ID, patientView };
