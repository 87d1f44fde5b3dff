/** Every rule's logic, one module per rule (its content is cards/<id>.json). */
import { rule as adamts13Inhib } from './ttp-adamts13-inhib';
import { rule as adamts13Missing } from './ttp-adamts13-missing';
import { rule as adamts13Monitor } from './ttp-adamts13-monitor';
import { rule as caplaDay5 } from './ttp-capla-day5';
import { rule as caplaDuration } from './ttp-capla-duration';
import { rule as caplaOrder } from './ttp-capla-order';
import { rule as caplaStop } from './ttp-capla-stop';
import { rule as daraLastLine } from './ttp-dara-lastline';
import { rule as dxReconsider } from './ttp-dx-reconsider';
import { rule as exacerbation } from './ttp-exacerbation';
import { rule as monDaily } from './ttp-mon-daily';
import { rule as mpPulse } from './ttp-mp-pulse';
import { rule as peStopEarly } from './ttp-pe-stop-early';
import { rule as pltTxn } from './ttp-plt-txn';
import { rule as refractory2L } from './ttp-refractory-2l';
import { rule as rtxDose } from './ttp-rtx-dose';
import { rule as rtxMissing } from './ttp-rtx-missing';
import { rule as smearMissing } from './ttp-smear-missing';
import { rule as steroidMissing } from './ttp-steroid-missing';
import { rule as subtypeConflict } from './ttp-subtype-conflict';
import type { RuleModule } from './types';

export const RULE_MODULES: readonly RuleModule[] = [
  adamts13Inhib,
  adamts13Missing,
  adamts13Monitor,
  caplaDay5,
  caplaDuration,
  caplaOrder,
  caplaStop,
  daraLastLine,
  dxReconsider,
  exacerbation,
  monDaily,
  mpPulse,
  peStopEarly,
  pltTxn,
  refractory2L,
  rtxDose,
  rtxMissing,
  smearMissing,
  steroidMissing,
  subtypeConflict,
];
