/**
 * TTP-DX-RECONSIDER: the pre-treatment ADAMTS13 (D8a, drawn before TPE and before any plasma) above
 * 20% with a TTP diagnosis argues against TTP (ISTH-Dx); a warning if caplacizumab is active, else
 * info. With no pre-treatment result and only results drawn during TPE or after plasma above 20%:
 * info, as such a value cannot exclude TTP (it folds into an escalation card that carries the
 * donor-plasma note, G7). Silent in remission (there, >= 20% is an ADAMTS13 remission, not a doubt).
 * A positive inhibitor of the episode is named (KB v3 change 27).
 */
import { activeOrders, finalInWindow } from '../facts';
import { atMost } from '../facts/compare';
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
  if (finalInWindow(f, 'adamts13').some((v) => atMost(v, threshold))) return;
  const cond = f.activeIttp[0]!;
  const capla = activeOrders(f, 'capla')[0];
  const inTpe = f.adamts13.inTpe.filter((v) => v.time >= f.windowStart);
  const a13 = s.a13PreAbove ? s.a13Pre : !s.a13Pre && inTpe.length ? inTpe[inTpe.length - 1] : undefined;
  if (!a13) return;
  const pre = a13 === s.a13Pre;
  const plasma = f.adamts13.plasma;
  const afterPlasma = !pre && plasma !== undefined && f.adamts13.postPlasma.includes(a13);
  const inh = s.inhibitor;
  return {
    ruleId: ID,
    indicator: pre && capla ? 'warning' : 'info',
    variant: !pre ? (afterPlasma ? 'post-plasma' : 'in-tpe') : capla ? 'capla' : 'default',
    params: {
      x: fmt(a13.value),
      date: isoDate(a13.time, f.tz),
      condition: cond.display,
      plasma: afterPlasma ? `${plasma.display}, ${isoDate(plasma.time, f.tz)}` : '',
      inhibitorLine: inh
        ? `**An ADAMTS13 inhibitor is positive** (${inh.raw}${inh.interpretation ? `, ${inh.interpretation}` : ''}, ${isoDate(inh.time, f.tz)}): an immune TTP remains possible whatever the activity, and the escalation cards are not held back.`
        : '',
    },
    evidence: [
      ...labEvidence(
        a13,
        units,
        pre ? 'ADAMTS13 activity, before TPE' : afterPlasma ? 'ADAMTS13 activity, after plasma' : 'ADAMTS13 activity, during TPE',
      ),
      ...(afterPlasma ? [{ label: 'Plasma given', value: plasma.display, time: plasma.time, ref: plasma.ref }] : []),
      ...labEvidence(inh, units, 'ADAMTS13 inhibitor, positive'),
      { label: 'Diagnosis', value: cond.display, time: cond.time, ref: cond.ref },
      ...(capla ? [{ label: 'Caplacizumab', value: 'active', time: capla.time, ref: capla.ref }] : []),
    ],
    notes: a13.by !== 'code' ? [matchNote(a13.by, a13.raw, 'The ADAMTS13 result')!] : [],
    // G7 (KB v3 change 35): the during-TPE doubt is said by the escalation card's donor-plasma note; beside a
    // positive inhibitor (change 27), which keeps the escalation on, the info doubt goes into the escalation card.
    foldsInto: !pre ? 'donor-plasma' : inh ? 'escalation' : undefined,
  };
}

export const rule: RuleModule = { id: ID, patientView };
