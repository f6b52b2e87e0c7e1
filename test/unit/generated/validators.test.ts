import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ValidateFunction } from 'ajv';
import { parseAllDocuments } from 'yaml';
import { SPEC_FILE_SCHEMA } from '../../../src/actions/jobs/prepare-submit.js';
import { ACTIONS } from '../../../src/actions/registry.js';
import {
  ACTION_VALIDATORS,
  createSpecFileValidator,
} from '../../../src/generated/action-validators.js';
import { ACTION_FORMATS } from '../../../src/plan/schema-validation.js';
import { createActionAjv } from '../../../src/plan/action-ajv.js';
import { ACTION_TYPES, type ActionType } from '../../../src/plan/types.js';

const REPO = resolve(import.meta.dirname, '../../..');
const GENERATOR = join(REPO, 'scripts/gen-validators.mjs');
const GENERATED = join(REPO, 'src/generated');

interface Run {
  code: number;
  stderr: string;
}

function generator(...args: string[]): Promise<Run> {
  return new Promise((done) => {
    execFile(process.execPath, [GENERATOR, ...args], { cwd: REPO }, (error, _stdout, stderr) => {
      done({ code: error ? Number(error.code ?? 1) : 0, stderr });
    });
  });
}

describe('scripts/gen-validators.mjs', () => {
  it('finds src/generated/ equal to a fresh generation from the schemas', async () => {
    const run = await generator('--check');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });

  it('regenerates the committed text byte for byte, and --check refuses any change', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gen-validators-'));
    try {
      expect((await generator('--out', dir)).code).toBe(0);
      const names = readdirSync(GENERATED).sort();
      expect(readdirSync(dir).sort()).toEqual(names);
      for (const name of names) {
        expect(await readFile(join(dir, name), 'utf8')).toBe(
          await readFile(join(GENERATED, name), 'utf8'),
        );
      }
      const [first = ''] = names;
      await writeFile(join(dir, first), `${await readFile(join(dir, first), 'utf8')}\n`);
      const stale = await generator('--check', '--out', dir);
      expect(stale.code).toBe(1);
      expect(stale.stderr).toContain(first);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

/** What one validation leaves behind: verdict, errors (verbose), and the data as mutated. */
function outcome(validate: ValidateFunction, data: unknown): unknown {
  const copy: unknown = structuredClone(data);
  const valid = validate(copy);
  return { valid, errors: validate.errors ?? null, data: copy };
}

// Every action body of the plan fixtures, plus shapes no fixture has.
function fixtureBodies(): Array<{ name: string; type: ActionType; body: unknown }> {
  const dir = join(REPO, 'test/fixtures/plans');
  const rows: Array<{ name: string; type: ActionType; body: unknown }> = [];
  const visit = (file: string, node: unknown): void => {
    if (Array.isArray(node)) return node.forEach((item) => visit(file, item));
    if (typeof node !== 'object' || node === null) return;
    for (const [key, value] of Object.entries(node)) {
      const type = ACTION_TYPES.find((t) => t === key);
      if (type) rows.push({ name: `${file} #${rows.length} ${type}`, type, body: value });
      visit(file, value);
    }
  };
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yml'))) {
    for (const doc of parseAllDocuments(readFileSync(join(dir, file), 'utf8'))) {
      if ('errors' in doc && doc.errors.length === 0) visit(file, doc.toJS());
    }
  }
  return rows;
}

const EXTRA_BODIES = ACTION_TYPES.flatMap((type) =>
  [null, 42, 'text', [], {}, { unknown: 1 }, { timeout: 90, wait: 'yes' }].map((body) => ({
    name: `${type} ${JSON.stringify(body)}`,
    type,
    body,
  })),
);

describe('the precompiled validators', () => {
  const compiled = new Map<ActionType, ValidateFunction>();
  const bodies = [...fixtureBodies(), ...EXTRA_BODIES];

  it('cover a body of every action type', () => {
    expect(new Set(bodies.map((b) => b.type))).toEqual(new Set(ACTION_TYPES));
  });

  it.each(bodies)('judge $name as a run-time compile does', ({ type, body }) => {
    const runtime = compiled.get(type) ?? createActionAjv().compile(ACTIONS[type].schema);
    compiled.set(type, runtime);
    expect(outcome(ACTION_VALIDATORS[type](ACTION_FORMATS), body)).toEqual(outcome(runtime, body));
  });

  it.each([
    {
      name: 'a minimal body',
      body: { tasks: [{ task_key: 't', notebook_task: { notebook_path: '/x' } }] },
    },
    { name: 'no tasks, a stray field', body: { run_name: 'r', stray: 1 } },
    { name: 'a scalar to coerce', body: { tasks: [], timeout_seconds: '60' } },
  ])('judge a spec_file with $name as a run-time compile does', ({ body }) => {
    const runtime = createActionAjv().compile(SPEC_FILE_SCHEMA);
    expect(outcome(createSpecFileValidator(ACTION_FORMATS), body)).toEqual(outcome(runtime, body));
  });
});
