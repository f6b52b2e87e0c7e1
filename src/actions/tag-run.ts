import {
  countOf,
  describeSelector,
  exactlyOne,
  fromRunSchema,
  quoted,
  stringMapSchema,
  type FromRunSelector,
} from '../plan/action-schema-parts.js';
import type { ActionDefinition } from './types.js';
import { preflightTagRun, runTagRun } from './registry/tag-runs.js';

// ─── Schema (plan) ─────────────────────────────────────────────────────────────────────────
// The body of `tag_run:` (DESIGN §3, §7.10): tags on MLflow runs chosen by id or selector.

/** A schema-valid `tag_run` body (defaults applied). */
export type TagRunSpec = {
  run_id?: string;
  run_ids?: string[];
  from_run?: FromRunSelector;
  /** Defaulted to {} by the schema: provenance tags alone are a valid use. */
  tags: Record<string, string>;
};

// MLflow limits run tag keys to 250 bytes.
const TAG_KEY_MAX_LENGTH = 250;

/** JSON Schema of the `tag_run` body. */
export const TAG_RUN_SCHEMA: Record<string, unknown> = {
  type: 'object',
  description: 'Set tags on MLflow runs; provenance tags are added.',
  additionalProperties: false,
  properties: {
    run_id: { type: 'string', minLength: 1, description: 'One MLflow run id.' },
    run_ids: {
      type: 'array',
      minItems: 1,
      items: { type: 'string', minLength: 1 },
      description: 'Several MLflow run ids.',
    },
    from_run: fromRunSchema('tag'),
    tags: { ...stringMapSchema('Tags to set, key → value.', TAG_KEY_MAX_LENGTH), default: {} },
  },
};

/** Outputs of `tag_run` (DESIGN §3). */
export const TAG_RUN_OUTPUTS = ['run_ids'] as const;

function validateTagRun(spec: TagRunSpec): string[] {
  return exactlyOne(spec, ['run_id', 'run_ids', 'from_run']);
}

function describeTagRun(spec: TagRunSpec): string {
  const count = Object.keys(spec.tags ?? {}).length;
  const tags = count === 0 ? 'provenance tags' : `${countOf(count, 'tag')} and provenance tags`;
  if (spec.run_id !== undefined) return `tag run ${quoted(spec.run_id)} with ${tags}`;
  if (spec.run_ids !== undefined) return `tag ${countOf(spec.run_ids.length, 'run')} with ${tags}`;
  const limit = spec.from_run?.max_results ?? 100;
  return `tag up to ${limit} runs ${spec.from_run ? describeSelector(spec.from_run) : ''} with ${tags}`;
}

// ─── Run (registry) ────────────────────────────────────────────────────────────────────────

/** `tag_run`: set tags (and provenance tags) on MLflow runs (DESIGN §3). */
export const tagRun: ActionDefinition<TagRunSpec> = {
  type: 'tag_run',
  schema: TAG_RUN_SCHEMA,
  outputs: TAG_RUN_OUTPUTS,
  validate: validateTagRun,
  describe: describeTagRun,
  preflight: preflightTagRun,
  run: runTagRun,
};
