import { performance } from 'node:perf_hooks';
import type { PlanSource } from '../config/types.js';
import type { Logger } from '../log/logger.js';
import { loadPlanText, parsePlanText, planSourceLabel, type LoadPlanDeps } from './load-plan.js';
import { formatNodePath, planInvalid, type NodePath, type PlanProblem } from './problems.js';
import { readItems, type RawAction, type RawItem } from './read-items.js';
import { checkActionBody, schemaCompileTimings } from './schema-validation.js';
import type { PlanSourceMap } from './source-map.js';
import { checkTemplates, type TemplateContext } from './templates.js';
import type { Plan, PlanItem, PlannedAction } from './types.js';

/** What plan validation needs besides the text: the template context and, optionally, a logger for timings. */
export interface PlanContext extends TemplateContext {
  log?: Pick<Logger, 'debug'>;
}

/**
 * Returns the validated, frozen plan: YAML parsed with positions, each item's shape, each
 * action body against its schema (defaults applied) and rules, and every template reference.
 * All problems are reported at once.
 * @throws PipeError ERR_PLAN_INVALID with one detail line per problem:
 *   `<source>:<line>:<col> <path>: <message>`.
 */
export function buildPlan(source: PlanSource, text: string, context: PlanContext): Plan {
  const started = performance.now();
  const label = planSourceLabel(source);
  const { items: values, sourceMap } = parsePlanText(text, label);
  const { items, problems } = readItems(values, sourceMap);
  const actions = items.flatMap((item) => (item.kind === 'single' ? [item.action] : item.actions));
  for (const action of actions) problems.push(...bodyProblems(action, sourceMap));
  const templates = checkTemplates(actions, sourceMap, context);
  problems.push(...templates.problems);
  if (problems.length > 0) throw planInvalid(label, problems);
  const plan = deepFreeze(toPlan(items, templates.dependsOn, label));
  context.log?.debug(`plan: ${actions.length} actions valid in ${elapsed(started)} ms`, {
    schemas: schemaCompileTimings()
      .map((t) => `${t.type} ${t.ms.toFixed(1)} ms`)
      .join(', '),
  });
  return plan;
}

/**
 * Returns the validated plan read from `ACTIONS` or `ACTIONS_FILE`.
 * @throws PipeError ERR_PLAN_INVALID
 */
export async function loadPlan(
  source: PlanSource,
  deps: LoadPlanDeps & PlanContext,
): Promise<Plan> {
  return buildPlan(source, await loadPlanText(source, deps), deps);
}

function bodyProblems(action: RawAction, map: PlanSourceMap): PlanProblem[] {
  return checkActionBody(action.type, action.body, true).map((p) => {
    const path = [...action.bodyPath, ...withListIndices(action.body, p.path)];
    return { position: map.locate(path, p.atKey), path: formatNodePath(path), message: p.message };
  });
}

/** Returns JSON-pointer segments with list positions as numbers, as the YAML tree indexes them. */
function withListIndices(body: unknown, segments: readonly string[]): NodePath {
  let value = body;
  return segments.map((segment) => {
    const isIndex = Array.isArray(value) && /^\d+$/.test(segment);
    value = (value as Record<string, unknown> | undefined)?.[segment];
    return isIndex ? Number(segment) : segment;
  });
}

function toPlan(items: RawItem[], dependsOn: Map<number, string[]>, source: string): Plan {
  const planned = (raw: RawAction): PlannedAction => {
    const action: PlannedAction = {
      index: raw.index,
      type: raw.type,
      spec: raw.body as Record<string, unknown>,
      position: raw.position,
      dependsOn: dependsOn.get(raw.index) ?? [],
    };
    if (raw.id !== undefined) action.id = raw.id;
    if (raw.group !== undefined) action.group = raw.group;
    return action;
  };
  const planItems = items.map((item): PlanItem => {
    if (item.kind === 'single') return { kind: 'single', action: planned(item.action) };
    const { maxConcurrency, failFast, position } = item;
    return {
      kind: 'parallel',
      actions: item.actions.map(planned),
      maxConcurrency,
      failFast,
      position,
    };
  });
  const actions = planItems.flatMap((item) =>
    item.kind === 'single' ? [item.action] : item.actions,
  );
  return { items: planItems, actions, source };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

function elapsed(started: number): string {
  return (performance.now() - started).toFixed(1);
}
