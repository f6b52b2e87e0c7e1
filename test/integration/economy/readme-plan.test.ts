/**
 * The request-economy benchmark's target (issue #9), held by a test: the README's example plan
 * (train, register the best run of this commit, move `champion`), run in-process against the
 * emulator seeded as the demo and the benchmark seed it, sends no avoidable request.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeEconomy, endpointOf } from '../../../bench/economy.js';
import { readmePipelineEnv, seedReadmeWorkspace } from '../../../emulator/demo-scenario.js';
import { startEmulator, type Emulator } from '../../../emulator/index.js';
import { runPipe } from '../../support/run-pipe.js';
import { virtualClock, type VirtualClock } from '../jobs/support/virtual-clock.js';

const COMMIT = '5d4c3b2a19087f6e5d4c3b2a19087f6e5d4c3b2a';

describe('the README plan against the emulator', () => {
  let emu: Emulator;
  let clock: VirtualClock;
  beforeEach(async () => {
    clock = virtualClock();
    emu = await startEmulator({ clock });
    seedReadmeWorkspace(emu, COMMIT);
  });
  afterEach(() => emu.close());

  it('sends the fewest requests that ask what it needs: nothing avoidable', async () => {
    const cloneDir = await mkdtemp(join(tmpdir(), 'dmp-economy-'));
    const env = await readmePipelineEnv(emu, COMMIT, cloneDir);
    const run = await runPipe({ env, cloneDir, clock, transport: clock.transport });
    expect(run.exitCode).toBe(0);
    const figures = analyzeEconomy(emu.requests);
    expect(figures.avoidable).toEqual([]);
    expect(figures.nonPoll).toBe(figures.minimumNonPoll);
    const count = (endpoint: string): number =>
      emu.requests.filter((r) => endpointOf(r) === endpoint).length;
    expect({
      experiment: count('GET /api/2.0/mlflow/experiments/get-by-name'),
      // Preflight, and again after the training run (it logs the candidates).
      search: count('POST /api/2.0/mlflow/runs/search'),
      // The job's history; a first attempt has no predecessor's run to look for.
      history: count('GET /api/2.2/jobs/runs/list'),
      logBatch: count('POST /api/2.0/mlflow/runs/log-batch'),
      setTag: count('POST /api/2.0/mlflow/runs/set-tag'),
    }).toEqual({ experiment: 1, search: 2, history: 1, logBatch: 1, setTag: 0 });
    // A Bitbucket step's first attempt (BITBUCKET_STEP_RUN_NUMBER=1): the history alone.
    const [list] = emu.requests.filter((r) => r.path.endsWith('/runs/list'));
    expect(list?.query).toMatchObject({ completed_only: 'true', limit: '5' });
  });
});
