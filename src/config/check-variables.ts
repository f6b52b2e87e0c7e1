/**
 * Checks the variables against VARIABLES_SCHEMA by reading the schema, not by running code
 * generated from it. The schema uses a handful of keywords (required, oneOf of required,
 * string properties with enum, format and default), and ajv's generated validator for it was
 * 12 KB that V8 compiled on every start, a tenth of what a rejected start may take (issue #9).
 * A unit test proves this checker equal to ajv on generated environments, and another that the
 * schema uses no keyword it does not know.
 */
import { VARIABLES_SCHEMA, type VariableFormat, type VariableSchema } from './schema.js';

/** One failed check, in the parts of ajv's ErrorObject that describing it needs. */
export interface SchemaError {
  keyword: 'required' | 'oneOf' | 'type' | 'enum' | 'format';
  /** `/NAME` for a value's error, empty for the document's. */
  instancePath: string;
  params: { missingProperty?: string | undefined };
}

/** The keywords a variable's schema may use (annotations included). */
export const KNOWN_VARIABLE_KEYWORDS: ReadonlySet<string> = new Set([
  'type',
  'description',
  'default',
  'enum',
  'format',
  'examples',
  'x-secret',
]);

/**
 * Returns every failed check of `data` (strings by name), after filling in the defaults of
 * unset variables as ajv's useDefaults does. An empty list means valid.
 */
export function checkVariables(
  data: Record<string, unknown>,
  isValidFormat: (format: VariableFormat, value: string) => boolean,
): SchemaError[] {
  const errors: SchemaError[] = [];
  for (const name of VARIABLES_SCHEMA.required) {
    if (data[name] === undefined) {
      errors.push({ keyword: 'required', instancePath: '', params: { missingProperty: name } });
    }
  }
  const passing = VARIABLES_SCHEMA.oneOf.filter((branch) =>
    branch.required.every((name) => data[name] !== undefined),
  );
  if (passing.length !== 1) errors.push({ keyword: 'oneOf', instancePath: '', params: {} });
  const properties: Readonly<Record<string, VariableSchema>> = VARIABLES_SCHEMA.properties;
  for (const [name, schema] of Object.entries(properties)) {
    const value = data[name];
    if (value === undefined) {
      // A default is valid by construction (a unit test checks each one), so it is not checked
      // again: that would parse eight values and compile their patterns at every start (#9).
      if (schema.default !== undefined) data[name] = schema.default;
      continue;
    }
    const instancePath = `/${name}`;
    if (typeof value !== 'string') {
      errors.push({ keyword: 'type', instancePath, params: {} });
      continue;
    }
    if (schema.enum !== undefined && !schema.enum.includes(value)) {
      errors.push({ keyword: 'enum', instancePath, params: {} });
    }
    if (schema.format !== undefined && !isValidFormat(schema.format, value)) {
      errors.push({ keyword: 'format', instancePath, params: {} });
    }
  }
  return errors;
}
