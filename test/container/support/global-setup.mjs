// Jest global setup of the container suite: probes the Docker engine once per run and prints
// the one "skipped" notice; test files read the probe from the environment (see gate.ts).
// Plain ESM because Jest loads global setup outside its module mapper.
import { execFileSync } from 'node:child_process';

export default function globalSetup() {
  let probe;
  try {
    const version = execFileSync('docker', ['version', '--format', '{{.Server.Version}}'], {
      encoding: 'utf8',
      timeout: 15_000,
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim();
    probe = { ok: true, version };
  } catch (error) {
    probe = { ok: false, reason: error.stderr?.trim() || error.message };
  }
  process.env.DMP_CONTAINER_DOCKER_PROBE = JSON.stringify(probe);
  if (!probe.ok && !/^(true|1|yes)$/i.test(process.env.CI ?? '')) {
    // eslint-disable-next-line no-console -- the suite's one notice that it is skipped
    console.warn(
      `container suite SKIPPED: no Docker engine (${probe.reason}). ` +
        'Start one (see .ci/run) to test the image; with CI=true this is a failure instead.',
    );
  }
}
