import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { GenericContainer, type ImagePullPolicy } from 'testcontainers';
import { PIPE_VERSION } from '../../../src/version.js';
import {
  REPO_ROOT,
  TEST_IMAGE_REPOSITORY,
  baseImageRef,
  buildBundle,
  imageContentTag,
  inspectImage,
} from './docker.js';

const run = promisify(execFile);

/** The image under test and the local base image it was built on. */
export interface PipeImage {
  tag: string;
  base: string;
}

const NEVER_PULL: ImagePullPolicy = { shouldPull: () => false };
const STALE_AFTER_MS = 60 * 60 * 1000;

let building: Promise<PipeImage> | undefined;

/**
 * Returns the pipe image for this run, building it the first time: bundle the sources
 * (`npm run build`), then `docker build` the repository's Dockerfile on the local base image.
 * The tag is a hash of everything that goes in, so test files (and reruns) that find it
 * present reuse it, and a stale image can never be tested.
 * @throws Error when the base image is not present locally — before any build, so a build
 *   can never fall back to pulling it.
 */
export function pipeImage(): Promise<PipeImage> {
  building ??= buildPipeImage();
  return building;
}

async function buildPipeImage(): Promise<PipeImage> {
  const base = baseImageRef();
  const baseImage = await inspectImage(base);
  if (!baseImage) {
    throw new Error(
      `base image ${base} is not present locally and this suite never pulls: run ` +
        `../shared/tools/start-docker.sh, or pull a Node >= 20 image yourself and set PIPE_BASE_IMAGE`,
    );
  }
  await buildBundle();
  const tag = imageContentTag(baseImage.Id);
  if (await inspectImage(tag)) return { tag, base };
  const buildArgs = { BASE_IMAGE: base, PIPE_VERSION };
  try {
    await GenericContainer.fromDockerfile(REPO_ROOT)
      .withBuildArgs(buildArgs)
      .withPullPolicy(NEVER_PULL)
      .build(tag, { deleteOnExit: false });
  } catch (error) {
    throw new Error(`docker build failed: ${await buildDiagnostics(buildArgs)}`, { cause: error });
  }
  await removeStaleTestImages(tag);
  return { tag, base };
}

/**
 * Removes test images of earlier sources (every change to the bundle makes a new tag), keeping
 * any built within the last hour: another suite run may still be using it.
 */
async function removeStaleTestImages(current: string): Promise<void> {
  const { stdout } = await run('docker', [
    'image',
    'ls',
    `${TEST_IMAGE_REPOSITORY}`,
    '--format',
    '{{.Repository}}:{{.Tag}}',
  ]);
  const stale = stdout.split('\n').filter((ref) => /:test-[0-9a-f]+$/.test(ref) && ref !== current);
  if (stale.length === 0) return;
  const { stdout: created } = await run('docker', [
    'image',
    'inspect',
    '--format',
    '{{.Created}}',
    ...stale,
  ]);
  const cutoff = Date.now() - STALE_AFTER_MS;
  const old = stale.filter((_, i) => Date.parse(created.split('\n')[i] ?? '') < cutoff);
  if (old.length > 0) await run('docker', ['image', 'rm', ...old]).catch(() => undefined);
}

/** Returns the Docker CLI's own account of a failed build (testcontainers keeps only "failed"). */
async function buildDiagnostics(buildArgs: Record<string, string>): Promise<string> {
  const args = Object.entries(buildArgs).flatMap(([k, v]) => ['--build-arg', `${k}=${v}`]);
  try {
    await run('docker', ['build', '-q', ...args, REPO_ROOT], { timeout: 120_000 });
    return 'the Docker CLI built it; see testcontainers:build debug output';
  } catch (error) {
    return ((error as { stderr?: string }).stderr ?? String(error))
      .trim()
      .split('\n')
      .slice(-15)
      .join('\n');
  }
}
