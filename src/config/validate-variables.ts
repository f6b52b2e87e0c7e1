import { checkVariables, type SchemaError } from './check-variables.js';
import { parseHost } from './host.js';
import {
  parseBoolean,
  parseDuration,
  parsePath,
  parseSecret,
  quote,
  type ParseResult,
} from './parsers.js';
import {
  PLAN_SOURCE_VARIABLES,
  VARIABLE_NAMES,
  isVariableName,
  variableSchema,
  type VariableFormat,
  type VariableName,
} from './schema.js';
import { closestMatch } from './suggest.js';

/** The parser behind each `format` of the variables schema. */
export const FORMAT_PARSERS: Record<VariableFormat, (text: string) => ParseResult<unknown>> = {
  'pipe-boolean': parseBoolean,
  'pipe-duration': parseDuration,
  'pipe-host': parseHost,
  'pipe-path': parsePath,
  'pipe-secret': parseSecret,
};

/** The set variables with defaults applied, or every problem found. */
export type VariablesOutcome =
  | { ok: true; values: Readonly<Partial<Record<VariableName, string>>> }
  | { ok: false; problems: string[] };

/** Unknown variable names that look like typos of a pipe variable, by the variable they miss. */
export type TypoIndex = ReadonlyMap<VariableName, string>;

/**
 * Returns the variables with defaults applied when all are valid, else one line per problem,
 * each naming the variable, what is wrong and what would be valid; secret values never appear.
 * `input` holds only set variables; `typos` lets a missing variable point at its likely typo.
 */
export function validateVariables(
  input: Readonly<Partial<Record<VariableName, string>>>,
  typos: TypoIndex = new Map(),
): VariablesOutcome {
  const data: Record<string, string> = { ...input };
  const errors = checkVariables(data, (format, value) => FORMAT_PARSERS[format](value).ok);
  if (errors.length === 0) return { ok: true, values: data };
  const problems = errors.flatMap((error) => describeError(error, data, typos));
  return { ok: false, problems: orderProblems(problems) };
}

interface Problem {
  /** Problems are listed in the schema's variable order. */
  order: number;
  text: string;
}

function problem(variable: string, text: string): Problem {
  const order = isVariableName(variable) ? VARIABLE_NAMES.indexOf(variable) : VARIABLE_NAMES.length;
  return { order, text: `${variable}: ${text}` };
}

function describeError(
  error: SchemaError,
  data: Record<string, string>,
  typos: TypoIndex,
): Problem[] {
  if (error.keyword === 'oneOf') return [planSourceProblem(data, typos)];
  if (error.keyword === 'required') {
    const name = String(error.params['missingProperty']);
    return isVariableName(name) ? [missingProblem(name, typos)] : [];
  }
  const name = error.instancePath.slice(1);
  if (!isVariableName(name)) return [problem(name, 'is invalid')];
  return [problem(name, valueProblem(name, error, data[name] ?? ''))];
}

function valueProblem(name: VariableName, error: SchemaError, value: string): string {
  const schema = variableSchema(name);
  if (error.keyword === 'format' && schema.format !== undefined) {
    const outcome = FORMAT_PARSERS[schema.format](value);
    if (!outcome.ok) return outcome.problem;
  }
  if (error.keyword === 'enum' && schema.enum !== undefined) {
    const suggestion = closestMatch(value, schema.enum);
    const valid = `use one of ${schema.enum.join(', ')}`;
    return `${quote(value)} is not valid; ${suggestion === undefined ? valid : `did you mean ${suggestion}? (${valid})`}`;
  }
  const shown = schema['x-secret'] === true ? '(value hidden)' : quote(value);
  return `${shown} ${error.keyword === 'type' ? 'is not a string' : 'is invalid'}`;
}

function missingProblem(name: VariableName, typos: TypoIndex): Problem {
  const example = variableSchema(name).examples?.[0];
  const text =
    `required but not set${typoNote([name], typos)}` +
    (example === undefined ? '' : `; set it, e.g. ${example}`);
  return problem(name, text);
}

function planSourceProblem(data: Record<string, string>, typos: TypoIndex): Problem {
  const [inline, file] = PLAN_SOURCE_VARIABLES;
  const isBothSet = data[inline] !== undefined && data[file] !== undefined;
  const state = isBothSet
    ? 'both are set'
    : `neither is set${typoNote(PLAN_SOURCE_VARIABLES, typos)}`;
  const text =
    `${state}; set exactly one: ${inline} (the plan as YAML text) ` +
    `or ${file} (the path of a YAML file holding it)`;
  return { ...problem(inline, text), text: `${inline}, ${file}: ${text}` };
}

function typoNote(names: readonly VariableName[], typos: TypoIndex): string {
  const found = names.flatMap((name) => typos.get(name) ?? []);
  return found.length === 0
    ? ''
    : ` (${found.join(', ')} ${found.length === 1 ? 'is' : 'are'} set: a typo?)`;
}

function orderProblems(problems: readonly Problem[]): string[] {
  const sorted = [...problems].sort((a, b) => a.order - b.order);
  return [...new Set(sorted.map((p) => p.text))];
}
