/** TTP-STEROID-MISSING: PE day >= 2 and no corticosteroid ordered or given this episode (ISTH20: strong). */
import { orderedOrGiven } from '../facts';
import { currentEpisode, drugNotes, episodeEvidence, gapNotes, sessionNotes, staleOrderNotes } from './evidence';
import type { Finding, RuleContext, RuleModule } from './types';

const ID = 'TTP-STEROID-MISSING';

function patientView(ctx: RuleContext): Finding | undefined {
  const { f } = ctx;
  const ep = currentEpisode(f);
  if (!ep || ep.peDay < ctx.param('steroidMissingPeDay')) return;
  if (orderedOrGiven(f, 'steroid')) return;
  return {
    ruleId: ID,
    indicator: 'warning',
    params: { N: ep.peDay },
    evidence: [...episodeEvidence(ctx), { label: 'Corticosteroids', value: 'none ordered or given this episode' }],
    notes: [
      ...sessionNotes(ctx),
      ...drugNotes(ctx, 'steroid', 'A corticosteroid'),
      ...staleOrderNotes(ctx, 'steroid', 'A corticosteroid'),
      ...gapNotes(ctx, ['medicationAdministrations']),
    ],
    suggestions: [{ key: 'start-mp-pulse', isRecommended: true }],
  };
}

export const rule: RuleModule = { id: ID, patientView };
