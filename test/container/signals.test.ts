import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Wait } from 'testcontainers';
import { startEmulator } from '../../emulator/index.js';
import { makeCloneDir } from './support/clone-dirs.js';
import { describeWithDocker } from './support/gate.js';
import { STEP_DEFAULTS, pipeEnv } from './support/pipe-env.js';
import { pipeImage, type PipeImage } from './support/pipe-image.js';
import { BITBUCKET_CLONE_DIR, collectExited, pipeContainer } from './support/run-pipe.js';
import { JOB_PLAN, PLAN_FILE, TRAINING_JOB, oidcVariables } from './support/scenarios.js';

// `docker stop` sends SIGTERM to the container's PID 1 — here node itself (the entry script
// loads the pipe in-process). A PID 1 without handlers would ignore it and be SIGKILLed after
// the grace period, leaving the Databricks run going; the pipe must cancel it and exit 1.
const GRACE_MS = 30_000;

describeWithDocker('stopping the pipe container', () => {
  let image: PipeImage;
  beforeAll(async () => {
    image = await pipeImage();
  }, 600_000);

  it('cancels the run it started on SIGTERM, records it and exits 1 within the grace period', async () => {
    const emulator = await startEmulator({
      issuer: {
        workspaceSlug: STEP_DEFAULTS.BITBUCKET_WORKSPACE,
        repositoryUuid: STEP_DEFAULTS.BITBUCKET_REPO_UUID,
      },
    });
    const cloneDir = makeCloneDir({ [PLAN_FILE]: JOB_PLAN });
    try {
      emulator.addJob({ name: TRAINING_JOB, pendingMs: 500, durationMs: 3_600_000 });
      const stepToken = await emulator.issuer.mintStepToken();
      const env = pipeEnv(BITBUCKET_CLONE_DIR, oidcVariables({ emulator, stepToken }));
      const running = Wait.forLogMessage(/run \d+ is RUNNING/);
      const started = await pipeContainer({ image: image.tag, env, cloneDir }, running).start();
      const stopAt = Date.now();
      await started.stop({ timeout: GRACE_MS, remove: false });
      const stopMs = Date.now() - stopAt;
      const run = await collectExited(started.getId());

      expect(run.exitCode).toBe(1);
      expect(stopMs).toBeLessThan(GRACE_MS);
      expect(emulator.runs.cancelled()).toMatchObject([{ jobId: expect.any(Number) }]);
      const results = JSON.parse(
        readFileSync(join(cloneDir, 'databricks-ml-pipe/results.json'), 'utf8'),
      );
      expect(results).toMatchObject({ exit_code: 1, actions: [{ status: 'cancelled' }] });
    } finally {
      await emulator.close();
      rmSync(cloneDir, { recursive: true, force: true });
    }
  });
});
