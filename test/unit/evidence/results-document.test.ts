import { readFile } from 'node:fs/promises';
import { PipeError, exitCodeFor, type ExitCode } from '../../../src/errors.js';
import {
  buildResultsDocument,
  runStatusFor,
  type ResultsState,
} from '../../../src/evidence/results-document.js';
import { ACTION_TYPES } from '../../../src/plan/types.js';
import { HOST, T0, result, schemaValidator } from './support.js';

const state = (overrides: Partial<ResultsState> = {}): ResultsState => ({
  startedAt: T0,
  workspace: HOST,
  commit: 'abc123',
  actions: [],
  ...overrides,
});

describe('runStatusFor', () => {
  it.each([
    { name: 'success', exitCode: 0, error: undefined, dryRun: false, status: 'succeeded' },
    { name: 'dry run passed', exitCode: 0, error: undefined, dryRun: true, status: 'dry_run' },
    {
      name: 'action failed',
      exitCode: 1,
      error: new PipeError('ERR_RUN_FAILED', 'x'),
      dryRun: false,
      status: 'failed',
    },
    {
      name: 'timeout',
      exitCode: 1,
      error: new PipeError('ERR_TIMEOUT', 'x'),
      dryRun: false,
      status: 'timed_out',
    },
    {
      name: 'SIGTERM',
      exitCode: 1,
      error: new PipeError('ERR_CANCELLED', 'x'),
      dryRun: false,
      status: 'cancelled',
    },
    {
      name: 'invalid plan',
      exitCode: 2,
      error: new PipeError('ERR_PLAN_INVALID', 'x'),
      dryRun: false,
      status: 'invalid',
    },
    {
      name: 'dry run rejected',
      exitCode: 2,
      error: new PipeError('ERR_PLAN_UNRESOLVED', 'x'),
      dryRun: true,
      status: 'invalid',
    },
    {
      name: 'auth refused',
      exitCode: 3,
      error: new PipeError('ERR_TOKEN_EXCHANGE_REJECTED', 'x'),
      dryRun: false,
      status: 'failed',
    },
    {
      name: 'internal error',
      exitCode: 1,
      error: new Error('boom'),
      dryRun: false,
      status: 'failed',
    },
  ] as const)('$name → $status', ({ exitCode, error, dryRun, status }) => {
    expect(runStatusFor(exitCode, error, dryRun)).toBe(status);
  });
});

describe('buildResultsDocument', () => {
  it('is `running` with no exit code until an outcome is given', () => {
    const doc = buildResultsDocument(state({ actions: [result({ index: 1 })] }));
    expect(doc).toMatchObject({
      status: 'running',
      exit_code: null,
      finished_at: null,
      error: null,
    });
    expect(doc.actions[0]).toMatchObject({ id: null, error: null, started_at: null });
  });

  it('records the deciding error, its hint and details, and the identity without secrets', () => {
    const error = new PipeError('ERR_CONFIG_INVALID', 'invalid variables', {
      hint: 'fix them',
      details: ['DATABRICKS_HOST: required'],
    });
    const doc = buildResultsDocument(
      state({
        identity: { authType: 'bitbucket-oidc', claims: { iss: 'i' }, subjectTokenExpiresAt: T0 },
      }),
      T0 + 5,
      { exitCode: exitCodeFor(error), error },
    );
    expect(doc).toMatchObject({
      status: 'invalid',
      exit_code: 2,
      error: {
        code: 'ERR_CONFIG_INVALID',
        hint: 'fix them',
        details: ['DATABRICKS_HOST: required'],
      },
      identity: {
        auth_type: 'bitbucket-oidc',
        client_id: null,
        claims: { iss: 'i' },
        subject_token_expires_at: new Date(T0).toISOString(),
      },
    });
  });

  const exitPaths: {
    name: string;
    exitCode: ExitCode;
    error?: unknown;
    dryRun?: boolean;
    bare?: boolean;
    s?: Partial<ResultsState>;
  }[] = [
    {
      name: 'success',
      exitCode: 0,
      s: {
        actions: [
          result({
            index: 1,
            id: 'train',
            started_at: new Date(T0).toISOString(),
            finished_at: new Date(T0 + 9).toISOString(),
          }),
        ],
      },
    },
    {
      name: 'dry run',
      exitCode: 0,
      dryRun: true,
      s: { actions: [result({ index: 1, status: 'planned' })] },
    },
    {
      name: 'failure',
      exitCode: 1,
      error: new PipeError('ERR_RUN_FAILED', 'run failed'),
      s: {
        actions: [
          result({
            index: 1,
            status: 'failed',
            error: { code: 'ERR_RUN_FAILED', message: 'run failed' },
          }),
          result({ index: 2, status: 'skipped' }),
        ],
      },
    },
    {
      name: 'invalid config (nothing known)',
      exitCode: 2,
      error: new PipeError('ERR_CONFIG_INVALID', 'bad'),
      bare: true,
    },
    { name: 'internal error', exitCode: 1, error: new TypeError('x is undefined') },
    { name: 'auth failure', exitCode: 3, error: new PipeError('ERR_UNAUTHENTICATED', 'no') },
  ];

  it.each(exitPaths)(
    'is schema-valid on the $name path',
    async ({ exitCode, error, dryRun, bare, s }) => {
      const validate = await schemaValidator('results');
      const base = bare ? { startedAt: T0, actions: [] } : state({ ...s, dryRun: dryRun ?? false });
      const doc = buildResultsDocument(base, T0 + 1000, { exitCode, error });
      const roundTripped: unknown = JSON.parse(JSON.stringify(doc));
      expect(validate(roundTripped) ? [] : validate.errors).toEqual([]);
    },
  );

  it('is schema-valid while running', async () => {
    const validate = await schemaValidator('results');
    const doc = buildResultsDocument(
      state({
        actions: [result({ index: 1, status: 'planned', started_at: new Date(T0).toISOString() })],
      }),
    );
    expect(validate(JSON.parse(JSON.stringify(doc))) ? [] : validate.errors).toEqual([]);
  });

  it.each([
    {
      name: 'succeeded with an error',
      patch: { status: 'succeeded', error: { code: 'ERR_API', message: 'x' } },
    },
    { name: 'exit 1 without an error', patch: { status: 'failed', exit_code: 1, error: null } },
    { name: 'finished but no exit code', patch: { status: 'failed', exit_code: null } },
    { name: 'an unknown status', patch: { status: 'done' } },
    { name: 'an extra top-level key', patch: { extra: true } },
  ])('the schema rejects $name', async ({ patch }) => {
    const validate = await schemaValidator('results');
    const doc = { ...buildResultsDocument(state(), T0, { exitCode: 0 }), ...patch };
    expect(validate(doc)).toBe(false);
  });

  it('publishes exactly the plan action types in the schema', async () => {
    const schema = JSON.parse(
      await readFile(new URL('../../../schemas/results.schema.json', import.meta.url), 'utf8'),
    ) as {
      definitions: { action: { properties: { type: { enum: string[] } } } };
    };
    expect(schema.definitions.action.properties.type.enum).toEqual([...ACTION_TYPES]);
  });
});
