/**
 * TTP-REFRACTORY-2L: refractory (D3a, or D3b and not improving) despite TPE, corticosteroids and
 * rituximab: discuss intensified (second-line) therapy. Links only; the evidence is case series.
 */
import { activeOrGiven, exposureInWindow } from '../facts';
import type { Evidence } from '../facts/types';
import { currentEpisode, drugNotes, episodeEvidence, gapNotes, trendEvidence } from './evidence';
import type { Finding, RuleContext, RuleModule } from './types';

const ID = 'TTP-REFRACTORY-2L';

function patientView(ctx: RuleContext): Finding | undefined {
  const { f, s } = ctx;
  const ep = currentEpisode(f);
  if (!ep) return;
  const numeric = s.refractoryNumeric === true;
  const broad = s.refractoryBroad === true && s.improving === false;
  if (!numeric && !broad) return;
  if (!s.steroidGiven || !s.rtxGiven) return;
  const capla = activeOrGiven(f, 'capla');
  const evidence: Evidence[] = [
    ...episodeEvidence(ctx),
    ...trendEvidence(ctx),
    { label: 'Clinical response (D2)', value: s.response.status },
  ];
  for (const o of exposureInWindow(f, 'second-line').orders)
    evidence.push({ label: 'Second-line agent ordered', value: `${o.display} (${o.status})`, time: o.time, ref: o.ref });
  return {
    ruleId: ID,
    indicator: 'warning',
    params: {
      n: ep.sessionCount,
      definition: numeric
        ? `Refractory by the IWG numeric definition (platelets < ${ctx.param('refractoryPlatelets')}, LDH > ${ctx.param('refractoryLdhUlnMultiple')}x ULN)`
        : 'No clinical response and no improvement',
      caplaLine: capla
        ? 'Caplacizumab is already ordered or given this episode.'
        : '**Add caplacizumab first if it is not contraindicated: it is not ordered or given this episode.**',
    },
    evidence,
    notes: [...drugNotes(ctx, 'rtx', 'Rituximab'), ...gapNotes(ctx, ['medicationAdministrations'])],
  };
}

export const rule: RuleModule = { id: ID, patientView };
