import type { ActionOutputs } from '../actions/types.js';
import type { ActionType } from '../plan/types.js';

export type ActionStatus =
  | 'succeeded'
  | 'failed'
  | 'timed_out'
  | 'cancelled'
  | 'skipped'
  | 'planned';

/** One action's outcome, as results.json records it (DESIGN §7.11). */
export interface ActionResult {
  index: number;
  id?: string;
  type: ActionType;
  status: ActionStatus;
  /** The action's one-line description. */
  description: string;
  started_at?: string;
  finished_at?: string;
  duration_ms?: number;
  outputs: ActionOutputs;
  error?: { code: string; message: string; hint?: string };
}
