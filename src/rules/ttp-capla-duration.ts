/** TTP-CAPLA-DURATION: caplacizumab planned beyond the US-labelled maximum (last TPE + 30 + 28 days). Info. */
import { ended } from '../facts/status';
import { activeOrders } from '../facts';
import type { MedOrder } from '../facts/types';
import { DAY, daysBetween, isoDate, localDate } from '../fhir/time';
import { caplaDraftOrders } from './ttp-capla-stop';
import type { Finding, RuleContext, RuleModule } from './types';

const ID = 'TTP-CAPLA-DURATION';

function durationFinding(ctx: RuleContext, orders: MedOrder[]): Finding | undefined {
  const { f } = ctx;
  const lastTpe = f.episode?.lastSession;
  if (lastTpe === undefined) return undefined;
  // The label counts calendar days after the last daily TPE.
  const maxDays = ctx.param('caplaPostTpeDays') + ctx.param('caplaExtensionDays');
  const lastDate = localDate(lastTpe, f.tz);
  const o = orders.find((x) => x.end !== undefined && daysBetween(lastDate, localDate(x.end, f.tz)) > maxDays);
  if (!o) return undefined;
  return {
    ruleId: ID,
    indicator: 'info',
    params: {
      end: isoDate(o.end, f.tz),
      days: daysBetween(lastDate, localDate(o.end!, f.tz)),
      lastTpe: lastDate,
      maxEnd: isoDate(lastTpe + maxDays * DAY, f.tz),
    },
    evidence: [
      {
        label: 'Caplacizumab planned end',
        value: `${isoDate(o.end, f.tz)} (${o.endBy ?? 'last administration'})`,
        time: o.time,
        ref: o.ref,
      },
      { label: 'Last TPE session', value: lastDate, time: lastTpe },
    ],
    notes: [],
  };
}

export const rule: RuleModule = {
  id: ID,
  patientView: (ctx) => durationFinding(ctx, activeOrders(ctx.f, 'capla')),
  orders: (ctx) =>
    durationFinding(
      ctx,
      caplaDraftOrders(ctx).filter((o) => !ended(o)),
    ),
};
