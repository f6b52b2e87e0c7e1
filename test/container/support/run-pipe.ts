import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import {
  GenericContainer,
  StartupCheckStrategy,
  getContainerRuntimeClient,
  type StartupStatus,
  type WaitStrategy,
} from 'testcontainers';
import { REPO_ROOT } from './docker.js';

/** Where Bitbucket mounts the build directory, in the step and in every pipe container. */
export const BITBUCKET_CLONE_DIR = '/opt/atlassian/pipelines/agent/build';
const RUN_TIMEOUT_MS = 180_000;

/** What one pipe invocation left behind. */
export interface PipeRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface ContainerRunOptions {
  image: string;
  env: Record<string, string>;
  /** Host directory mounted as BITBUCKET_CLONE_DIR (same path inside, as Bitbucket does). */
  cloneDir: string;
  /** `docker run --user`, for runners that force a user. */
  user?: string;
  /** Capabilities to drop, as a locked-down runner might. */
  dropCapabilities?: string[];
  /** Replaces the image's entry point (to look inside the image). */
  entrypoint?: string[];
  command?: string[];
}

/**
 * Readiness for a one-shot container: ready once it has exited, whatever the status.
 * (testcontainers' own one-shot strategy treats a non-zero exit as a failed start, and the
 * failure scenarios are exactly the ones whose exit status the suite asserts.)
 */
class ExitedStrategy extends StartupCheckStrategy {
  override async checkStartupState(
    dockerClient: Parameters<StartupCheckStrategy['checkStartupState']>[0],
    containerId: string,
  ): Promise<StartupStatus> {
    const info = await dockerClient.getContainer(containerId).inspect();
    const hasFinished =
      !info.State.Running && !info.State.Paused && Date.parse(info.State.FinishedAt) > 0;
    return hasFinished ? 'SUCCESS' : 'PENDING';
  }
}

/** Splits Docker's multiplexed log stream (8-byte frame headers) into stdout and stderr. */
export function demultiplex(buffer: Buffer): { stdout: string; stderr: string } {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  for (let at = 0; at + 8 <= buffer.length;) {
    const size = buffer.readUInt32BE(at + 4);
    (buffer[at] === 2 ? err : out).push(buffer.subarray(at + 8, at + 8 + size));
    at += 8 + size;
  }
  return {
    stdout: Buffer.concat(out).toString('utf8'),
    stderr: Buffer.concat(err).toString('utf8'),
  };
}

/**
 * Returns a container of the image set up as a Bitbucket step runs a pipe: host network, the
 * clone dir bind-mounted at the same path and used as the working directory, the variables as
 * environment. It counts as started once it has exited, unless another `ready` is given.
 */
export function pipeContainer(
  options: ContainerRunOptions,
  ready?: WaitStrategy,
): GenericContainer {
  let container = new GenericContainer(options.image)
    .withNetworkMode('host')
    .withEnvironment(options.env)
    .withBindMounts([{ source: options.cloneDir, target: BITBUCKET_CLONE_DIR, mode: 'rw' }])
    .withWorkingDir(BITBUCKET_CLONE_DIR)
    .withWaitStrategy((ready ?? new ExitedStrategy()).withStartupTimeout(RUN_TIMEOUT_MS));
  if (options.user) container = container.withUser(options.user);
  if (options.dropCapabilities)
    container = container.withDroppedCapabilities(...options.dropCapabilities);
  if (options.entrypoint) container = container.withEntrypoint(options.entrypoint);
  if (options.command) container = container.withCommand(options.command);
  return container;
}

/** Returns an exited container's status and output, then removes it. */
export async function collectExited(containerId: string): Promise<PipeRun> {
  const client = await getContainerRuntimeClient();
  const handle = client.container.dockerode.getContainer(containerId);
  try {
    const info = await handle.inspect();
    const logs = await handle.logs({ stdout: true, stderr: true, follow: false });
    return { exitCode: info.State.ExitCode, ...demultiplex(logs) };
  } finally {
    await handle.remove({ force: true });
  }
}

/** Returns the outcome of running the image to completion (see {@link pipeContainer}). */
export async function runInContainer(options: ContainerRunOptions): Promise<PipeRun> {
  const started = await pipeContainer(options).start();
  return collectExited(started.getId());
}

/** Returns the outcome of `node dist/pipe.js` on the host with exactly `env` (plus PATH). */
export function runOnHost(env: Record<string, string>, cwd: string): Promise<PipeRun> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [resolve(REPO_ROOT, 'dist/pipe.js')], {
      cwd,
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
    child.on('error', fail);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      done({
        exitCode: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
  });
}
