/** TTP-SUBTYPE-CONFLICT (G3): congenital and acquired/immune TTP both recorded; the iTTP cards are held. */
import type { Finding, RuleContext, RuleModule } from './types';

const ID = 'TTP-SUBTYPE-CONFLICT';

function patientView(ctx: RuleContext): Finding {
  const c = ctx.f.conditions.filter((x) => x.kind === 'congenital' || x.kind === 'ittp');
  return {
    ruleId: ID,
    indicator: 'info',
    params: { conditions: c.map((x) => `${x.display} (${x.ref})`).join('; ') },
    evidence: c.map((x) => ({
      label: x.kind === 'congenital' ? 'Congenital TTP' : 'Acquired/immune TTP',
      value: x.display,
      time: x.time,
      ref: x.ref,
    })),
    notes: [],
  };
}

export const rule: RuleModule = { id: ID, patientView };
