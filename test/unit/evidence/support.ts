import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { Clock } from '../../../src/clock.js';
import type { BitbucketContext } from '../../../src/config/types.js';
import { createLogger, type Logger } from '../../../src/log/logger.js';
import { Redactor } from '../../../src/log/redactor.js';
import type { ActionResult } from '../../../src/runner/types.js';
import { CaptureStream } from '../../support/capture.js';

export const T0 = Date.parse('2025-03-01T10:00:00.000Z');

/** A clock whose time moves only when told (or by the amount a sleep asks for). */
export function fakeClock(start = T0): Clock & { advance(ms: number): void } {
  let now = start;
  return {
    now: () => now,
    random: () => 0.5,
    sleep: (ms) => {
      now += ms;
      return Promise.resolve();
    },
    advance: (ms) => {
      now += ms;
    },
  };
}

/** A real logger writing into a capture stream, with its own redactor. */
export function captureLogger(redactor = new Redactor()): {
  log: Logger;
  out: CaptureStream;
  redactor: Redactor;
} {
  const out = new CaptureStream();
  return { log: createLogger({ stream: out, redactor }), out, redactor };
}

export function tempDir(prefix = 'evidence-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export const BITBUCKET: BitbucketContext = {
  commit: '0123456789abcdef0123456789abcdef01234567',
  branch: 'main',
  repoFullName: 'acme/churn',
  repoSlug: 'churn',
  workspace: 'acme',
  buildNumber: '42',
  pipelineUuid: '{11111111-2222-3333-4444-555555555555}',
  stepUuid: '{66666666-7777-8888-9999-000000000000}',
  deploymentEnvironment: 'production',
  gitHttpOrigin: 'https://bitbucket.org/acme/churn',
  cloneDir: '/build',
};

export const HOST = 'https://dbc-1234abcd-5678.cloud.databricks.com';

export function result(
  overrides: Partial<ActionResult> & Pick<ActionResult, 'index'>,
): ActionResult {
  return {
    type: 'run_job',
    status: 'succeeded',
    description: `action ${overrides.index}`,
    outputs: {},
    ...overrides,
  };
}

/** Returns a validator for one of the published schemas (schemas/*.schema.json). */
export async function schemaValidator(name: 'results' | 'audit-record'): Promise<ValidateFunction> {
  const text = await readFile(
    new URL(`../../../schemas/${name}.schema.json`, import.meta.url),
    'utf8',
  );
  const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false });
  // ajv-formats is CommonJS: under NodeNext its default export sits on `.default`.
  addFormats.default(ajv);
  return ajv.compile(JSON.parse(text) as object);
}
