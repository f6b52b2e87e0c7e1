import {
  describeSelector,
  durationSchema,
  exactlyOne,
  fromRunSchema,
  MODEL_NAME_SCHEMA,
  quoted,
  registryFlavour,
  stringMapSchema,
  type FromRunSelector,
} from '../plan/action-schema-parts.js';
import { specProblem } from '../plan/problems.js';
import type { ActionDefinition } from './types.js';
import { preflightRegisterModel, runRegisterModel } from './registry/register.js';

// ─── Schema (plan) ─────────────────────────────────────────────────────────────────────────
// The body of `register_model:` (DESIGN §3, §7.8): a new model version from `source` or from
// the first run a `from_run` selector finds.

/** A schema-valid `register_model` body (defaults applied). */
export type RegisterModelSpec = {
  name: string;
  source?: string;
  from_run?: FromRunSelector;
  description?: string;
  tags?: Record<string, string>;
  timeout?: string;
};

// MLflow limits model version tag keys to 250 bytes.
const TAG_KEY_MAX_LENGTH = 250;
const RUNS_URI = /^runs:\/[^/]+\/.+/;

/** JSON Schema of the `register_model` body. */
export const REGISTER_MODEL_SCHEMA: Record<string, unknown> = {
  type: 'object',
  description:
    'Register a new model version (creating the registered model if needed) and wait until it is READY.',
  required: ['name'],
  additionalProperties: false,
  properties: {
    name: MODEL_NAME_SCHEMA,
    source: {
      type: 'string',
      minLength: 1,
      description:
        'Model artifacts URI, e.g. runs:/<mlflow run id>/model. Exclusive with from_run.',
    },
    from_run: fromRunSchema('register'),
    description: { type: 'string', description: 'Description of the new version.' },
    tags: stringMapSchema(
      'Tags on the new version; provenance tags are added.',
      TAG_KEY_MAX_LENGTH,
    ),
    timeout: durationSchema('Longest wait for the version to become READY (default WAIT_TIMEOUT).'),
  },
};

/** Outputs of `register_model` (DESIGN §3). */
export const REGISTER_MODEL_OUTPUTS = ['version', 'run_id', 'source'] as const;

function validateRegisterModel(spec: RegisterModelSpec): string[] {
  const problems = exactlyOne(spec, ['source', 'from_run']);
  const source = spec.source;
  if (
    typeof source === 'string' &&
    source.startsWith('runs:') &&
    !source.includes('{{') &&
    !RUNS_URI.test(source)
  ) {
    problems.push(specProblem('/source', 'must look like runs:/<mlflow run id>/<artifact path>'));
  }
  return problems;
}

function describeRegisterModel(spec: RegisterModelSpec): string {
  const target = `register a new version of ${quoted(spec.name)}${registryFlavour(spec.name)}`;
  if (spec.from_run) return `${target} from the first run ${describeSelector(spec.from_run)}`;
  return `${target} from ${spec.source ?? '(no source)'}`;
}

// ─── Run (registry) ────────────────────────────────────────────────────────────────────────

/** `register_model`: a new version in the workspace registry or Unity Catalog (DESIGN §3). */
export const registerModel: ActionDefinition<RegisterModelSpec> = {
  type: 'register_model',
  schema: REGISTER_MODEL_SCHEMA,
  outputs: REGISTER_MODEL_OUTPUTS,
  validate: validateRegisterModel,
  describe: describeRegisterModel,
  preflight: preflightRegisterModel,
  run: runRegisterModel,
};
