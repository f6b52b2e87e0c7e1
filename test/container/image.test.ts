import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  REPO_ROOT,
  IMAGE_INPUTS,
  baseImageRef,
  filesOf,
  dockerfileHistoryBytes,
  inspectImage,
  layerBudget,
} from './support/docker.js';
import { docker, describeWithDocker } from './support/gate.js';
import { pipeImage, type PipeImage } from './support/pipe-image.js';
import { runInContainer } from './support/run-pipe.js';

const BUILD_TIMEOUT_MS = 600_000;
/** Issue #8: the pipe's own layers (everything above the base image) stay within 5 MB, in Docker's units. */
const PIPE_LAYERS_BUDGET_BYTES = 5_000_000;
const EXPECTED_ROOT_ADDITIONS = ['LICENSE', 'README.md', 'pipe', 'pipe.yml'];

/** Returns what /pipe must hold: the bundle files (dist/…) and the entry script, nothing else. */
function expectedPipeDir(): string[] {
  const bundle = IMAGE_INPUTS.filter((input) => input.startsWith('dist/')).flatMap(filesOf);
  return [...bundle.map((file) => file.slice('dist/'.length)), 'entry.mjs'].sort();
}

// Lists / and every file under /pipe from inside an image, with only node (the base images
// share no shell tools).
const LIST_SCRIPT = `const fs=require('fs');const walk=(d,p='')=>fs.readdirSync(d,{withFileTypes:true}).flatMap(e=>e.isDirectory()?walk(d+'/'+e.name,p+e.name+'/'):[p+e.name]);console.log(JSON.stringify({root:fs.readdirSync('/').sort(),pipe:fs.existsSync('/pipe')?walk('/pipe').sort():[]}))`;

async function listImage(image: string): Promise<{ root: string[]; pipe: string[] }> {
  const run = await runInContainer({
    image,
    env: {},
    cloneDir: '/tmp',
    entrypoint: ['node'],
    command: ['-e', LIST_SCRIPT],
  });
  expect(run).toMatchObject({ exitCode: 0, stderr: '' });
  return JSON.parse(run.stdout) as { root: string[]; pipe: string[] };
}

/** Returns the npm packages in the bundle, from the `sources` of every source map it ships. */
function bundledPackages(): string[] {
  const maps = IMAGE_INPUTS.flatMap(filesOf).filter((file) => file.endsWith('.js.map'));
  const names = maps.flatMap((file) => {
    const { sources } = JSON.parse(readFileSync(resolve(REPO_ROOT, file), 'utf8')) as {
      sources: string[];
    };
    return sources.map((source) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(source)?.[1]);
  });
  return [...new Set(names.filter((name): name is string => name !== undefined))].sort();
}

describeWithDocker('pipe image', () => {
  it('has a Docker engine to build and run it', () => {
    expect(docker).toMatchObject({ ok: true });
  });

  it('finds its base image locally before any build, so a build never pulls', async () => {
    const base = baseImageRef();
    expect({ base, present: (await inspectImage(base)) !== undefined }).toEqual({
      base,
      present: true,
    });
  });

  it('copies only what .dockerignore lets in, and the Dockerfile has no RUN or ADD', () => {
    const ignore = readFileSync(resolve(REPO_ROOT, '.dockerignore'), 'utf8');
    const allowed = [...ignore.matchAll(/^!(.+)$/gm)].map((m) => m[1]).sort();
    expect(allowed).toEqual(
      IMAGE_INPUTS.filter((f) => f !== 'Dockerfile' && f !== '.dockerignore').sort(),
    );
    const dockerfile = readFileSync(resolve(REPO_ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^ARG BASE_IMAGE=node:\d+-slim$/m);
    expect(dockerfile.match(/^\s*(RUN|ADD)\b.*$/gm) ?? []).toEqual([]);
  });

  describe('built from the Dockerfile', () => {
    let image: PipeImage;
    beforeAll(async () => {
      image = await pipeImage();
    }, BUILD_TIMEOUT_MS);

    it('starts through an exec-form entry point that loads the bundle', async () => {
      const config = (await inspectImage(image.tag))?.Config;
      expect(config?.Entrypoint).toEqual(['node', '/pipe/entry.mjs']);
      expect(config?.Cmd ?? []).toEqual([]);
      expect(config?.Env).toContain('NODE_ENV=production');
    });

    it('adds only the bundle, its entry script, pipe.yml, README.md and LICENSE to the base', async () => {
      const [ours, theirs] = await Promise.all([listImage(image.tag), listImage(image.base)]);
      expect(ours.root.filter((entry) => !theirs.root.includes(entry))).toEqual(
        EXPECTED_ROOT_ADDITIONS,
      );
      expect(ours.pipe).toEqual(expectedPipeDir());
    });

    it('bundles no dev dependency', () => {
      const lock = JSON.parse(readFileSync(resolve(REPO_ROOT, 'package-lock.json'), 'utf8')) as {
        packages: Record<string, { dev?: boolean }>;
      };
      const bundled = bundledPackages();
      expect(bundled.length).toBeGreaterThan(0);
      expect(bundled.filter((name) => lock.packages[`node_modules/${name}`]?.dev === true)).toEqual(
        [],
      );
    });

    it('ships the pipe as one file: dist/pipe.js requires nothing from beside it', () => {
      const text = readFileSync(resolve(REPO_ROOT, 'dist', 'pipe.js'), 'utf8');
      expect(text).not.toMatch(/require\(["']\.\.?\//);
      expect(expectedPipeDir().filter((file) => file.endsWith('.js'))).toEqual(['pipe.js']);
    });

    it('keeps the pipe layers within the 5 MB budget', async () => {
      const budget = await layerBudget(image.tag, image.base);
      const history = await dockerfileHistoryBytes(image.tag, image.base);
      console.log(
        `image budget: pipe layers ${(budget.pipeLayersBytes / 1e6).toFixed(2)} MB in ${budget.pipeLayers} layers ` +
          `(budget ${PIPE_LAYERS_BUDGET_BYTES / 1e6} MB), image ${(budget.imageBytes / 1e6).toFixed(1)} MB`,
      );
      expect(budget.pipeLayersBytes).toBe(history);
      expect(budget.pipeLayersBytes).toBeLessThanOrEqual(PIPE_LAYERS_BUDGET_BYTES);
    });
  });
});
