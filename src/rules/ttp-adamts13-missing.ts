/**
 * TTP-ADAMTS13-MISSING: an iTTP episode (current TPE, or a diagnosis within the episode gap) with no
 * ADAMTS13 activity result from day -7 on and no active or completed order for it.
 */
import { ordered } from '../facts/status';
import { series } from '../facts';
import { DAY, isoDate } from '../fhir/time';
import { currentEpisode, episodeEvidence, gapNotes } from './evidence';
import type { Finding, RuleContext, RuleModule } from './types';

const ID = 'TTP-ADAMTS13-MISSING';

function patientView(ctx: RuleContext): Finding | undefined {
  const { f } = ctx;
  const onsetRecent = f.activeIttp.some((c) => c.time !== undefined && f.now - c.time < ctx.param('episodeGapDays') * DAY);
  if (!currentEpisode(f) && !onsetRecent) return;
  const a13 = series(f, 'adamts13');
  const since = f.windowStart;
  const measured =
    [...a13.final, ...a13.preliminary].some((v) => v.time >= since) ||
    a13.pending.some((p) => (p.time ?? f.now) >= since) ||
    a13.problems.some((p) => (p.time ?? f.now) >= since);
  if (measured) return;
  if (f.a13Orders.some(ordered)) return;
  const ignored = f.a13Orders.filter((o) => !ordered(o));
  return {
    ruleId: ID,
    indicator: 'warning',
    params: { since: isoDate(since, f.tz) },
    evidence: [
      ...episodeEvidence(ctx),
      { label: 'ADAMTS13 activity', value: `no result since ${isoDate(since, f.tz)}, no active or completed order` },
    ],
    notes: [
      ...ignored.map((o) => `${o.ref} (ADAMTS13 order, status ${o.status}) does not count.`),
      ...gapNotes(ctx, ['labs', 'serviceRequests']),
    ],
    integration: ['ADAMTS13 tests are recognised by LOINC 53622-7, site-local codes and by text ("ADAMTS13", "cleaving protease").'],
    suggestions: [{ key: 'order-adamts13', isRecommended: true }],
  };
}

export const rule: RuleModule = { id: ID, patientView };
