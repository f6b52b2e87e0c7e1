import { getAction } from '../actions/registry.js';
import type { BitbucketContext } from '../config/types.js';
import { didYouMean } from './did-you-mean.js';
import { formatNodePath, type NodePath, type PlanProblem } from './problems.js';
import type { RawAction } from './read-items.js';
import type { PlanSourceMap } from './source-map.js';
import {
  BITBUCKET_KEYS,
  hasTemplate,
  scanTemplates,
  type TemplateMatch,
  type TemplateRef,
} from './template-syntax.js';
import type { SourcePosition } from './types.js';

/** What `{{ bitbucket.* }}` and `{{ env.* }}` can see, known before anything runs. */
export interface TemplateContext {
  bitbucket: BitbucketContext;
  env: Readonly<Record<string, string>>;
}

/** The pipe's own credentials: a template would send them in clear to Databricks. */
export const PROTECTED_ENV = [
  'DATABRICKS_TOKEN',
  'DATABRICKS_CLIENT_SECRET',
  'BITBUCKET_STEP_OIDC_TOKEN',
];
/** Outputs that are maps, reachable one entry at a time: `{{ id.task_outputs.<task_key> }}`. */
const FIELD_OUTPUTS = ['task_outputs'];

/** Every template problem of the plan, and the ids each action's templates depend on. */
export interface TemplateCheck {
  problems: PlanProblem[];
  /** By action index: ids of earlier actions whose outputs it references, in first-use order. */
  dependsOn: Map<number, string[]>;
}

/**
 * Returns the problems of every template in the plan (checked before anything runs: unknown
 * namespace, id or output, forward and sibling references, wait-only outputs of `wait: false`
 * actions, unset variables, templates in keys) and each action's dependencies.
 */
export function checkTemplates(
  actions: readonly RawAction[],
  map: PlanSourceMap,
  context: TemplateContext,
): TemplateCheck {
  const checker = new TemplateChecker(actions, map, context);
  for (const action of actions) checker.checkAction(action);
  return { problems: checker.problems, dependsOn: checker.dependsOn };
}

class TemplateChecker {
  readonly problems: PlanProblem[] = [];
  readonly dependsOn = new Map<number, string[]>();
  private readonly byId = new Map<string, RawAction>();

  constructor(
    actions: readonly RawAction[],
    private readonly map: PlanSourceMap,
    private readonly context: TemplateContext,
  ) {
    for (const action of actions) if (action.id !== undefined) this.byId.set(action.id, action);
  }

  checkAction(action: RawAction): void {
    const deps: string[] = [];
    this.walk(action.body, action.bodyPath, (path, value, isKey) => {
      if (isKey) {
        this.report(
          path,
          this.map.locate(path, true),
          'templates are not allowed in keys, only in values',
        );
        return;
      }
      // The same mistake repeated in one value is one problem to fix, not thousands to print.
      const seen = new Set<string>();
      for (const match of scanTemplates(value)) {
        const message = match.error ?? this.checkRef(match.ref as TemplateRef, action);
        if (message !== undefined && !seen.has(message)) {
          seen.add(message);
          this.report(path, this.templatePosition(path, value, match), message);
        } else if (
          message === undefined &&
          match.ref?.kind === 'output' &&
          !deps.includes(match.ref.id)
        )
          deps.push(match.ref.id);
      }
    });
    this.dependsOn.set(action.index, deps);
  }

  private walk(
    value: unknown,
    path: NodePath,
    visit: (path: NodePath, text: string, isKey: boolean) => void,
  ): void {
    if (typeof value === 'string') {
      if (hasTemplate(value)) visit(path, value, false);
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => this.walk(item, [...path, i], visit));
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) {
        if (hasTemplate(key)) visit([...path, key], key, true);
        this.walk(item, [...path, key], visit);
      }
    }
  }

  private checkRef(ref: TemplateRef, action: RawAction): string | undefined {
    switch (ref.kind) {
      case 'databricks':
        return undefined;
      case 'bitbucket':
        return this.checkBitbucket(ref.key);
      case 'env':
        return this.checkEnv(ref.name);
      case 'output':
        return this.checkOutput(ref, action);
    }
  }

  private checkBitbucket(key: string): string | undefined {
    const info = BITBUCKET_KEYS[key];
    const keys = Object.keys(BITBUCKET_KEYS);
    if (!info)
      return `unknown key bitbucket.${key}${didYouMean(key, keys)}; valid keys: ${keys.join(', ')}`;
    const value = this.context.bitbucket[info.field];
    if (value === undefined || value === '')
      return `bitbucket.${key} is not set in this pipeline (${info.variable} is empty or unset)`;
    return undefined;
  }

  private checkEnv(name: string): string | undefined {
    if (PROTECTED_ENV.includes(name)) {
      return `env.${name} is a credential of this pipe and cannot be used in a template (it would be sent in clear); give jobs secrets through Databricks secret scopes`;
    }
    if (!Object.hasOwn(this.context.env, name)) {
      const hint = didYouMean(name, Object.keys(this.context.env));
      return `env.${name} is not set in the step's environment${hint}`;
    }
    return undefined;
  }

  private checkOutput(
    ref: Extract<TemplateRef, { kind: 'output' }>,
    action: RawAction,
  ): string | undefined {
    const target = this.byId.get(ref.id);
    if (!target) return this.unknownId(ref.id);
    const at = (a: RawAction): string =>
      `action ${a.index} ${a.id ? `"${a.id}" ` : ''}(${a.type}, line ${a.position.line})`;
    if (target === action) return `an action cannot use its own outputs ("${ref.id}")`;
    if (target.index > action.index)
      return `forward reference: ${at(action)} uses ${at(target)}, which runs later; move "${ref.id}" before it`;
    if (action.group !== undefined && target.group === action.group) {
      return `"${ref.id}" (line ${target.position.line}) is in the same parallel group, so its outputs do not exist yet; move it to an earlier item`;
    }
    const definition = getAction(target.type);
    const outputs = definition.outputs;
    if (!outputs.includes(ref.output)) {
      return `"${ref.id}" (${target.type}) has no output "${ref.output}"${didYouMean(ref.output, outputs)}; its outputs: ${outputs.join(', ')}`;
    }
    if (ref.field !== undefined && !FIELD_OUTPUTS.includes(ref.output)) {
      return `output "${ref.output}" has no fields; only ${FIELD_OUTPUTS.join(', ')} takes one, e.g. {{ ${ref.id}.task_outputs.<task_key> }}`;
    }
    const isNoWait = isMapping(target.body) && definition.isNoWait?.(target.body) === true;
    if (isNoWait && definition.waitOutputs?.includes(ref.output)) {
      const available = outputs.filter((o) => !definition.waitOutputs?.includes(o));
      return `"${ref.id}" has wait: false, so it has no ${ref.output}; wait for it or use ${available.join(', ')}`;
    }
    return undefined;
  }

  private unknownId(id: string): string {
    const ids = [...this.byId.keys()];
    const known =
      ids.length > 0 ? `ids in this plan: ${ids.join(', ')}` : 'no action in this plan has an id';
    return `unknown id "${id}"${didYouMean(id, [...ids, 'bitbucket', 'env'])}; ${known}`;
  }

  /** Returns where the template itself starts, when the scalar's source text shows it. */
  private templatePosition(path: NodePath, value: string, match: TemplateMatch): SourcePosition {
    const source = this.map.sourceOf(this.map.nodeAt(path));
    const occurrence = value.slice(0, match.index).split(match.text).length - 1;
    let offset = -1;
    for (let i = 0; i <= occurrence && source; i++)
      offset = source.text.indexOf(match.text, offset + 1);
    return source && offset >= 0
      ? this.map.positionAt(source.offset + offset)
      : this.map.locate(path);
  }

  private report(path: NodePath, position: SourcePosition, message: string): void {
    this.problems.push({ position, path: formatNodePath(path), message });
  }
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
