import type { SourcePosition } from './types.js';

/**
 * Action ids: lower-case snake case, so `{{ <id>.<output> }}` reads like a variable and the id
 * is safe in log scopes and idempotency tokens.
 */
export const ID_PATTERN = /^[a-z_][a-z0-9_]{0,63}$/;
/** Template namespaces (ours and Databricks' dynamic value references) cannot be ids. */
export const RESERVED_IDS: readonly string[] = [
  'bitbucket',
  'env',
  'job',
  'task',
  'tasks',
  'workspace',
  'backfill',
];

/** The ids claimed so far in one plan, with where each was first written. */
export class IdRegistry {
  private readonly seen = new Map<string, SourcePosition>();

  /** Returns why `value` cannot be an action id here, or undefined after recording it. */
  claim(value: unknown, position: SourcePosition): string | undefined {
    if (typeof value !== 'string' || !ID_PATTERN.test(value)) {
      return 'must be lower-case letters, digits and _ (not starting with a digit, at most 64), e.g. train_model';
    }
    if (RESERVED_IDS.includes(value)) {
      return `"${value}" is reserved for templates ({{ ${value}.… }}); choose another id`;
    }
    const first = this.seen.get(value);
    if (first) {
      return `duplicate id "${value}" (lines ${first.line} and ${position.line}); ids must be unique`;
    }
    this.seen.set(value, position);
    return undefined;
  }
}
