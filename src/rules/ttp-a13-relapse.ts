/**
 * TTP-A13-RELAPSE: after an ADAMTS13 remission (a post-TPE result >= 20% following the episode's
 * deficiency), a post-TPE ADAMTS13 below 20% while platelets are >= 150: an ADAMTS13 relapse in
 * clinical remission. ISTH20 suggests pre-emptive rituximab (conditional). Without a platelet count
 * near the result the card still fires and asks for one. Silent once rituximab is ordered or given
 * after the low result, or TPE has restarted.
 */
import { allergiesTo, drug } from '../facts';
import { atLeast, below } from '../facts/compare';
import { DAY, isoDate } from '../fhir/time';
import { fmt } from '../units';
import { labEvidence, rituximabPregnancyNotes } from './evidence';
import type { Finding, RuleContext, RuleModule } from './types';

const ID = 'TTP-A13-RELAPSE';

function patientView(ctx: RuleContext): Finding | undefined {
  const { f, s, units } = ctx;
  const ep = f.episode;
  if (!ep) return;
  const negative = ctx.param('adamts13NegativeAbove');
  const severe = ctx.param('adamts13SevereBelow');
  // The episode's deficiency: any result below 10% from the episode's look-back on.
  const deficiency = [...(f.adamts13.pre ? [f.adamts13.pre] : []), ...f.adamts13.inTpe, ...f.adamts13.post].find(
    (v) => v.time >= ep.firstSession - ctx.param('adamts13LookbackBeforeDay1Days') * DAY && below(v, severe),
  );
  if (!deficiency) return;
  const remission = f.adamts13.post.find((v) => v.time > deficiency.time && atLeast(v, negative));
  if (!remission) return;
  const low = f.adamts13.post.filter((v) => v.time > remission.time).pop();
  if (!low || !below(low, negative)) return;
  if (ep.lastSession > low.time) return;
  const plt = s.platelets.filter((v) => v.time >= low.time - ctx.param('adamts13MonitorDays') * DAY).pop();
  if (plt && below(plt, ctx.param('responsePlatelets'))) return; // thrombocytopenia: TTP-RELAPSE territory
  const rtx = drug(f, 'rtx');
  if (rtx.orders.some((o) => (o.time ?? 0) >= low.time) || rtx.administrations.some((a) => a.time >= low.time)) return;
  return {
    ruleId: ID,
    indicator: 'info',
    variant: allergiesTo(f, 'rtx').length ? 'allergy' : 'default',
    params: { a: `${low.comparator ?? ''}${fmt(low.value)}`, date: isoDate(low.time, f.tz), remissionDate: isoDate(remission.time, f.tz) },
    evidence: [
      ...labEvidence(deficiency, units, 'ADAMTS13 activity, episode'),
      ...labEvidence(remission, units, 'ADAMTS13 activity, remission'),
      ...labEvidence(low, units, 'ADAMTS13 activity, latest'),
      ...labEvidence(plt, units, 'Platelets, latest'),
    ],
    notes: [
      ...(plt
        ? []
        : [
            `No platelet count within ${ctx.param('adamts13MonitorDays')} days of this result: check platelets now (below ${ctx.param('responsePlatelets')} with this ADAMTS13 would be a clinical relapse).`,
          ]),
      'Check HBsAg and anti-HBc before the first rituximab dose (boxed warning: HBV reactivation).',
      ...rituximabPregnancyNotes(ctx),
    ],
    suggestions: [{ key: 'start-rituximab' }],
  };
}

export const rule: RuleModule = { id: ID, patientView };
