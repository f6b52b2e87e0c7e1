import {
  parseMissingGrant,
  requiredGrants,
  ucPermissionError,
} from '../../../../src/actions/registry/uc-permissions.js';

describe('parseMissingGrant', () => {
  it.each([
    {
      name: 'a model privilege (MLflow client message)',
      text: "mlflow.exceptions.RestException: PERMISSION_DENIED: User does not have CREATE MODEL VERSION on Routine or Model 'ml.a.b'.",
      grant: { privilege: 'CREATE MODEL VERSION', securable: 'model', name: 'ml.a.b' },
    },
    {
      name: 'a schema privilege',
      text: "PERMISSION_DENIED: User does not have USE SCHEMA on Schema 'ml.a'.",
      grant: { privilege: 'USE SCHEMA', securable: 'schema', name: 'ml.a' },
    },
    {
      name: 'a catalog privilege without quotes',
      text: 'User does not have USE CATALOG on Catalog ml.',
      grant: { privilege: 'USE CATALOG', securable: 'catalog', name: 'ml' },
    },
    {
      name: 'the word privilege after the name',
      text: "User does not have MANAGE privilege on Model 'ml.a.b'",
      grant: { privilege: 'MANAGE', securable: 'model', name: 'ml.a.b' },
    },
    { name: 'a message naming no privilege', text: 'PERMISSION_DENIED: denied', grant: undefined },
  ])('reads $name', ({ text, grant }) => {
    expect(parseMissingGrant(text)).toEqual(grant);
  });
});

describe('ucPermissionError', () => {
  it.each([
    {
      name: 'registration',
      operation: 'register' as const,
      denial: "User does not have CREATE MODEL on Schema 'ml.churn'.",
      message: /register a version of ml\.churn\.clf: it lacks CREATE MODEL on schema ml\.churn$/,
      needs: 'needs CREATE MODEL on schema ml.churn (only while the model does not exist yet)',
    },
    {
      name: 'an alias',
      operation: 'set_alias' as const,
      denial: "User does not have MANAGE on Routine or Model 'ml.churn.clf'.",
      message:
        /set an alias on ml\.churn\.clf: it lacks MANAGE on model ml\.churn\.clf \(or ownership of it\)$/,
      needs: 'needs ownership of model ml.churn.clf, or MANAGE on it',
    },
    {
      name: 'an unparsable denial',
      operation: 'read' as const,
      denial: 'PERMISSION_DENIED: no',
      message: /read ml\.churn\.clf: PERMISSION_DENIED: no$/,
      needs: 'needs EXECUTE on model ml.churn.clf (or its ownership)',
    },
  ])(
    'names the missing grant of $name and lists what is needed',
    ({ operation, denial, message, needs }) => {
      const error = ucPermissionError(operation, 'ml.churn.clf', denial);
      expect(error.code).toBe('ERR_PERMISSION_DENIED');
      expect(error.message).toMatch(message);
      expect(error.details).toContain(needs);
      expect(error.details).toContain('needs USE CATALOG on catalog ml');
    },
  );

  it('lists four grants for a registration', () => {
    expect(requiredGrants('register', 'a.b.c')).toHaveLength(4);
  });
});
