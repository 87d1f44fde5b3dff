/**
 * TTP-STEROID-MISSING: PE day >= 2 and no corticosteroid ordered or given this episode (ISTH20:
 * strong). A corticosteroid recorded as given elsewhere is not missing: an info to reconcile (KB v3
 * change 30). A documented corticosteroid allergy keeps the warning and removes the draft (change 29).
 */
import { allergiesTo, orderedOrGiven } from '../facts';
import { isoDate } from '../fhir/time';
import {
  currentEpisode,
  drugNotes,
  elsewhereEvidence,
  elsewhereLine,
  elsewhereOf,
  episodeEvidence,
  gapNotes,
  sessionNotes,
  staleOrderNotes,
} from './evidence';
import type { Finding, RuleContext, RuleModule } from './types';

const ID = 'TTP-STEROID-MISSING';

function patientView(ctx: RuleContext): Finding | undefined {
  const { f } = ctx;
  const ep = currentEpisode(f);
  if (!ep || ep.peDay < ctx.param('steroidMissingPeDay')) return;
  if (orderedOrGiven(f, 'steroid')) return;
  const elsewhere = elsewhereOf(ctx, 'steroid');
  const allergy = allergiesTo(f, 'steroid')[0];
  return {
    ruleId: ID,
    indicator: elsewhere ? 'info' : 'warning',
    variant: elsewhere ? 'elsewhere' : allergy ? 'allergy' : 'default',
    params: {
      N: ep.peDay,
      date: elsewhere?.time !== undefined ? isoDate(elsewhere.time, f.tz) : 'undated',
      elsewhereLine: elsewhere ? elsewhereLine(ctx, elsewhere, elsewhere.display) : '',
    },
    evidence: [
      ...episodeEvidence(ctx),
      { label: 'Corticosteroids', value: 'none ordered or given this episode' },
      ...elsewhereEvidence(ctx, 'steroid', 'Corticosteroid'),
    ],
    notes: [
      ...sessionNotes(ctx),
      ...drugNotes(ctx, 'steroid', 'A corticosteroid'),
      ...staleOrderNotes(ctx, 'steroid', 'A corticosteroid'),
      ...gapNotes(ctx, ['medicationAdministrations', 'medicationStatements']),
    ],
    suggestions: elsewhere ? undefined : [{ key: 'start-mp-pulse', isRecommended: true }],
  };
}

export const rule: RuleModule = { id: ID, patientView };
