import type { Terminology } from '../terminology';
import type { Units } from '../units';

/** What the facts layer reads codes and units with (compiled from the content at start-up). */
export interface Tools {
  terminology: Terminology;
  units: Units;
}
