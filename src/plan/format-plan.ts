import { getAction } from '../actions/registry.js';
import type { Plan, PlannedAction } from './types.js';

/**
 * Returns the dry-run view of the plan, one line per action in run order, e.g.
 * `1. [train] run_job: run job "churn-training" with 1 job parameter, wait up to 2h`;
 * a parallel group's actions are indented under `parallel (max 4 at once)`.
 */
export function formatPlan(plan: Plan): string[] {
  return plan.items.flatMap((item) => {
    if (item.kind === 'single') return [formatAction(item.action)];
    const failFast = item.failFast ? ', fail fast' : '';
    return [
      `parallel (max ${item.maxConcurrency} at once${failFast}):`,
      ...item.actions.map((action) => `  ${formatAction(action)}`),
    ];
  });
}

/** Returns one action's dry-run line: `<index>. [<id>] <type>: <description>`. */
export function formatAction(action: PlannedAction): string {
  const id = action.id === undefined ? '' : `[${action.id}] `;
  return `${action.index}. ${id}${action.type}: ${getAction(action.type).describe(action.spec)}`;
}
