import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

// testcontainers reads these when it first talks to the engine: no reaper container (it would
// need a pull) and no gateway probe (it would start an alpine container).
process.env['TESTCONTAINERS_RYUK_DISABLED'] ??= 'true';
process.env['TESTCONTAINERS_HOST_OVERRIDE'] ??= 'localhost';

const run = promisify(execFile);

/** The repository root (the Docker build context). */
export const REPO_ROOT = resolve(import.meta.dirname, '../../..');
/** The Dockerfile's own default, used only when it already exists locally. */
export const DOCKERFILE_DEFAULT_BASE = 'node:22-slim';
/** Repository of the images the suite builds; the tag is a hash of everything that goes in. */
export const TEST_IMAGE_REPOSITORY = 'databricks-ml-pipe';
/**
 * What the Dockerfile copies, relative to the repository (a trailing `/` is a directory); a
 * test keeps it equal to .dockerignore's allow-list.
 */
export const IMAGE_INPUTS = [
  'Dockerfile',
  '.dockerignore',
  'dist/package.json',
  'dist/pipe.js',
  'dist/pipe.js.map',
  'dist/pipe.lazy.js.map',
  'scripts/container-entry.mjs',
  'pipe.yml',
  'README.md',
  'LICENSE',
] as const;

const START_DOCKER = resolve(REPO_ROOT, '../shared/tools/start-docker.sh');
const DOCKER_TIMEOUT_MS = 15_000;

export type DockerProbe = { ok: true; version: string } | { ok: false; reason: string };

/** Returns true when CI=true (or 1/yes): a missing engine then fails instead of skipping. */
export function isCi(env: NodeJS.ProcessEnv = process.env): boolean {
  return /^(true|1|yes)$/i.test(env['CI'] ?? '');
}

/** Set by the container suite's global setup so every file shares one probe and one notice. */
export const PROBE_ENV = 'DMP_CONTAINER_DOCKER_PROBE';

/** Prints the one notice that the container suite is skipped (never under CI, where it fails). */
export function warnWhenSkipping(probe: DockerProbe): void {
  if (probe.ok || isCi()) return;
  console.warn(
    `container suite SKIPPED: no Docker engine (${probe.reason}). ` +
      'Start one (see .ci/run) to test the image; with CI=true this is a failure instead.',
  );
}

/** Returns whether a Docker engine answers, with its version or why not. */
export function probeDocker(): DockerProbe {
  try {
    const version = execFileSync('docker', ['version', '--format', '{{.Server.Version}}'], {
      encoding: 'utf8',
      timeout: DOCKER_TIMEOUT_MS,
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim();
    return { ok: true, version };
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    return { ok: false, reason: stderr || (error as Error).message };
  }
}

/** Returns the result of `docker image inspect` for a local image, or undefined when absent. */
export async function inspectImage(ref: string): Promise<ImageInspect | undefined> {
  try {
    const { stdout } = await run('docker', ['image', 'inspect', ref], {
      timeout: DOCKER_TIMEOUT_MS,
    });
    return (JSON.parse(stdout) as ImageInspect[])[0];
  } catch {
    return undefined;
  }
}

/** The parts of `docker image inspect` the suite reads. */
export interface ImageInspect {
  Id: string;
  Size: number;
  Config: {
    User?: string;
    Entrypoint?: string[] | null;
    Cmd?: string[] | null;
    Env?: string[];
    WorkingDir?: string;
  };
  RootFS: { Layers: string[] };
}

/**
 * Returns the local Node base image to build on: PIPE_BASE_IMAGE, else the last line printed
 * by the machine's start-docker.sh (it builds one from the host's node binary), else the
 * Dockerfile's default. Never pulls: the caller checks the image exists first.
 */
export function baseImageRef(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env['PIPE_BASE_IMAGE']?.trim();
  if (fromEnv) return fromEnv;
  if (existsSync(START_DOCKER)) {
    const out = execFileSync('bash', [START_DOCKER], { encoding: 'utf8', timeout: 300_000 });
    const last = out.trim().split('\n').pop()?.trim();
    if (last) return last;
  }
  return DOCKERFILE_DEFAULT_BASE;
}

/** Returns the hex SHA-256 of every image input and the base image id: the test image's tag. */
export function imageContentTag(baseImageId: string): string {
  const hash = createHash('sha256').update(baseImageId);
  for (const file of IMAGE_INPUTS.flatMap(filesOf)) {
    hash.update(`\0${file}\0`).update(readFileSync(resolve(REPO_ROOT, file)));
  }
  return `${TEST_IMAGE_REPOSITORY}:test-${hash.digest('hex').slice(0, 16)}`;
}

/** Returns the files an IMAGE_INPUTS entry stands for (a directory's, sorted; none when absent). */
export function filesOf(entry: string): string[] {
  if (!entry.endsWith('/')) return [entry];
  if (!existsSync(resolve(REPO_ROOT, entry))) return [];
  return readdirSync(resolve(REPO_ROOT, entry))
    .sort()
    .map((name) => `${entry}${name}`);
}

/** Runs the repository's own bundle step (`npm run build`), so the image holds current sources. */
export async function buildBundle(): Promise<void> {
  await run('npm', ['run', '--silent', 'build'], { cwd: REPO_ROOT, timeout: 180_000 });
}

/** Returns the sizes, in bytes, of the image and of its layers above the base image. */
export async function layerBudget(
  image: string,
  base: string,
): Promise<{ imageBytes: number; pipeLayersBytes: number; pipeLayers: number }> {
  const [img, baseImg] = await Promise.all([inspectImage(image), inspectImage(base)]);
  if (!img || !baseImg) throw new Error(`cannot inspect ${img ? base : image}`);
  return {
    imageBytes: img.Size,
    pipeLayersBytes: img.Size - baseImg.Size,
    pipeLayers: img.RootFS.Layers.length - baseImg.RootFS.Layers.length,
  };
}

/** Returns the summed `docker history` sizes (bytes) of the rows the Dockerfile added above `base`. */
export async function dockerfileHistoryBytes(image: string, base: string): Promise<number> {
  const sizes = async (ref: string): Promise<number[]> => {
    const { stdout } = await run(
      'docker',
      ['history', '--no-trunc', '--human=false', '--format', '{{.Size}}', ref],
      {
        timeout: DOCKER_TIMEOUT_MS,
      },
    );
    return stdout.trim().split('\n').map(Number);
  };
  const [ours, theirs] = await Promise.all([sizes(image), sizes(base)]);
  return ours.slice(0, ours.length - theirs.length).reduce((sum, n) => sum + n, 0);
}
