/**
 * TTP-REFRACTORY-2L: refractory (D3a, or D3b and not improving) on current data despite TPE,
 * corticosteroids and rituximab: discuss intensified (second-line) therapy. Info, not a warning,
 * when a second-line agent was first given in the last 7 days (reassess response). Links only;
 * the evidence is case series. When TTP-CAPLA-DAY5 is in the same answer this card points to it.
 * In pregnancy cyclophosphamide is left out of the options, and the card says why (KB v3 change
 * 33); documented allergies to caplacizumab or a second-line agent are named (change 29).
 */
import { activeOrGiven, allergiesTo, exposureInWindow, orderedThisEpisode } from '../facts';
import { noteText } from '../content';
import { DRUG_NAMES, allergyNote } from './allergies';
import type { Evidence } from '../facts/types';
import { DAY, isoDate } from '../fhir/time';
import {
  escalationCarries,
  currentEpisode,
  drugNotes,
  elsewhereOf,
  episodeEvidence,
  gapNotes,
  inTpeAdamts13Notes,
  responseWords,
  trendEvidence,
} from './evidence';
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
  const caplaElsewhere = !capla && elsewhereOf(ctx, 'capla') !== undefined;
  const caplaAllergy = allergiesTo(f, 'capla')[0];
  const pregnant = f.pregnancy.length > 0;
  const donorPlasma = inTpeAdamts13Notes(ctx);
  const secondLine = exposureInWindow(f, 'second-line');
  const firstGiven = secondLine.given[0];
  const fresh = firstGiven !== undefined && f.now - firstGiven.time <= ctx.param('secondLineFreshDays') * DAY;
  const evidence: Evidence[] = [
    ...episodeEvidence(ctx),
    ...trendEvidence(ctx),
    { label: 'Clinical response', value: responseWords(s.response) },
  ];
  for (const o of secondLine.orders.filter((x) => orderedThisEpisode(x, f)))
    evidence.push({ label: 'Second-line agent ordered', value: `${o.display} (${o.status})`, time: o.time, ref: o.ref });
  if (firstGiven)
    evidence.push({ label: 'Second-line agent first given', value: firstGiven.display, time: firstGiven.time, ref: firstGiven.ref });
  return {
    ruleId: ID,
    indicator: fresh ? 'info' : 'warning',
    variant: fresh ? 'fresh' : pregnant ? 'pregnancy' : 'default',
    params: {
      n: ep.sessionCount,
      date: firstGiven ? isoDate(firstGiven.time, f.tz) : '',
      definition: numeric
        ? `Refractory by the IWG numeric definition (platelets < ${ctx.param('refractoryPlatelets')}, LDH > ${ctx.param('refractoryLdhUlnMultiple')}x ULN)`
        : 'No clinical response and no improvement',
      caplaLine: capla
        ? 'Caplacizumab is already ordered or given this episode.'
        : caplaElsewhere
          ? 'Caplacizumab is recorded as given elsewhere this episode: reconcile it and order it here if it continues.'
          : caplaAllergy
            ? 'Caplacizumab is contraindicated by a documented allergy (see the notes).'
            : '**Add caplacizumab first if it is not contraindicated: it is not ordered or given this episode.**',
    },
    evidence,
    notes: [
      ...(pregnant ? [noteText(ctx.content, 'pregnancyCyclophosphamide', {})] : []),
      ...(caplaAllergy && !capla ? [allergyNote(ctx.content, caplaAllergy, DRUG_NAMES.capla, f.tz)] : []),
      ...allergiesTo(f, 'second-line').map((a) => allergyNote(ctx.content, a, a.display, f.tz)),
      ...drugNotes(ctx, 'rtx', 'Rituximab'),
      ...donorPlasma,
      ...gapNotes(ctx, ['medicationAdministrations', 'medicationStatements']),
    ],
    caplacizumab: capla || caplaElsewhere || caplaAllergy ? undefined : { suggestions: [], param: 'caplaLine' },
    carries: escalationCarries(donorPlasma),
  };
}

export const rule: RuleModule = { id: ID, patientView };
