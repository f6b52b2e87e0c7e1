import { startEmulator } from '../../emulator/index.js';
import { call, manualClock, tokenRequest } from './emu-helpers.js';

const EXCHANGE = {
  grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
  subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
  scope: 'all-apis',
};

describe('startEmulator', () => {
  it('serves a 2-hour job run on a virtual clock, from token exchange to SUCCESS, in milliseconds', async () => {
    const clock = manualClock();
    const emu = await startEmulator({ clock });
    try {
      const jobId = emu.addJob({ name: 'churn-training', durationMs: 2 * 3_600_000 });
      const subject = await emu.issuer.mintStepToken({
        exp: Math.floor(clock.now() / 1000) + 3 * 3600,
      });
      const exchange = async () => {
        const res = await tokenRequest(emu, {
          ...EXCHANGE,
          subject_token: subject,
          client_id: emu.clientId,
        });
        return { authorization: `Bearer ${res.body.access_token}` };
      };
      let auth = await exchange();
      const started = await call(`${emu.url}/api/2.2/jobs/run-now`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ job_id: jobId }),
      });
      let polls = 0;
      let refreshes = 0;
      let run;
      do {
        clock.advance(10_000);
        polls += 1;
        const url = `${emu.url}/api/2.2/jobs/runs/get?run_id=${started.body.run_id}`;
        let res = await call(url, { headers: auth });
        if (res.status === 401) {
          // Access tokens live an hour: a 2-hour wait must re-exchange, as the pipe does.
          refreshes += 1;
          auth = await exchange();
          res = await call(url, { headers: auth });
        }
        run = res.body;
      } while (run.state.life_cycle_state !== 'TERMINATED');
      expect(refreshes).toBe(2);
      expect(run.state.result_state).toBe('SUCCESS');
      expect(polls).toBe(Math.ceil((2 * 3_600_000 + 1_000 + 500) / 10_000));
      expect(emu.runs.countForJob(jobId)).toBe(1);
      expect(
        emu
          .findRequests({ path: 'jobs/runs/get' })
          .every((r) => r.status === 401 || r.principal === emu.clientId),
      ).toBe(true);
    } finally {
      await emu.close();
    }
  });

  it('wires every module’s routes behind bearer authentication', async () => {
    const emu = await startEmulator({ issuer: false });
    try {
      const headers = { authorization: `Bearer ${emu.addPat()}` };
      const paths = [
        '/api/2.0/mlflow/experiments/get-by-name?experiment_name=/Shared/none',
        '/api/2.0/mlflow/registered-models/get?name=none',
        '/api/2.1/unity-catalog/models/a.b.c',
        '/api/2.0/workspace/get-status?path=/none',
        '/api/2.1/jobs/list',
      ];
      for (const path of paths) {
        const res = await call(`${emu.url}${path}`, { headers });
        expect({ path, code: res.body.error_code }).not.toEqual({
          path,
          code: 'ENDPOINT_NOT_FOUND',
        });
        expect((await call(`${emu.url}${path}`)).status).toBe(401);
      }
    } finally {
      await emu.close();
    }
  });

  it('sets up account-wide federation on request (no client_id)', async () => {
    const emu = await startEmulator({ federation: 'account' });
    try {
      const res = await tokenRequest(emu, {
        ...EXCHANGE,
        subject_token: await emu.issuer.mintStepToken(),
      });
      expect(res.status).toBe(200);
      expect(emu.clientId).toBe('');
    } finally {
      await emu.close();
    }
  });

  it('starts without an issuer when asked, and stops listening on close', async () => {
    const emu = await startEmulator({ issuer: false });
    expect(emu.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(() => emu.issuer).toThrow(/issuer: false/);
    await emu.close();
    await expect(fetch(`${emu.url}/api/2.1/jobs/list`)).rejects.toThrow();
  });
});
