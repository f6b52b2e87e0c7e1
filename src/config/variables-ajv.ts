// The ajv compiler for the variables schema: used by scripts/gen-validators.mjs and by tests,
// never by the pipe itself, which runs the precompiled validator in src/generated/ (loading
// ajv's compiler cost ~13 ms of every start, issue #9).
import { Ajv, _ } from 'ajv';
import { VARIABLE_FORMATS } from './validate-variables.js';

/**
 * Returns a new Ajv instance that knows the variables schema's formats and annotations. With
 * `standalone`, it emits code for scripts/gen-validators.mjs, which precompiles the schema into
 * src/generated/ at build time so that no ajv compiler loads when the pipe starts; the emitted
 * code reads the formats from a `formats` parameter (VARIABLE_FORMATS at run time).
 */
export function createVariablesAjv(
  options: { validateSchema?: boolean; standalone?: boolean } = {},
): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    messages: false,
    useDefaults: true,
    // `required` inside oneOf names properties declared at the root, which strict mode flags.
    strictRequired: false,
    // The schema is checked against the draft-07 meta-schema by a unit test and by the
    // generator. Optimising the code costs nothing at run time when it is precompiled (and
    // makes what every start parses 1 KB smaller); compiled at run time, it would be waste.
    validateSchema: options.validateSchema ?? false,
    code: options.standalone
      ? { optimize: true, source: true, lines: true, formats: _`formats` }
      : { optimize: false },
  });
  ajv.addKeyword({ keyword: 'x-secret', schemaType: 'boolean' });
  for (const [name, format] of Object.entries(VARIABLE_FORMATS)) ajv.addFormat(name, format);
  return ajv;
}
