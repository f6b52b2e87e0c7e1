// The ajv compiler for the action schemas: used by scripts/gen-validators.mjs and by tests,
// never by the pipe itself, which runs the precompiled validators in src/generated/.
import { Ajv, _ } from 'ajv';
import { EXPECTED_KEYWORD } from './action-schema-parts.js';
import { ACTION_FORMATS } from './schema-validation.js';

/**
 * Returns a new Ajv instance that knows the action schemas' formats and annotations. With
 * `standalone`, it emits code for scripts/gen-validators.mjs, which precompiles every action
 * schema into src/generated/ at build time so that no ajv compiler loads when the pipe runs;
 * the emitted code reads the formats from a `formats` parameter (ACTION_FORMATS at run time).
 */
export function createActionAjv(
  options: { validateSchema?: boolean; standalone?: boolean } = {},
): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    // Defaults (wait: true, …) are filled in, and YAML scalars coerced to the declared type:
    // `epochs: 10` in job_parameters becomes "10", as DESIGN §7.7 says values are strings.
    useDefaults: true,
    coerceTypes: true,
    // Messages need the failing value and its schema (x-expected, descriptions).
    verbose: true,
    allowUnionTypes: true,
    // Checked against the meta-schema by a unit test, not on every start. Compiled at run time
    // (tests), the validators run a handful of times, so optimising them would cost more than
    // it saves; precompiled (standalone), ajv optimises at build time: 8% less code to ship.
    validateSchema: options.validateSchema ?? false,
    code: options.standalone
      ? { optimize: true, source: true, lines: true, formats: _`formats` }
      : { optimize: false },
  });
  ajv.addKeyword({ keyword: EXPECTED_KEYWORD, schemaType: 'string' });
  for (const [name, format] of Object.entries(ACTION_FORMATS)) ajv.addFormat(name, format);
  return ajv;
}
