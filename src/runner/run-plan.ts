import type { ActionContext, ActionDefinition, ActionOutputs } from '../actions/types.js';
import type { Clock } from '../clock.js';
import { PipeError, isPipeError, toPipeError, type PipeErrorCode } from '../errors.js';
import type { Logger } from '../log/logger.js';
import type { Plan, PlanItem, PlannedAction } from '../plan/types.js';
import type { ActionResult, ActionStatus } from './types.js';

export interface RunPlanOptions {
  plan: Plan;
  getAction(type: PlannedAction['type']): ActionDefinition;
  /** Renders an action's templates against the outputs of the actions before it. */
  render(action: PlannedAction, outputs: ReadonlyMap<string, ActionOutputs>): Record<string, unknown>;
  /** Builds the context for one action, with its own abort signal. */
  makeContext(action: PlannedAction, signal: AbortSignal): ActionContext;
  clock: Clock;
  log: Logger;
  /** Aborts the whole plan (SIGTERM/SIGINT). */
  signal: AbortSignal;
  /** Called whenever a result changes, so evidence can be written as the plan goes. */
  onResult?(result: ActionResult): void;
}

export interface PlanOutcome {
  results: ActionResult[];
  /** The first failure that decides the exit status; undefined when every action succeeded. */
  error?: PipeError;
}

const STATUS_BY_CODE: Partial<Record<PipeErrorCode, ActionStatus>> = {
  ERR_TIMEOUT: 'timed_out',
  ERR_CANCELLED: 'cancelled',
};

/**
 * Returns the outcome of running the plan's items in order; a parallel group's members run
 * at once (bounded by max_concurrency). After a failure the remaining items are skipped.
 */
export async function runPlan(options: RunPlanOptions): Promise<PlanOutcome> {
  const results = options.plan.actions.map((action) => initialResult(options, action));
  const outputs = new Map<string, ActionOutputs>();
  let error: PipeError | undefined;
  for (const item of options.plan.items) {
    if (error || options.signal.aborted) break;
    error = await runItem(options, item, results, outputs);
  }
  if (!error && options.signal.aborted) error = toPipeError(options.signal.reason);
  return error ? { results, error } : { results };
}

function initialResult(options: RunPlanOptions, action: PlannedAction): ActionResult {
  const definition = options.getAction(action.type);
  const result: ActionResult = {
    index: action.index,
    type: action.type,
    status: 'skipped',
    description: definition.describe(action.spec),
    outputs: {},
  };
  if (action.id !== undefined) result.id = action.id;
  return result;
}

async function runItem(
  options: RunPlanOptions,
  item: PlanItem,
  results: ActionResult[],
  outputs: Map<string, ActionOutputs>,
): Promise<PipeError | undefined> {
  if (item.kind === 'single') return runOne(options, item.action, results, outputs, options.signal);
  const group = new AbortController();
  const onPlanAbort = (): void => group.abort(options.signal.reason);
  options.signal.addEventListener('abort', onPlanAbort, { once: true });
  const failures: PipeError[] = [];
  const queue = [...item.actions];
  const worker = async (): Promise<void> => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      if (group.signal.aborted) return;
      const failure = await runOne(options, next, results, outputs, group.signal);
      if (failure) {
        failures.push(failure);
        if (item.failFast) {
          group.abort(new PipeError('ERR_CANCELLED', `cancelled: a sibling action failed`));
        }
      }
    }
  };
  const workers = Array.from({ length: Math.min(item.maxConcurrency, item.actions.length) }, worker);
  await Promise.all(workers);
  options.signal.removeEventListener('abort', onPlanAbort);
  // The failure that explains the outcome is the first real one, not a fail-fast cancellation.
  return failures.find((f) => f.code !== 'ERR_CANCELLED') ?? failures[0];
}

async function runOne(
  options: RunPlanOptions,
  action: PlannedAction,
  results: ActionResult[],
  outputs: Map<string, ActionOutputs>,
  signal: AbortSignal,
): Promise<PipeError | undefined> {
  const result = results[action.index - 1];
  if (!result) throw new PipeError('ERR_INTERNAL', `no result slot for action ${action.index}`);
  const started = options.clock.now();
  result.started_at = new Date(started).toISOString();
  result.status = 'planned';
  // On disk at once, so a killed pipe still shows which action was in flight.
  options.onResult?.(result);
  const finish = (status: ActionStatus): void => {
    const finished = options.clock.now();
    result.status = status;
    result.finished_at = new Date(finished).toISOString();
    result.duration_ms = finished - started;
    options.onResult?.(result);
  };
  try {
    const spec = renderForRun(options, action, outputs);
    // Described again with its templates filled in: `version 3`, not `{{ register.version }}`.
    result.description = options.getAction(action.type).describe(spec);
    const produced = await options.getAction(action.type).run(spec, options.makeContext(action, signal));
    result.outputs = produced;
    if (action.id !== undefined) outputs.set(action.id, produced);
    finish('succeeded');
    return undefined;
  } catch (thrown) {
    const error = toPipeError(thrown);
    if (error.outputs) result.outputs = error.outputs;
    result.error = { code: error.code, message: error.message };
    if (error.hint !== undefined) result.error.hint = error.hint;
    finish(STATUS_BY_CODE[error.code] ?? 'failed');
    return error;
  }
}

/**
 * Renders an action's templates once it is its turn. A reference that fails now is not an
 * invalid plan (exit 2 promises nothing changed, and earlier actions may have): it fails the action.
 */
function renderForRun(
  options: RunPlanOptions,
  action: PlannedAction,
  outputs: ReadonlyMap<string, ActionOutputs>,
): Record<string, unknown> {
  try {
    return options.render(action, outputs);
  } catch (error) {
    if (!isPipeError(error, 'ERR_PLAN_UNRESOLVED', 'ERR_PLAN_INVALID')) throw error;
    throw new PipeError('ERR_ACTION_INPUT', error.message, {
      details: error.details,
      ...(error.hint === undefined ? {} : { hint: error.hint }),
      cause: error,
    });
  }
}
