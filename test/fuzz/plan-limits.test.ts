/**
 * The plan validator under hostile sizes and shapes, one case each: every plan under the 1 MB
 * limit is accepted or refused with ERR_PLAN_INVALID, in bounded time, with bounded output.
 * The two quadratic cases were found by the plan fuzzer and fixed in 3209cbd.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PlanSource } from '../../src/config/types.js';
import { PipeError } from '../../src/errors.js';
import { buildPlan, type PlanContext } from '../../src/plan/build-plan.js';
import { loadPlanText } from '../../src/plan/load-plan.js';

const SOURCE: PlanSource = { kind: 'inline', variable: 'ACTIONS', text: '' };
const CONTEXT: PlanContext = {
  bitbucket: { cloneDir: '/clone', commit: 'abc123' },
  env: { MODEL: 'a.b.c' },
};
// A linear validator handles every case below in tens of milliseconds; the bound leaves room
// for a loaded 2-core runner, not for quadratic work.
const BOUND_MS = 1_000;

function laughs(levels: number): string {
  const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i <= levels; i++)
    lines.push(
      `a${i}: &a${i} [${Array(10)
        .fill(`*a${i - 1}`)
        .join(', ')}]`,
    );
  return `${lines.join('\n')}\n`;
}

function outcome(text: string): { code: string; ms: number; detailChars: number } {
  const started = performance.now();
  try {
    buildPlan(SOURCE, text, CONTEXT);
    return { code: 'valid', ms: performance.now() - started, detailChars: 0 };
  } catch (error) {
    const ms = performance.now() - started;
    if (!(error instanceof PipeError)) throw error;
    return { code: error.code, ms, detailChars: error.details.join('\n').length };
  }
}

describe('plan validation limits', () => {
  it.each([
    {
      name: 'a 1 MB plain string value',
      text: `- run_job: {job: x, job_parameters: {a: "${'a'.repeat(1_000_000)}"}}`,
      code: 'valid',
    },
    {
      name: 'a value of 100,000 unclosed "{{"',
      text: `- run_job: {job: x, job_parameters: {a: "${'{{ '.repeat(100_000)}"}}`,
      code: 'ERR_PLAN_INVALID',
    },
    {
      name: '1,000 nested flow lists',
      text: `- run_job: ${'['.repeat(1_000)}${']'.repeat(1_000)}`,
      code: 'ERR_PLAN_INVALID',
    },
    { name: 'a billion laughs (alias expansion)', text: laughs(9), code: 'ERR_PLAN_INVALID' },
    {
      name: '5,000 valid references in one value',
      text: `- run_job: {job: x, job_parameters: {a: "${'{{ bitbucket.commit }}'.repeat(5_000)}"}}`,
      code: 'valid',
    },
    {
      name: 'a 60,000-character action key',
      text: `- ${'k'.repeat(60_000)}: {}\n`,
      code: 'ERR_PLAN_INVALID',
    },
    {
      name: '10,000 unset env references in one value (template positions were once quadratic)',
      text: `- run_job: {job: x, job_parameters: {a: "${'{{ env.X }}'.repeat(10_000)}"}}`,
      code: 'ERR_PLAN_INVALID',
    },
    {
      name: 'a 100,000-character value in an enum field (typo suggestions were once quadratic)',
      text: `- run_job: {job: x, performance_target: ${'k'.repeat(100_000)}}\n`,
      code: 'ERR_PLAN_INVALID',
    },
  ])('$name: $code within the bound', ({ text, code }) => {
    const result = outcome(text);
    expect({ code: result.code, isFast: result.ms < BOUND_MS }).toEqual({ code, isFast: true });
  });

  it('refuses a plan over the size limit before parsing it', async () => {
    const text = `- run_job: {job: "${'a'.repeat(1_100_000)}"}`;
    const source: PlanSource = { kind: 'inline', variable: 'ACTIONS', text };
    const deps = {
      cloneDir: '/clone',
      readFile: () => Promise.reject(new Error('no file is read')),
    };
    await expect(loadPlanText(source, deps)).rejects.toMatchObject({ code: 'ERR_PLAN_INVALID' });
  });

  // Nesting this deep exhausts the stack of a process already deep inside Jest (V8 may even
  // abort), so it is tried where it matters: the bundle, as the image runs it.
  it.each([
    { name: '50,000 nested block sequences', plan: `${'- '.repeat(50_000)}x` },
    {
      name: '50,000 nested flow lists',
      plan: `- run_job: ${'['.repeat(50_000)}${']'.repeat(50_000)}`,
    },
  ])('node dist/pipe.js refuses $name: exit 2, results written', async ({ plan }) => {
    const pipe = join(import.meta.dirname, '../../dist/pipe.js');
    if (!existsSync(pipe)) throw new Error('dist/pipe.js is missing: run `npm run build` first');
    const cloneDir = await mkdtemp(join(tmpdir(), 'dmp-limits-'));
    try {
      const env = {
        PATH: process.env['PATH'],
        ACTIONS: plan,
        DATABRICKS_HOST: 'https://dbc-1.cloud.databricks.com',
        BITBUCKET_CLONE_DIR: cloneDir,
      };
      const child = spawnSync(process.execPath, [pipe], { env, encoding: 'utf8', timeout: 30_000 });
      const results = JSON.parse(
        await readFile(join(cloneDir, 'databricks-ml-pipe/results.json'), 'utf8'),
      ) as { error: { code: string } };
      expect({ status: child.status, code: results.error.code }).toEqual({
        status: 2,
        code: 'ERR_PLAN_INVALID',
      });
    } finally {
      await rm(cloneDir, { recursive: true, force: true });
    }
  });
});
