import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PlanSource } from '../../../src/config/types.js';
import { PipeError } from '../../../src/errors.js';
import { loadPlan } from '../../../src/plan/build-plan.js';
import { loadPlanText, MAX_PLAN_BYTES } from '../../../src/plan/load-plan.js';
import { CONTEXT, fileSource } from './plan-kit.js';

const CLONE_DIR = '/clone';

/** A readFile that fails like Node.js does, with the given errno code. */
function failingRead(code: string) {
  return (): Promise<string> =>
    Promise.reject(Object.assign(new Error(`${code}: simulated`), { code }));
}

/** A readFile that records the paths it was asked for and answers with `# <path>`. */
function recordingRead(): { readFile: (path: string) => Promise<string>; paths: string[] } {
  const paths: string[] = [];
  return { paths, readFile: (path) => (paths.push(path), Promise.resolve(`# ${path}`)) };
}

async function rejection(promise: Promise<unknown>): Promise<PipeError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof PipeError) return error;
    throw error;
  }
  throw new Error('expected a PipeError');
}

describe('loadPlanText', () => {
  it('returns inline ACTIONS as given, without reading any file', async () => {
    const { readFile, paths } = recordingRead();
    const source: PlanSource = { kind: 'inline', variable: 'ACTIONS', text: '- run_job: {job: 1}' };
    await expect(loadPlanText(source, { readFile, cloneDir: CLONE_DIR })).resolves.toBe(
      '- run_job: {job: 1}',
    );
    expect(paths).toEqual([]);
  });

  it('reads ACTIONS_FILE relative to the clone dir', async () => {
    const { readFile, paths } = recordingRead();
    const text = await loadPlanText(fileSource('.databricks/release.yml'), {
      readFile,
      cloneDir: CLONE_DIR,
    });
    expect(paths).toEqual(['/clone/.databricks/release.yml']);
    expect(text).toBe('# /clone/.databricks/release.yml');
  });

  it.each([
    { name: 'missing file', code: 'ENOENT', reason: /does not exist/ },
    { name: 'unreadable file', code: 'EACCES', reason: /permission denied/ },
    { name: 'directory', code: 'EISDIR', reason: /is a directory/ },
    { name: 'other read error', code: 'EIO', reason: /cannot be read \(EIO\)/ },
  ])('refuses ($name), naming ACTIONS_FILE and the path', async ({ code, reason }) => {
    const error = await rejection(
      loadPlanText(fileSource('ci/plan.yml'), { readFile: failingRead(code), cloneDir: CLONE_DIR }),
    );
    expect(error.code).toBe('ERR_PLAN_INVALID');
    expect(error.message).toMatch(/^ACTIONS_FILE ci\/plan\.yml /);
    expect(error.message).toMatch(reason);
    expect(error.hint).toContain('/clone/ci/plan.yml');
  });

  it.each([
    { name: 'a parent path', path: '../secrets/plan.yml' },
    { name: 'an absolute path elsewhere', path: '/etc/passwd' },
    { name: 'a path that climbs out after descending', path: 'ci/../../plan.yml' },
  ])('refuses $name outside the clone dir without reading it', async ({ path }) => {
    const { readFile, paths } = recordingRead();
    const error = await rejection(
      loadPlanText(fileSource(path), { readFile, cloneDir: CLONE_DIR }),
    );
    expect(error.code).toBe('ERR_PLAN_INVALID');
    expect(error.message).toContain('outside the clone dir');
    expect(paths).toEqual([]);
  });

  it('refuses a plan larger than the limit', async () => {
    const source: PlanSource = {
      kind: 'inline',
      variable: 'ACTIONS',
      text: 'x'.repeat(MAX_PLAN_BYTES + 1),
    };
    const error = await rejection(
      loadPlanText(source, { readFile: failingRead('ENOENT'), cloneDir: CLONE_DIR }),
    );
    expect(error.code).toBe('ERR_PLAN_INVALID');
    expect(error.message).toMatch(/^ACTIONS is \d+ bytes/);
  });
});

describe('loadPlan', () => {
  it('reads, parses and validates a real file from the clone dir', async () => {
    const cloneDir = mkdtempSync(join(tmpdir(), 'plan-'));
    mkdirSync(join(cloneDir, '.databricks'));
    writeFileSync(
      join(cloneDir, '.databricks/release.yml'),
      '- id: train\n  run_job: {job: churn}\n',
    );
    const readText = (path: string): Promise<string> => readFile(path, 'utf8');
    const plan = await loadPlan(fileSource('.databricks/release.yml'), {
      ...CONTEXT,
      readFile: readText,
      cloneDir,
    });
    expect(plan.source).toBe('.databricks/release.yml');
    expect(plan.actions.map((a) => a.id)).toEqual(['train']);
  });

  it('names the file in every problem', async () => {
    const readText = (): Promise<string> => Promise.resolve('- run_jobb: {}');
    const error = await rejection(
      loadPlan(fileSource('release.yml'), { ...CONTEXT, readFile: readText, cloneDir: CLONE_DIR }),
    );
    expect(error.details[0]).toMatch(/^release\.yml:1:3 /);
  });
});
