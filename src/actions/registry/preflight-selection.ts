/**
 * What a selector action's preflight selected (MLflow runs by `from_run` or id), handed to its
 * run through ctx.resolved. Provisional unless the orchestrator's preflight marks it final: it
 * does so when no earlier action of the plan can change the answer (none starts Databricks runs,
 * which may log MLflow runs, and none writes run tags a filter may test). A final selection is
 * reused, saving the second experiment look-up and search; a provisional one is made again.
 */

/** A preflight's selection and whether the action may reuse it as it is. */
export interface PreflightSelection<T> {
  readonly kind: 'mlflow-selection';
  readonly selected: T;
  readonly isFinal: boolean;
}

/** Returns a selection the action makes again unless the orchestrator marks it final. */
export function provisionalSelection<T>(selected: T): PreflightSelection<T> {
  return { kind: 'mlflow-selection', selected, isFinal: false };
}

/** Returns `resolution` marked final when it is a selection, else `resolution` unchanged. */
export function finalizeSelection(resolution: unknown): unknown {
  return isPreflightSelection(resolution) ? { ...resolution, isFinal: true } : resolution;
}

/**
 * Returns ctx.resolved as the selection the action's own preflight made (`T` is what that
 * preflight selected), or undefined when the preflight did not run.
 */
export function preflightSelectionOf<T>(resolved: unknown): PreflightSelection<T> | undefined {
  return isPreflightSelection(resolved) ? (resolved as PreflightSelection<T>) : undefined;
}

function isPreflightSelection(value: unknown): value is PreflightSelection<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { kind?: unknown }).kind === 'mlflow-selection'
  );
}
