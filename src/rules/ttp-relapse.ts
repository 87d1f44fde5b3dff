/**
 * TTP-RELAPSE (D7): after a clinical remission in this record (D6, or >= 30 days without TPE and
 * caplacizumab after a response), or with the diagnosis coded as a relapse or recurrence and no
 * TPE running, platelets below 150 with LDH above its upper limit, or severe ADAMTS13 deficiency with
 * platelets below 150, before TPE has been restarted. An urgent warning; info when another cause of
 * thrombocytopenia is coded.
 */
import { pending } from '../facts/status';
import { allergiesTo, finalInWindow } from '../facts';
import { below, gt } from '../facts/compare';
import { DAY, isoDate } from '../fhir/time';
import { fmt } from '../units';
import { labEvidence, r1 } from './evidence';
import type { Finding, RuleContext, RuleModule } from './types';

const ID = 'TTP-RELAPSE';

/**
 * The remission a relapse follows: D6 in this record, or, when the EHR codes the diagnosis as a
 * relapse or recurrence (D7 "in FHIR") and no TPE episode is running, the time since the last TPE
 * (or the last episode gap, without TPE on record).
 */
function remissionOf(ctx: RuleContext): { at: number; how: string } | undefined {
  const { f, s } = ctx;
  if (s.remission) return s.remission;
  if (!f.relapseCoded || f.episode?.current) return undefined;
  const at = Math.max(f.episode?.lastSession ?? 0, f.now - ctx.param('episodeGapDays') * DAY);
  return { at, how: 'the diagnosis is coded as a relapse' };
}

function patientView(ctx: RuleContext): Finding | undefined {
  const { f, s, units } = ctx;
  const remission = remissionOf(ctx);
  if (!remission) return;
  // TPE restarted after the remission: the relapse is being treated (the episode's own cards speak).
  if (f.episode && f.episode.lastSession > remission.at) return;
  const platelets = s.remission ? s.platelets : finalInWindow(f, 'platelets', remission.at);
  const ldhs = s.remission ? s.ldh : finalInWindow(f, 'ldh', remission.at);
  const plt = platelets.filter((v) => v.time > remission.at).pop();
  if (!plt || !below(plt, ctx.param('responsePlatelets'))) return;
  const ldh = ldhs.filter((v) => v.time > remission.at).pop();
  const ldhHigh = ldh !== undefined && gt(s.ldhX(ldh), 1);
  const a13Results = [...f.adamts13.post, ...(f.adamts13.pre && !f.episode?.current ? [f.adamts13.pre] : [])];
  const a13 = a13Results.filter((v) => v.time > remission.at && below(v, ctx.param('adamts13SevereBelow'))).pop();
  const a13Since = a13Results.some((v) => v.time > remission.at) || f.a13Orders.some(pending);
  if (!ldhHigh && !a13) return;
  const other = f.otherCauses[0];
  return {
    ruleId: ID,
    indicator: other ? 'info' : 'warning',
    // KB v3 change 29: with a caplacizumab allergy the advice leaves it out (the engine removes its draft).
    variant: allergiesTo(f, 'capla').length ? 'allergy' : 'default',
    params: {
      p: fmt(plt.value),
      a: a13 ? `${a13.comparator ?? ''}${fmt(a13.value)}%` : 'not measured since',
      remission: `${remission.how}, ${isoDate(remission.at, f.tz)}`,
      ldh: ldh ? `${r1(s.ldhX(ldh))}x ULN` : 'not measured',
      otherLine: other ? `**${other.display} is coded**: exclude it as the cause.` : '',
    },
    evidence: [
      { label: 'Clinical remission', value: remission.how, time: remission.at },
      ...labEvidence(plt, units, 'Platelets, latest'),
      ...labEvidence(ldh, units, 'LDH, latest').map((e) => ({ ...e, value: `${e.value} (${r1(s.ldhX(ldh!))}x ULN)` })),
      ...labEvidence(a13, units, 'ADAMTS13 activity, after remission'),
      ...(other ? [{ label: 'Other cause coded', value: other.display, time: other.time, ref: other.ref }] : []),
    ],
    notes: [],
    suggestions: [
      { key: 'restart-tpe', isRecommended: !other },
      { key: 'start-caplacizumab' },
      { key: 'start-mp-pulse' },
      ...(a13Since ? [] : [{ key: 'order-adamts13' }]),
    ],
    caplacizumab: { suggestions: ['start-caplacizumab'] },
  };
}

export const rule: RuleModule = { id: ID, patientView };
