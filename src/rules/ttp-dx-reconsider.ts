/**
 * TTP-DX-RECONSIDER: the pre-treatment ADAMTS13 (D8a) above 20% with a TTP diagnosis argues
 * against TTP (ISTH-Dx); a warning if caplacizumab is active, else info. With no pre-treatment
 * result and only in-TPE results above 20%: info, as such a value cannot exclude TTP. Silent in
 * remission (there, >= 20% is an ADAMTS13 remission, not a doubt).
 */
import { activeOrders, finalInWindow } from '../facts';
import { inRemission } from '../facts/state';
import { isoDate } from '../fhir/time';
import { fmt } from '../units';
import { labEvidence, matchNote } from './evidence';
import type { Finding, RuleContext, RuleModule } from './types';

const ID = 'TTP-DX-RECONSIDER';

function patientView(ctx: RuleContext): Finding | undefined {
  const { f, s, units } = ctx;
  if (inRemission(s, f.now)) return;
  const threshold = ctx.param('adamts13NegativeAbove');
  // A result at or below 20% in this episode is a deficiency: no doubt to raise.
  if (finalInWindow(f, 'adamts13').some((v) => v.value <= threshold || v.comparator?.startsWith('<'))) return;
  const cond = f.activeIttp[0]!;
  const capla = activeOrders(f, 'capla')[0];
  const inTpe = f.adamts13.inTpe.filter((v) => v.time >= f.windowStart);
  const a13 = s.a13Negative ? s.a13Pre : !s.a13Pre && inTpe.length ? inTpe[inTpe.length - 1] : undefined;
  if (!a13) return;
  const pre = a13 === s.a13Pre;
  return {
    ruleId: ID,
    indicator: pre && capla ? 'warning' : 'info',
    variant: !pre ? 'in-tpe' : capla ? 'capla' : 'default',
    params: { x: fmt(a13.value), date: isoDate(a13.time, f.tz), condition: cond.display },
    evidence: [
      ...labEvidence(a13, units, pre ? 'ADAMTS13 activity, before TPE' : 'ADAMTS13 activity, during TPE'),
      { label: 'Diagnosis', value: cond.display, time: cond.time, ref: cond.ref },
      ...(capla ? [{ label: 'Caplacizumab', value: 'active', time: capla.time, ref: capla.ref }] : []),
    ],
    notes: a13.by !== 'code' ? [matchNote(a13.by, a13.raw, 'The ADAMTS13 result')!] : [],
  };
}

export const rule: RuleModule = { id: ID, patientView };
