import { spawnSync } from 'node:child_process';
import { chownSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describeWithDocker } from './support/gate.js';
import { pipeEnv } from './support/pipe-env.js';
import { pipeImage, type PipeImage } from './support/pipe-image.js';
import { BITBUCKET_CLONE_DIR, runInContainer } from './support/run-pipe.js';
import { makeCloneDir } from './support/clone-dirs.js';

// Bitbucket mounts the build directory — usually root-owned, mode 0755 — into the pipe's
// container and runs the image's user. The image starts as root and its entry point hands the
// pipe to an unprivileged user that can write the evidence (scripts/container-entry.mjs).
// These runs have no pipe variables (exit 2), which still writes results.json.
const NOBODY = 65534;
const NODE_UID = 1000;

/** Changes a directory's owner: directly as root, else through a container (rootless machines). */
async function chown(dir: string, uid: number, gid: number, base: string): Promise<void> {
  if (process.getuid?.() === 0) return chownSync(dir, uid, gid);
  const script = `require('fs').chownSync(${JSON.stringify(BITBUCKET_CLONE_DIR)},${uid},${gid})`;
  const run = await runInContainer({
    image: base,
    env: {},
    cloneDir: dir,
    user: '0',
    entrypoint: ['node'],
    command: ['-e', script],
  });
  expect(run.exitCode).toBe(0);
}

/** Removes a clone dir whatever user wrote into it (through a container when not root). */
async function remove(dir: string, base: string): Promise<void> {
  if (process.getuid?.() !== 0) {
    const script = `for (const f of require('fs').readdirSync('.')) require('fs').rmSync(f,{recursive:true,force:true})`;
    await runInContainer({
      image: base,
      env: {},
      cloneDir: dir,
      user: '0',
      entrypoint: ['node'],
      command: ['-e', script],
    });
  }
  rmSync(dir, { recursive: true, force: true });
}

/** Returns true when a user with no relation to the file can read it (as the host's `nobody`). */
function isReadableByNobody(file: string): boolean {
  if (process.getuid?.() !== 0) return (statSync(file).mode & 0o004) !== 0;
  return spawnSync('cat', [file], { uid: NOBODY, gid: NOBODY, stdio: 'ignore' }).status === 0;
}

const CASES = [
  {
    name: 'a root-owned 0755 clone dir: written as node (uid 1000)',
    owner: 0,
    variables: {},
    results: 'databricks-ml-pipe/results.json',
    writer: NODE_UID,
  },
  {
    name: "a clone dir owned by uid 1234: written as the clone dir's owner",
    owner: 1234,
    variables: {},
    results: 'databricks-ml-pipe/results.json',
    writer: 1234,
  },
  {
    name: 'RESULTS_FILE at the top of a root-owned clone dir: written as root',
    owner: 0,
    variables: { RESULTS_FILE: 'results.json' },
    results: 'results.json',
    writer: 0,
  },
];

describeWithDocker('results in the mounted clone dir', () => {
  let image: PipeImage;
  beforeAll(async () => {
    image = await pipeImage();
  }, 600_000);

  it.each(CASES)('$name', async ({ owner, variables, results, writer }) => {
    const dir = makeCloneDir();
    try {
      await chown(dir, owner, owner, image.base);
      const run = await runInContainer({
        image: image.tag,
        env: pipeEnv(BITBUCKET_CLONE_DIR, variables),
        cloneDir: dir,
      });
      expect(run.exitCode).toBe(2);
      const file = join(dir, results);
      expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ exit_code: 2 });
      expect(statSync(file)).toMatchObject({ uid: writer });
      expect(isReadableByNobody(file)).toBe(true);
    } finally {
      await remove(dir, image.base);
    }
  });

  it('stays root and still writes its results where the runner forbids switching users', async () => {
    const dir = makeCloneDir();
    try {
      await chown(dir, 0, 0, image.base);
      const env = pipeEnv(BITBUCKET_CLONE_DIR, { DEBUG: 'true' });
      const dropCapabilities = ['SETUID', 'SETGID'];
      const run = await runInContainer({ image: image.tag, env, cloneDir: dir, dropCapabilities });
      expect(run.exitCode).toBe(2);
      expect(run.stdout).toContain('DEBUG: [image] running as root: EPERM');
      expect(statSync(join(dir, 'databricks-ml-pipe/results.json'))).toMatchObject({
        uid: 0,
        gid: 0,
      });
    } finally {
      await remove(dir, image.base);
    }
  });

  it('says at DEBUG which user the pipe runs as and why', async () => {
    const dir = makeCloneDir();
    try {
      await chown(dir, 0, 0, image.base);
      const env = pipeEnv(BITBUCKET_CLONE_DIR, { DEBUG: 'true', RESULTS_FILE: 'results.json' });
      const run = await runInContainer({ image: image.tag, env, cloneDir: dir });
      expect(run.stdout).toContain(
        `DEBUG: [image] running as root: ${BITBUCKET_CLONE_DIR} is not writable for node`,
      );
    } finally {
      await remove(dir, image.base);
    }
  });
});
