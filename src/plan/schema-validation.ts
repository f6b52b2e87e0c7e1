import { performance } from 'node:perf_hooks';
import { Ajv, type ValidateFunction } from 'ajv';
import { getAction } from '../actions/registry.js';
import { DURATION_FORMAT, EXPECTED_KEYWORD, parseDurationMs } from './action-schema-parts.js';
import { describeAjvErrors, type BodyProblem } from './ajv-messages.js';
import { parseSpecProblem } from './problems.js';
import type { ActionType } from './types.js';

/** How long compiling one action type's schema took, for DEBUG timing lines. */
export interface SchemaCompileTiming {
  type: ActionType;
  ms: number;
}

let sharedAjv: Ajv | undefined;
const validators = new Map<ActionType, ValidateFunction>();
const timings: SchemaCompileTiming[] = [];

/** Returns a new Ajv instance that knows the action schemas' formats and annotations. */
export function createActionAjv(options: { validateSchema?: boolean } = {}): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    // Defaults (wait: true, …) are filled in, and YAML scalars coerced to the declared type:
    // `epochs: 10` in job_parameters becomes "10", as DESIGN §7.7 says values are strings.
    useDefaults: true,
    coerceTypes: true,
    // Messages need the failing value and its schema (x-expected, descriptions).
    verbose: true,
    allowUnionTypes: true,
    // Checked against the meta-schema by a unit test, not on every start; the validators run
    // a handful of times per process, so optimising their code would cost more than it saves.
    validateSchema: options.validateSchema ?? false,
    code: { optimize: false },
  });
  ajv.addKeyword({ keyword: EXPECTED_KEYWORD, schemaType: 'string' });
  ajv.addFormat(DURATION_FORMAT, {
    type: 'string',
    validate: (text: string) => parseDurationMs(text) !== undefined,
  });
  return ajv;
}

/** Returns the compiled validator of an action type, compiling it on first use only. */
export function validatorFor(type: ActionType): ValidateFunction {
  const cached = validators.get(type);
  if (cached) return cached;
  sharedAjv ??= createActionAjv();
  const started = performance.now();
  const validate = sharedAjv.compile(getAction(type).schema);
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
    for (const line of definition.validate(body)) {
      const { path, message } = parseSpecProblem(line);
      problems.push({ path, message });
    }
  }
  return problems;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
