/**
 * TTP-DARA-LASTLINE: daratumumab is last-line in iTTP (case series only). On patient-view: still
 * refractory >= 7 days after the first second-line agent. On the order hooks: a daratumumab draft
 * with no second-line agent ever ordered or given.
 */
import { onHold } from '../facts/status';
import { drug, exposureInWindow, orderedOrGiven, orderedThisEpisode } from '../facts';
import { DAY, isoDate } from '../fhir/time';
import { draftDisplay, focus, matchDraft } from './drafts';
import { currentEpisode, episodeEvidence, matchNote, trendEvidence } from './evidence';
import type { Finding, RuleContext, RuleModule } from './types';

const ID = 'TTP-DARA-LASTLINE';

function patientView(ctx: RuleContext): Finding | undefined {
  const { f, s } = ctx;
  const ep = currentEpisode(f);
  if (!ep) return;
  const refractory = s.refractoryNumeric === true || (s.refractoryBroad === true && s.improving === false);
  if (!refractory) return;
  const x = exposureInWindow(f, 'second-line');
  const starts = [
    ...x.given.map((a) => ({ time: a.time, ref: a.ref, display: a.display })),
    ...x.orders
      .filter((o) => o.time !== undefined && !onHold(o) && orderedThisEpisode(o, f))
      .map((o) => ({ time: o.time!, ref: o.ref, display: o.display })),
  ].sort((a, b) => a.time - b.time);
  const first = starts[0];
  if (!first || f.now - first.time < ctx.param('daraLastLineDaysAfter2L') * DAY) return;
  if (orderedOrGiven(f, 'dara')) return;
  const days = Math.floor((f.now - first.time) / DAY);
  return {
    ruleId: ID,
    indicator: 'info',
    params: {
      reason: `Still refractory **${days} days** after the first second-line agent (${first.display}, ${isoDate(first.time, f.tz)}). If daratumumab is considered, it is last-line.`,
    },
    evidence: [
      ...episodeEvidence(ctx),
      ...trendEvidence(ctx),
      { label: 'First second-line agent', value: first.display, time: first.time, ref: first.ref },
    ],
    notes: [],
  };
}

function orders(ctx: RuleContext): Finding | undefined {
  const e = drug(ctx.f, 'second-line');
  if (e.orders.length > 0 || e.administrations.length > 0) return;
  for (const d of focus(ctx)) {
    const m = matchDraft(ctx, d, 'VS-DARA');
    if (!m) continue;
    const note = matchNote(m.by, m.what, 'Daratumumab');
    return {
      ruleId: ID,
      indicator: 'info',
      params: {
        reason: `Draft order **${draftDisplay(ctx, d)}**, and no second-line agent (cyclophosphamide, vincristine, cyclosporine, MMF, ATG, bortezomib) is ordered or given on record.`,
      },
      evidence: [
        { label: 'Draft order', value: draftDisplay(ctx, d), ref: d.ref },
        { label: 'Second-line agents on record', value: 'none' },
      ],
      notes: note ? [note] : [],
    };
  }
  return undefined;
}

export const rule: RuleModule = { id: ID, patientView, orders };
