import type { ErrorObject } from 'ajv';
import fc from 'fast-check';
import {
  KNOWN_VARIABLE_KEYWORDS,
  checkVariables,
  type SchemaError,
} from '../../../src/config/check-variables.js';
import { VARIABLE_NAMES, VARIABLES_SCHEMA, variableSchema } from '../../../src/config/schema.js';
import { FORMAT_PARSERS } from '../../../src/config/validate-variables.js';
import { createVariablesAjv } from '../../../src/config/variables-ajv.js';

// ajv, compiled at run time from the same schema, is the oracle the checker must agree with.
const ajvValidate = createVariablesAjv().compile(VARIABLES_SCHEMA);

interface Verdict {
  valid: boolean;
  /** The data after defaults were filled in. */
  data: Record<string, unknown>;
  /** Each failed check as `keyword path missing-property`, sorted. */
  errors: string[];
}

const key = (e: Pick<SchemaError, 'keyword' | 'instancePath' | 'params'>): string =>
  `${e.keyword} ${e.instancePath} ${e.params.missingProperty ?? ''}`;

function byAjv(input: Record<string, unknown>): Verdict {
  const data = structuredClone(input);
  const valid = ajvValidate(data);
  // The branches of oneOf report their own `required` errors; the oneOf error stands for them.
  const errors = (ajvValidate.errors ?? [])
    .filter((e: ErrorObject) => !e.schemaPath.startsWith('#/oneOf/'))
    .map((e: ErrorObject) =>
      key({
        keyword: e.keyword as SchemaError['keyword'],
        instancePath: e.instancePath,
        params: { missingProperty: (e.params as { missingProperty?: string }).missingProperty },
      }),
    );
  return { valid, data, errors: errors.sort() };
}

function byChecker(input: Record<string, unknown>): Verdict {
  const data = structuredClone(input);
  const errors = checkVariables(data, (format, value) => FORMAT_PARSERS[format](value).ok);
  return { valid: errors.length === 0, data, errors: errors.map(key).sort() };
}

// For each variable: a valid value, an invalid one, or something arbitrary.
function valuesOf(name: (typeof VARIABLE_NAMES)[number]): fc.Arbitrary<string> {
  const schema = variableSchema(name);
  const samples = [
    ...(schema.enum ?? []),
    ...(schema.examples ?? []),
    ...(schema.default === undefined ? [] : [schema.default]),
    'yes',
    '30m',
    'https://dbc-1.cloud.databricks.com',
    'plan.yml',
    '../outside.yml',
    ' ',
    'maybe',
  ];
  return fc.oneof(fc.constantFrom(...samples), fc.string({ maxLength: 12 }));
}

const environments = fc.record(
  Object.fromEntries(VARIABLE_NAMES.map((name) => [name, valuesOf(name)])),
  { requiredKeys: [] },
);

describe('checkVariables', () => {
  it('agrees with ajv on generated environments: verdict, defaults and every failed check', () => {
    fc.assert(
      fc.property(environments, (env) => {
        expect(byChecker(env)).toEqual(byAjv(env));
      }),
      { numRuns: 3000 },
    );
  });

  it.each([
    { name: 'nothing set', env: {} },
    {
      name: 'the minimum',
      env: { DATABRICKS_HOST: 'https://dbc-1.cloud.databricks.com', ACTIONS: '[]' },
    },
    {
      name: 'both plan sources',
      env: { DATABRICKS_HOST: 'https://h.example.com', ACTIONS: '[]', ACTIONS_FILE: 'a' },
    },
    { name: 'a value that is not a string', env: { DATABRICKS_HOST: 42, ACTIONS: '[]' } },
  ])('agrees with ajv for $name', ({ env }) => {
    expect(byChecker(env)).toEqual(byAjv(env));
  });

  it('knows every keyword the variables schema uses (the checker would ignore others)', () => {
    const root = Object.keys(VARIABLES_SCHEMA).filter(
      (k) => !['$schema', '$id', 'title', 'type', 'required', 'oneOf', 'properties'].includes(k),
    );
    expect(root).toEqual([]);
    expect(
      VARIABLES_SCHEMA.oneOf.every((branch) => Object.keys(branch).join() === 'required'),
    ).toBe(true);
    const used = new Set(VARIABLE_NAMES.flatMap((name) => Object.keys(variableSchema(name))));
    expect([...used].filter((k) => !KNOWN_VARIABLE_KEYWORDS.has(k))).toEqual([]);
    expect(new Set(VARIABLE_NAMES.map((name) => variableSchema(name).type))).toEqual(
      new Set(['string']),
    );
  });

  it('fills in defaults unchecked, so every default must pass its own enum and format', () => {
    for (const name of VARIABLE_NAMES) {
      const schema = variableSchema(name);
      if (schema.default === undefined) continue;
      if (schema.enum !== undefined) expect(schema.enum).toContain(schema.default);
      if (schema.format !== undefined) {
        expect({ name, ok: FORMAT_PARSERS[schema.format](schema.default).ok }).toEqual({ name, ok: true });
      }
    }
  });
});

