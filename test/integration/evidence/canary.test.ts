/**
 * Canary secrets fed into every evidence input never reach any evidence output: results.json,
 * audit.jsonl, the output variables, outputs.json, or the Code Insights request bodies.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startBitbucketApiFake } from '../../../emulator/bitbucket-api.js';
import { PipeError } from '../../../src/errors.js';
import { createAuditLog } from '../../../src/evidence/audit-log.js';
import { publishCodeInsights } from '../../../src/evidence/code-insights.js';
import { writeOutputs } from '../../../src/evidence/output-variables.js';
import { createResultsWriter } from '../../../src/evidence/results-file.js';
import { Redactor } from '../../../src/log/redactor.js';
import {
  BITBUCKET,
  HOST,
  T0,
  captureLogger,
  fakeClock,
  result,
  tempDir,
} from '../../unit/evidence/support.js';

const ACCESS_TOKEN = 'canary-access-token-7Hk2pQ';
const CLIENT_SECRET = 'canary-client-secret-Zq81xW';
// A step token: JWT-shaped and, like the real one, registered the moment it is read.
const STEP_TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJjYW5hcnkifQ.Y2FuYXJ5LXNpZ25hdHVyZQ';
// An unregistered JWT must be caught by shape alone.
const STRAY_JWT = 'eyJhbGciOiJFUzI1NiJ9.eyJzdHJheSI6dHJ1ZX0.c3RyYXktc2lnbmF0dXJl';
const CANARIES = [ACCESS_TOKEN, CLIENT_SECRET, STEP_TOKEN, STRAY_JWT, 'eyJ'];

const tainted = `token ${ACCESS_TOKEN} secret ${CLIENT_SECRET} jwt ${STEP_TOKEN} other ${STRAY_JWT}`;

describe('no secret reaches the evidence', () => {
  it('masks canaries in every file and request the evidence modules write', async () => {
    const redactor = new Redactor();
    for (const secret of [ACCESS_TOKEN, CLIENT_SECRET, STEP_TOKEN]) redactor.register(secret);
    const dir = await tempDir();
    const clock = fakeClock();
    const { log } = captureLogger(redactor);
    const identity = {
      authType: 'bitbucket-oidc' as const,
      clientId: 'sp',
      claims: { iss: 'i', note: tainted },
    };

    const audit = createAuditLog(
      join(dir, 'audit.jsonl'),
      { host: HOST, bitbucket: BITBUCKET, identity },
      { clock, redactor },
    );
    await audit.record({
      action: { index: 1, id: 'train', type: 'run_job' },
      operation: 'jobs.run-now',
      target: 'job:1',
      request: {
        headers: { Authorization: `Bearer ${ACCESS_TOKEN}` },
        form: { client_secret: CLIENT_SECRET, subject_token: STEP_TOKEN },
        job_parameters: { api_key: 'plain-value', note: tainted },
      },
      result: 'failed',
      response: { echoed: tainted },
      error: { code: 'ERR_API', message: tainted },
    });

    const actions = [
      result({
        index: 1,
        id: 'train',
        status: 'failed',
        description: `run job with ${ACCESS_TOKEN}`,
        outputs: { run_id: 1, token: ACCESS_TOKEN, echo: tainted, nested: { deep: [tainted] } },
        error: { code: 'ERR_RUN_FAILED', message: tainted, hint: tainted },
      }),
    ];
    const writer = createResultsWriter({
      path: join(dir, 'results.json'),
      startedAt: T0,
      clock,
      redactor,
    });
    writer.set({ workspace: HOST, identity });
    writer.setActions(actions);
    await writer.update();
    await writer.finish({
      exitCode: 1,
      error: new PipeError('ERR_RUN_FAILED', tainted, { hint: tainted, details: [tainted] }),
    });

    await writeOutputs({
      results: actions,
      enabled: true,
      variablesPath: join(dir, 'variables'),
      sharedStorageDir: join(dir, 'shared'),
      clock,
      log,
      redactor,
    });

    const fake = await startBitbucketApiFake();
    try {
      const outcome = await publishCodeInsights(
        {
          results: actions,
          status: 'failed',
          startedAt: T0,
          finishedAt: T0 + 1,
          host: HOST,
          bitbucket: BITBUCKET,
        },
        { log, proxyUrls: [fake.url], redactor },
      );
      expect(outcome).toMatchObject({ published: true, annotations: 1 });
      const sent = fake.requests.map((r) => JSON.stringify(r.body)).join('\n');
      for (const canary of CANARIES) expect(sent).not.toContain(canary);
    } finally {
      await fake.close();
    }

    const files = [
      'audit.jsonl',
      'results.json',
      'variables',
      'shared/databricks-ml-pipe/outputs.json',
    ];
    for (const file of files) {
      const text = await readFile(join(dir, file), 'utf8');
      for (const canary of CANARIES)
        expect({ file, leaked: text.includes(canary) }).toEqual({ file, leaked: false });
    }
    // The masked records still say what happened.
    expect(await readFile(join(dir, 'variables'), 'utf8')).toBe('TRAIN_RUN_ID=1\n');
    expect(await readFile(join(dir, 'audit.jsonl'), 'utf8')).toContain(
      '"job_parameters":{"api_key":"***"',
    );
  });
});
