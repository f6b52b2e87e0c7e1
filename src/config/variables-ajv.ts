// ajv for the variables schema, for tests only: it checks the schema against the draft-07
// meta-schema and is the oracle src/config/check-variables.ts is proven equal to. The pipe never
// loads it (ajv's compiler cost ~13 ms of every start, issue #9).
import { Ajv } from 'ajv';
import { FORMAT_PARSERS } from './validate-variables.js';

/** Returns a new Ajv instance that knows the variables schema's formats and annotations. */
export function createVariablesAjv(options: { validateSchema?: boolean } = {}): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    useDefaults: true,
    // `required` inside oneOf names properties declared at the root, which strict mode flags.
    strictRequired: false,
    validateSchema: options.validateSchema ?? false,
  });
  ajv.addKeyword({ keyword: 'x-secret', schemaType: 'boolean' });
  // Each format is its parser's verdict, as the pipe's own checker asks it.
  for (const [name, parse] of Object.entries(FORMAT_PARSERS)) {
    ajv.addFormat(name, { type: 'string', validate: (text: string) => parse(text).ok });
  }
  return ajv;
}
