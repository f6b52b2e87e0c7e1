import {
  SECRET_VARIABLES,
  VARIABLE_NAMES,
  VARIABLES_SCHEMA,
  variableSchema,
} from '../../../src/config/schema.js';
import { FORMAT_PARSERS, validateVariables } from '../../../src/config/validate-variables.js';
import { createVariablesAjv } from '../../../src/config/variables-ajv.js';

describe('the variables schema', () => {
  it('defines exactly the variables of DESIGN §2, in README order', () => {
    expect(VARIABLE_NAMES).toEqual([
      'DATABRICKS_HOST',
      'DATABRICKS_AUTH_TYPE',
      'DATABRICKS_CLIENT_ID',
      'DATABRICKS_CLIENT_SECRET',
      'DATABRICKS_TOKEN',
      'AZURE_TENANT_ID',
      'AZURE_CLIENT_ID',
      'ACTIONS',
      'ACTIONS_FILE',
      'DRY_RUN',
      'WAIT_TIMEOUT',
      'RESULTS_FILE',
      'AUDIT_FILE',
      'CODE_INSIGHTS',
      'PROVENANCE_TAGS',
      'OUTPUT_VARIABLES',
      'ON_ORPHAN',
      'DEBUG',
    ]);
  });

  it('is a valid draft-07 schema that compiles in strict mode', () => {
    const ajv = createVariablesAjv({ validateSchema: true });
    expect(ajv.validateSchema(VARIABLES_SCHEMA)).toBe(true);
    expect(() => ajv.compile(VARIABLES_SCHEMA)).not.toThrow();
  });

  it('marks exactly the client secret and the token as secrets', () => {
    expect(SECRET_VARIABLES).toEqual(['DATABRICKS_CLIENT_SECRET', 'DATABRICKS_TOKEN']);
  });

  it.each(VARIABLE_NAMES.map((name) => ({ name })))(
    '$name has a description and a valid default',
    ({ name }) => {
      const schema = variableSchema(name);
      expect(schema.description).toMatch(/^\S.{10,}\.$/);
      if (schema.default === undefined) return;
      if (schema.enum !== undefined) expect(schema.enum).toContain(schema.default);
      if (schema.format !== undefined)
        expect(FORMAT_PARSERS[schema.format](schema.default).ok).toBe(true);
    },
  );

  it('applies the defaults itself', () => {
    const outcome = validateVariables({ DATABRICKS_HOST: 'https://h.example.com', ACTIONS: '[]' });
    expect(outcome).toEqual({
      ok: true,
      values: expect.objectContaining({
        DRY_RUN: 'false',
        WAIT_TIMEOUT: '1h',
        ON_ORPHAN: 'reconnect',
        DATABRICKS_AUTH_TYPE: 'auto',
      }),
    });
  });
});
