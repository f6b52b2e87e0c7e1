import {
  isUnityCatalogName,
  MODEL_NAME_SCHEMA,
  quoted,
  VERSION_SCHEMA,
} from '../plan/action-schema-parts.js';
import { specProblem } from '../plan/problems.js';
import type { ActionDefinition } from './types.js';
import { preflightTransitionStage, runTransitionStage } from './registry/stages.js';

// ─── Schema (plan) ─────────────────────────────────────────────────────────────────────────
// The body of `transition_stage:` (DESIGN §3, §7.8): workspace registry only.

/** Workspace registry stages. */
export const STAGES = ['None', 'Staging', 'Production', 'Archived'] as const;
// Databricks archives other versions only when moving into one of these.
const ARCHIVING_STAGES: readonly string[] = ['Staging', 'Production'];

/** A schema-valid `transition_stage` body (defaults applied). */
export type TransitionStageSpec = {
  name: string;
  version: number | string;
  stage: (typeof STAGES)[number];
  /** Defaulted to false by the schema. */
  archive_existing_versions: boolean;
  comment?: string;
};

/** JSON Schema of the `transition_stage` body. */
export const TRANSITION_STAGE_SCHEMA: Record<string, unknown> = {
  type: 'object',
  description: 'Move a workspace-registry model version to a stage (Unity Catalog has no stages).',
  required: ['name', 'version', 'stage'],
  additionalProperties: false,
  properties: {
    name: { ...MODEL_NAME_SCHEMA, description: 'Workspace registry model name.' },
    version: VERSION_SCHEMA,
    stage: { type: 'string', enum: [...STAGES], description: 'Target stage.' },
    archive_existing_versions: {
      type: 'boolean',
      default: false,
      description:
        'Archive the versions currently in the target stage (Staging or Production only).',
    },
    comment: { type: 'string', description: 'Comment recorded with the transition.' },
  },
};

/** Outputs of `transition_stage` (DESIGN §3). */
export const TRANSITION_STAGE_OUTPUTS = ['previous_stage'] as const;

function validateTransitionStage(spec: TransitionStageSpec): string[] {
  const problems: string[] = [];
  if (isUnityCatalogName(spec.name)) {
    problems.push(
      specProblem(
        '/name',
        `"${spec.name}" is a Unity Catalog model (catalog.schema.model) and Unity Catalog has no stages; use set_alias (e.g. alias: champion) instead`,
      ),
    );
  }
  if (
    spec.archive_existing_versions &&
    typeof spec.stage === 'string' &&
    !ARCHIVING_STAGES.includes(spec.stage)
  ) {
    problems.push(
      specProblem('/archive_existing_versions', 'applies only when stage is Staging or Production'),
    );
  }
  return problems;
}

function describeTransitionStage(spec: TransitionStageSpec): string {
  const archive = spec.archive_existing_versions ? ', archiving the versions already there' : '';
  return `move version ${String(spec.version)} of ${quoted(spec.name)} to stage ${spec.stage}${archive}`;
}

// ─── Run (registry) ────────────────────────────────────────────────────────────────────────

/** `transition_stage`: workspace-registry stage transition (DESIGN §3). */
export const transitionStage: ActionDefinition<TransitionStageSpec> = {
  type: 'transition_stage',
  schema: TRANSITION_STAGE_SCHEMA,
  outputs: TRANSITION_STAGE_OUTPUTS,
  validate: validateTransitionStage,
  describe: describeTransitionStage,
  preflight: preflightTransitionStage,
  run: runTransitionStage,
};
