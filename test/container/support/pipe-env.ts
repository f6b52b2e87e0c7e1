/**
 * The environment a Bitbucket step gives a pipe container: its default variables (fixed,
 * realistic values so golden output is stable) plus the pipe's `variables:`.
 */

/** A step's default variables for repository acme/churn-model at a fixed commit. */
export const STEP_DEFAULTS = Object.freeze({
  BITBUCKET_COMMIT: '4f1c2d3e5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d',
  BITBUCKET_BRANCH: 'main',
  BITBUCKET_BUILD_NUMBER: '42',
  BITBUCKET_WORKSPACE: 'acme',
  BITBUCKET_REPO_SLUG: 'churn-model',
  BITBUCKET_REPO_FULL_NAME: 'acme/churn-model',
  BITBUCKET_REPO_UUID: '{8c7e3b51-3a8e-4f0e-9a55-0c6f2b1d9e11}',
  BITBUCKET_REPO_OWNER: 'acme',
  BITBUCKET_GIT_HTTP_ORIGIN: 'http://bitbucket.org/acme/churn-model',
  BITBUCKET_PIPELINE_UUID: '{0b5b1f3c-6c1e-4b8a-9d61-6a9f1d2c3b4a}',
  BITBUCKET_STEP_UUID: '{5d0e9a7c-2f44-4b1e-8c3d-7e6f5a4b3c2d}',
  BITBUCKET_STEP_TRIGGERER_UUID: '{1a2b3c4d-0000-4000-8000-000000000001}',
  BITBUCKET_PROJECT_KEY: 'ML',
});

/**
 * Returns the environment for one invocation: step defaults, the clone dir (as the pipe will
 * see it: the mount target in a container, the host directory on the host) and the pipe's
 * variables. A variable set to `undefined` in `variables` is removed.
 */
export function pipeEnv(
  cloneDir: string,
  variables: Record<string, string | undefined> = {},
): Record<string, string> {
  const env: Record<string, string | undefined> = {
    ...STEP_DEFAULTS,
    BITBUCKET_CLONE_DIR: cloneDir,
    ...variables,
  };
  return Object.fromEntries(
    Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined),
  );
}
