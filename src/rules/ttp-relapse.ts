/**
 * TTP-RELAPSE (D7): after a clinical remission in this record (D6, or >= 30 days without TPE and
 * caplacizumab after a response), platelets below 150 with LDH above its upper limit, or severe
 * ADAMTS13 deficiency with platelets below 150, before TPE has been restarted. An urgent warning;
 * info when another cause of thrombocytopenia is coded.
 */
import { below } from '../facts/state';
import { isoDate } from '../fhir/time';
import { fmt } from '../units';
import { labEvidence, r1 } from './evidence';
import type { Finding, RuleContext, RuleModule } from './types';

const ID = 'TTP-RELAPSE';

function patientView(ctx: RuleContext): Finding | undefined {
  const { f, s, units } = ctx;
  const remission = s.remission;
  if (!remission || !f.episode) return;
  // TPE restarted after the remission: the relapse is being treated (the episode's own cards speak).
  if (f.episode.lastSession > remission.at) return;
  const plt = s.platelets.filter((v) => v.time > remission.at).pop();
  if (!plt || plt.value >= ctx.param('responsePlatelets')) return;
  const ldh = s.ldh.filter((v) => v.time > remission.at).pop();
  const ldhHigh = ldh !== undefined && s.ldhX(ldh) > 1;
  const a13 = f.adamts13.post.filter((v) => v.time > remission.at && below(v, ctx.param('adamts13SevereBelow'))).pop();
  if (!ldhHigh && !a13) return;
  const other = f.otherCauses[0];
  return {
    ruleId: ID,
    indicator: other ? 'info' : 'warning',
    params: {
      p: fmt(plt.value),
      a: a13 ? `${a13.comparator ?? ''}${fmt(a13.value)}%` : 'not measured since',
      remission: `${remission.how}, ${isoDate(remission.at, f.tz)}`,
      ldh: ldh ? `${r1(s.ldhX(ldh))}x ULN` : 'not measured',
      otherLine: other ? `**${other.display} is coded**: exclude it as the cause.` : '',
    },
    evidence: [
      { label: 'Clinical remission (D6)', value: remission.how, time: remission.at },
      ...labEvidence(plt, units, 'Platelets, latest'),
      ...labEvidence(ldh, units, 'LDH, latest').map((e) => ({ ...e, value: `${e.value} (${r1(s.ldhX(ldh!))}x ULN)` })),
      ...labEvidence(a13, units, 'ADAMTS13 activity, after remission'),
      ...(other ? [{ label: 'Other cause coded', value: other.display, time: other.time, ref: other.ref }] : []),
    ],
    notes: [],
    suggestions: [{ key: 'restart-tpe', isRecommended: !other }, { key: 'start-caplacizumab' }, { key: 'start-mp-pulse' }],
    caplacizumab: { suggestions: ['start-caplacizumab'] },
  };
}

export const rule: RuleModule = { id: ID, patientView };
