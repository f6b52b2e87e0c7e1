import { IdRegistry } from './action-ids.js';
import { didYouMean } from './did-you-mean.js';
import { formatNodePath, type NodePath, type PlanProblem } from './problems.js';
import type { PlanSourceMap } from './source-map.js';
import { ACTION_TYPES, type ActionType, type SourcePosition } from './types.js';

/** Actions of a parallel group running at once unless `max_concurrency` says otherwise. */
export const DEFAULT_MAX_CONCURRENCY = 4;
const MAX_CONCURRENCY_LIMIT = 100;
const ACTION_KEYS: readonly string[] = [...ACTION_TYPES, 'parallel'];
const GROUP_OPTIONS = ['max_concurrency', 'fail_fast'];

/** One action as written: structurally sound, its body not yet schema-checked. */
export interface RawAction {
  /** 1-based position in the flattened plan. */
  index: number;
  id?: string;
  type: ActionType;
  body: unknown;
  /** Path of the body (the value under the action key) from the plan's root. */
  bodyPath: NodePath;
  position: SourcePosition;
  /** 0-based index of the plan item of the parallel group holding it. */
  group?: number;
}

/** One plan item as written: a single action or a parallel group. */
export type RawItem =
  | { kind: 'single'; action: RawAction }
  | {
      kind: 'parallel';
      actions: RawAction[];
      maxConcurrency: number;
      failFast: boolean;
      position: SourcePosition;
    };

/** Collects problems and numbers actions while walking the plan's items. */
class ItemReader {
  readonly problems: PlanProblem[] = [];
  private nextIndex = 1;
  private readonly ids = new IdRegistry();

  constructor(private readonly map: PlanSourceMap) {}

  report(path: NodePath, message: string, atKey = false): void {
    this.problems.push({
      position: this.map.locate(path, atKey),
      path: formatNodePath(path),
      message,
    });
  }

  readItem(value: unknown, path: NodePath): RawItem | undefined {
    const entry = this.mapping(value, path);
    if (!entry) return undefined;
    const key = this.actionKey(entry, path, true);
    if (key === undefined) return undefined;
    if (key !== 'parallel') {
      this.rejectGroupOptions(entry, path, 'is only valid on a parallel group');
      const action = this.readAction(entry, key as ActionType, path);
      return action && { kind: 'single', action };
    }
    return this.readGroup(entry, path);
  }

  private readGroup(entry: Record<string, unknown>, path: NodePath): RawItem | undefined {
    const itemIndex = path[0] as number;
    if (entry['id'] !== undefined) {
      const why = 'a parallel group has no id; give ids to the actions inside it';
      this.report([...path, 'id'], why, true);
    }
    const members = entry['parallel'];
    if (!Array.isArray(members) || members.length === 0) {
      this.report([...path, 'parallel'], 'must be a non-empty list of actions');
      return undefined;
    }
    const actions = members.flatMap((member, i) => {
      const memberPath = [...path, 'parallel', i];
      const memberEntry = this.mapping(member, memberPath);
      if (!memberEntry) return [];
      this.rejectGroupOptions(
        memberEntry,
        memberPath,
        'belongs on the parallel group, not on one of its actions',
      );
      const key = this.actionKey(memberEntry, memberPath, false);
      const action =
        key === undefined ? undefined : this.readAction(memberEntry, key as ActionType, memberPath);
      return action ? [{ ...action, group: itemIndex }] : [];
    });
    return {
      kind: 'parallel',
      actions,
      maxConcurrency: this.maxConcurrency(entry['max_concurrency'], [...path, 'max_concurrency']),
      failFast: this.failFast(entry['fail_fast'], [...path, 'fail_fast']),
      position: this.map.locate(path),
    };
  }

  private mapping(value: unknown, path: NodePath): Record<string, unknown> | undefined {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      return value as Record<string, unknown>;
    }
    const got = value === null ? 'nothing' : Array.isArray(value) ? 'a list' : `a ${typeof value}`;
    this.report(
      path,
      `each plan item must be a mapping with one action key, e.g. "- run_job: {job: my-job}" (got ${got})`,
    );
    return undefined;
  }

  /** Returns the item's one action key (or `parallel` when allowed), reporting what is wrong. */
  private actionKey(
    entry: Record<string, unknown>,
    path: NodePath,
    isTopLevel: boolean,
  ): string | undefined {
    const allowed = isTopLevel ? ACTION_KEYS : ACTION_TYPES;
    const keys = Object.keys(entry);
    const found = keys.filter((k) => ACTION_KEYS.includes(k));
    const unknown = keys.filter(
      (k) => !ACTION_KEYS.includes(k) && k !== 'id' && !GROUP_OPTIONS.includes(k),
    );
    this.reportUnknownKeys(unknown, found.length > 0, allowed, path);
    if (!isTopLevel && found.includes('parallel')) {
      this.report(
        [...path, 'parallel'],
        'parallel groups cannot nest; list the actions directly in the outer group',
        true,
      );
      return undefined;
    }
    if (found.length > 1) {
      this.report(
        [...path, found[1] as string],
        `one item holds one action (found ${found.join(' and ')}); start another item with "- "`,
        true,
      );
      return undefined;
    }
    if (found.length === 0 && unknown.length === 0) {
      this.report(path, `missing action: each item needs exactly one of ${allowed.join(', ')}`);
    }
    return found[0];
  }

  private reportUnknownKeys(
    unknown: readonly string[],
    hasAction: boolean,
    allowed: readonly string[],
    path: NodePath,
  ): void {
    for (const key of unknown) {
      // Next to a valid action, a stray key is more likely a misplaced field than an action.
      const message = hasAction
        ? `unknown key "${key}"${didYouMean(key, ['id', ...allowed])}; an item holds an optional id and one action`
        : `unknown action "${key}"${didYouMean(key, allowed)}; valid actions: ${allowed.join(', ')}`;
      this.report([...path, key], message, true);
    }
  }

  private readAction(
    entry: Record<string, unknown>,
    type: ActionType,
    path: NodePath,
  ): RawAction | undefined {
    const id = this.readId(entry['id'], [...path, 'id']);
    const action: RawAction = {
      index: this.nextIndex++,
      type,
      body: entry[type],
      bodyPath: [...path, type],
      position: this.map.locate(path),
    };
    if (id !== undefined) action.id = id;
    return action;
  }

  private readId(value: unknown, path: NodePath): string | undefined {
    if (value === undefined) return undefined;
    const problem = this.ids.claim(value, this.map.locate(path));
    if (problem === undefined) return value as string;
    this.report(path, problem);
    return undefined;
  }

  private rejectGroupOptions(entry: Record<string, unknown>, path: NodePath, why: string): void {
    for (const key of GROUP_OPTIONS.filter((k) => entry[k] !== undefined)) {
      this.report([...path, key], `${key} ${why}`, true);
    }
  }

  private maxConcurrency(value: unknown, path: NodePath): number {
    if (value === undefined) return DEFAULT_MAX_CONCURRENCY;
    const isInRange = Number.isInteger(value) && (value as number) >= 1;
    if (isInRange && (value as number) <= MAX_CONCURRENCY_LIMIT) return value as number;
    this.report(
      path,
      `must be a whole number from 1 to ${MAX_CONCURRENCY_LIMIT} (default ${DEFAULT_MAX_CONCURRENCY})`,
    );
    return DEFAULT_MAX_CONCURRENCY;
  }

  private failFast(value: unknown, path: NodePath): boolean {
    if (value === undefined || typeof value === 'boolean') return value ?? false;
    this.report(path, 'must be true or false (default false)');
    return false;
  }
}

/** Returns the plan's items with their actions numbered, and every structural problem found. */
export function readItems(
  items: readonly unknown[],
  map: PlanSourceMap,
): { items: RawItem[]; problems: PlanProblem[] } {
  const reader = new ItemReader(map);
  const read = items.flatMap((value, i) => {
    const item = reader.readItem(value, [i]);
    return item ? [item] : [];
  });
  return { items: read, problems: reader.problems };
}
