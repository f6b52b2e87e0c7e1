import type { ActionContext, ActionOutputs } from '../actions/types.js';
import { finalizeSelection } from '../actions/registry/preflight-selection.js';
import { NoMatchingRunError } from '../actions/registry/selection.js';
import { getAction } from '../actions/registry.js';
import type { Config } from '../config/types.js';
import { PipeError, isPipeError } from '../errors.js';
import { renderActionSpec } from '../plan/render-templates.js';
import type { ActionType, Plan, PlannedAction } from '../plan/types.js';

const NO_OUTPUTS: ReadonlyMap<string, ActionOutputs> = new Map();

/**
 * Resolves, with read-only calls, every name and selector that does not depend on an earlier
 * action's output (DESIGN §7.2), so nothing changes unless the whole plan resolves. Returns
 * each action's resolution by index; an MLflow selection is marked final (the action reuses it
 * instead of asking again) when no earlier action can change what it selected.
 * @throws PipeError ERR_PLAN_UNRESOLVED listing every name that did not resolve; auth and
 *   other API errors as they are.
 */
export async function preflight(
  plan: Plan,
  config: Config,
  makeContext: (action: PlannedAction) => ActionContext,
): Promise<Map<number, unknown>> {
  const resolved = new Map<number, unknown>();
  const unresolved: string[] = [];
  for (const action of plan.actions) {
    const definition = getAction(action.type);
    if (!definition.preflight || action.dependsOn.length > 0) continue;
    const spec = renderActionSpec(action, {
      bitbucket: config.bitbucket,
      env: config.env,
      outputs: NO_OUTPUTS,
    });
    const context = makeContext(action);
    try {
      const resolution = await definition.preflight(spec, context);
      resolved.set(
        action.index,
        changesRunsBefore(plan, action) ? resolution : finalizeSelection(resolution),
      );
    } catch (error) {
      const problem = unresolvedName(plan, action, context, error);
      if (problem !== undefined) unresolved.push(problem);
    }
  }
  if (unresolved.length > 0) {
    throw new PipeError(
      'ERR_PLAN_UNRESOLVED',
      `the plan refers to things the workspace does not have (${unresolved.length})`,
      {
        details: unresolved,
        hint: 'check the names, and that the identity the pipe authenticates as can see them; nothing was changed',
      },
    );
  }
  return resolved;
}

/**
 * Returns the line naming what an action's preflight could not resolve, or undefined when its
 * failure is expected (no run matches yet, and an earlier action starts runs).
 * @throws `error` itself when it is not about a name (auth, API errors)
 */
function unresolvedName(
  plan: Plan,
  action: PlannedAction,
  context: ActionContext,
  error: unknown,
): string | undefined {
  if (error instanceof NoMatchingRunError && runsBefore(plan, action)) {
    // Train-then-register: the runs this selector wants are made by an earlier action of
    // this very plan, so "no match yet" is expected; the action selects again when it runs.
    context.log.info(`${error.message} yet; selecting again after the earlier runs have finished`);
    return undefined;
  }
  if (!isPipeError(error, 'ERR_NOT_FOUND', 'ERR_PLAN_UNRESOLVED')) throw error;
  const where = `${plan.source}:${action.position.line}`;
  return `${where} action ${action.index}${action.id ? ` "${action.id}"` : ''} (${action.type}): ${error.message}`;
}

// Actions that start Databricks runs, which may log MLflow runs.
const STARTS_RUNS: ReadonlySet<ActionType> = new Set(['run_job', 'submit_run']);
// ...and actions that write MLflow run tags (tag_run; register_model's provenance), which a
// selector's filter may test.
const CHANGES_RUNS: ReadonlySet<ActionType> = new Set([
  ...STARTS_RUNS,
  'tag_run',
  'register_model',
]);

/** True when an action before this one starts Databricks runs (which may log MLflow runs). */
function runsBefore(plan: Plan, action: PlannedAction): boolean {
  return plan.actions.some((a) => a.index < action.index && STARTS_RUNS.has(a.type));
}

/** True when an action before this one may change what an MLflow selector finds. */
function changesRunsBefore(plan: Plan, action: PlannedAction): boolean {
  return plan.actions.some((a) => a.index < action.index && CHANGES_RUNS.has(a.type));
}
