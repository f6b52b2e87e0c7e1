import { PROBE_ENV, isCi, probeDocker, warnWhenSkipping, type DockerProbe } from './docker.js';

/** Returns the probe recorded by the global setup, or probes now (and warns) when there is none. */
function dockerProbe(): DockerProbe {
  const recorded = process.env[PROBE_ENV];
  if (recorded) return JSON.parse(recorded) as DockerProbe;
  const probe = probeDocker();
  warnWhenSkipping(probe);
  return probe;
}

/** Whether a Docker engine answered when the suite started. */
export const docker: DockerProbe = dockerProbe();

/**
 * `describe` for blocks that need Docker. Without an engine it is `describe.skip` — except
 * under CI, where the blocks run and fail, so a CI machine without Docker cannot pass green.
 */
export const describeWithDocker: jest.Describe = docker.ok || isCi() ? describe : describe.skip;
