/**
 * dist/pipe.js is one file in two parts (scripts/lazy-bundle.mjs): a start that stops at
 * invalid variables must never compile the embedded lazy part, and a run must compile it once
 * and find in it everything it imports. The bundle is built here, into a temp dir, exactly as
 * scripts/build.mjs builds it; a preloaded hook reports each compile of the lazy part.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startEmulator, type Emulator } from '../../../emulator/index.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const MARK = 'lazy part compiled';

// Wraps node:vm's compileFunction (what the loader calls) to say when the lazy part compiles.
const HOOK = `
const vm = require('node:vm');
const compile = vm.compileFunction;
vm.compileFunction = function (code, params, options) {
  if (options && String(options.filename).endsWith('pipe.lazy.js')) process.stderr.write('${MARK}\\n');
  return compile.apply(this, arguments);
};
`;

interface LazyBundleModule {
  buildLazyBundle(options: {
    entry: string;
    outfile: string;
    common: Record<string, unknown>;
  }): Promise<{ lazyModules: number; shared: number; lazyBytes: number }>;
}

let dir: string;
let bundle: string;
let hook: string;
let emu: Emulator;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dmp-lazy-bundle-'));
  bundle = join(dir, 'pipe.js');
  hook = join(dir, 'hook.cjs');
  await writeFile(hook, HOOK);
  await writeFile(join(dir, 'package.json'), '{ "type": "commonjs" }\n');
  const url = pathToFileURL(join(REPO, 'scripts/lazy-bundle.mjs')).href;
  const { buildLazyBundle } = (await import(url)) as LazyBundleModule;
  const built = await buildLazyBundle({
    entry: join(REPO, 'src/index.ts'),
    outfile: bundle,
    common: {
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      sourcemap: 'linked',
      logLevel: 'silent',
      external: ['supports-color'],
      alias: { 'mime-types': join(REPO, 'scripts/stubs/mime-types.cjs') },
      minify: true,
      keepNames: true,
      plugins: [],
      absWorkingDir: REPO,
    },
  });
  expect(built.lazyModules).toBeGreaterThan(0);
  emu = await startEmulator({ issuer: false });
}, 60_000);

afterAll(async () => {
  await emu.close();
});

function runBundle(
  env: Record<string, string>,
  file = bundle,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--require', hook, file], {
      env: { PATH: process.env['PATH'] ?? '', BITBUCKET_CLONE_DIR: dir, ...env },
      cwd: dir,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

describe('dist/pipe.js, boot part and lazy part', () => {
  it('stops at invalid variables without compiling the lazy part, results written', async () => {
    const run = await runBundle({});
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('DATABRICKS_HOST: required but not set');
    expect(run.stderr).not.toContain(MARK);
    const results = JSON.parse(
      await readFile(join(dir, 'databricks-ml-pipe', 'results.json'), 'utf8'),
    ) as { status: string };
    expect(results.status).toBe('invalid');
  });

  it('compiles the lazy part once for a run that needs several of its modules', async () => {
    emu.addJob({ name: 'nightly' });
    const run = await runBundle({
      DATABRICKS_HOST: emu.url,
      DATABRICKS_TOKEN: emu.addPat(),
      ACTIONS: '- run_job: { job: nightly }\n',
      DRY_RUN: 'true',
    });
    expect(run.stdout).toContain('dry run passed');
    expect(run.code).toBe(0);
    expect(run.stderr.split('\n').filter((line) => line === MARK)).toHaveLength(1);
  });

  it('rejects an invalid plan (the lazy plan parser) with exit 2 and the YAML line', async () => {
    const run = await runBundle({
      DATABRICKS_HOST: emu.url,
      DATABRICKS_TOKEN: emu.addPat(),
      ACTIONS: '- run_job: { job: nightly }\n- run_jobb: { job: nightly }\n',
    });
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/ACTIONS:2/);
  });

  it('carries the lazy part in a comment after the code, the source-map comment last', async () => {
    const text = await readFile(bundle, 'utf8');
    const lines = text.trimEnd().split('\n');
    expect(lines.at(-1)).toBe('//# sourceMappingURL=pipe.js.map');
    expect(lines.at(-2)).toMatch(/^\/\*dmp-lazy-part:[A-Za-z0-9+/]+=*\*\/$/);
    // The loader finds it as the one line that starts with the mark.
    expect(text.split('\n').filter((line) => line.startsWith('/*dmp-lazy-part:'))).toHaveLength(1);
  });

  it('says to rebuild when the lazy part is missing, and still rejects variables without it', async () => {
    const text = await readFile(bundle, 'utf8');
    const stripped = join(dir, 'pipe-stripped.js');
    await writeFile(stripped, text.replace(/\/\*dmp-lazy-part:[^*]*\*\/\n/, ''));
    expect((await runBundle({}, stripped)).code).toBe(2);
    const run = await runBundle(
      { DATABRICKS_HOST: emu.url, DATABRICKS_TOKEN: emu.addPat(), ACTIONS: '- run_job: { job: nightly }\n', DRY_RUN: 'true' },
      stripped,
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('has lost the part it loads on demand');
    expect(run.stdout).toContain('npm run build');
  });
});

