import { performance } from 'node:perf_hooks';
import type { FormatDefinition, ValidateFunction } from 'ajv';
import { getAction } from '../actions/registry.js';
import { ACTION_VALIDATORS } from '../generated/action-validators.js';
import { DURATION_FORMAT, parseDurationMs } from './action-schema-parts.js';
import { describeAjvErrors, type BodyProblem } from './ajv-messages.js';
import { parseSpecProblem } from './problems.js';
import type { ActionType } from './types.js';

/** How long instantiating one action type's precompiled validator took, for DEBUG timing lines. */
export interface SchemaCompileTiming {
  type: ActionType;
  ms: number;
}

/** The ajv formats of the action schemas, by name. */
export const ACTION_FORMATS: Readonly<Record<string, FormatDefinition<string>>> = {
  [DURATION_FORMAT]: {
    type: 'string',
    validate: (text: string) => parseDurationMs(text) !== undefined,
  },
};

const validators = new Map<ActionType, ValidateFunction>();
const timings: SchemaCompileTiming[] = [];

/**
 * Returns the validator of an action type, instantiated on first use only. It is precompiled
 * from the type's schema by scripts/gen-validators.mjs (a unit test keeps it fresh).
 */
export function validatorFor(type: ActionType): ValidateFunction {
  const cached = validators.get(type);
  if (cached) return cached;
  const started = performance.now();
  const validate = ACTION_VALIDATORS[type](ACTION_FORMATS);
  timings.push({ type, ms: performance.now() - started });
  validators.set(type, validate);
  return validate;
}

/** Returns the schema compile timings of this process so far, in compile order. */
export function schemaCompileTimings(): readonly SchemaCompileTiming[] {
  return timings;
}

/**
 * Returns every problem of one action body: its JSON Schema (defaults are applied and scalars
 * coerced in place) and its definition's own `validate()`. With `allowTemplates`, a string
 * holding `{{ … }}` skips pattern/format/enum checks: its value is only known at run time.
 */
export function checkActionBody(
  type: ActionType,
  body: unknown,
  allowTemplates: boolean,
): BodyProblem[] {
  const validate = validatorFor(type);
  const problems = validate(body) ? [] : describeAjvErrors(validate.errors ?? [], allowTemplates);
  const definition = getAction(type);
  if (definition.validate && isMapping(body)) {
    const rules = (spec: Record<string, unknown>): string[] => definition.validate?.(spec) ?? [];
    for (const line of runRules(rules, body, problems.length > 0)) {
      const { path, message } = parseSpecProblem(line);
      problems.push({ path, message });
    }
  }
  return problems;
}

/**
 * Returns an action's own rule problems. The rules assume the schema's shapes (a list is a
 * list); when the schema already found a shape wrong they still run, so every problem is
 * reported at once, but a rule tripping over the wrong shape adds nothing to what the schema said.
 */
function runRules(
  rules: (body: Record<string, unknown>) => string[],
  body: Record<string, unknown>,
  hasShapeProblems: boolean,
): string[] {
  if (!hasShapeProblems) return rules(body);
  try {
    return rules(body);
  } catch {
    return [];
  }
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
