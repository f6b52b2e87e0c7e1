/** The authentication methods of DESIGN §2. */
export type AuthType = 'bitbucket-oidc' | 'azure-oidc' | 'oauth-m2m' | 'pat';
export type OnOrphan = 'reconnect' | 'cancel' | 'ignore';

/** Bitbucket's default variables, as the pipe sees them (absent ones are undefined). */
export interface BitbucketContext {
  commit?: string;
  branch?: string;
  tag?: string;
  /** `workspace/repo` */
  repoFullName?: string;
  repoSlug?: string;
  workspace?: string;
  buildNumber?: string;
  pipelineUuid?: string;
  stepUuid?: string;
  /** `BITBUCKET_STEP_RUN_NUMBER`: 1 for a step's first attempt, higher for re-runs of it. */
  stepRunNumber?: string;
  deploymentEnvironment?: string;
  deploymentEnvironmentUuid?: string;
  prId?: string;
  /** `BITBUCKET_GIT_HTTP_ORIGIN`, e.g. `http://bitbucket.org/acme/churn` (normalised to https). */
  gitHttpOrigin?: string;
  repoUuid?: string;
  /** Absolute clone dir; the working directory when BITBUCKET_CLONE_DIR is unset. */
  cloneDir: string;
  pipelinesVariablesPath?: string;
  pipeSharedStorageDir?: string;
}

/** Where the plan comes from: inline YAML (`ACTIONS`) or a file (`ACTIONS_FILE`). */
export type PlanSource =
  | { kind: 'inline'; variable: 'ACTIONS'; text: string }
  | { kind: 'file'; variable: 'ACTIONS_FILE'; path: string; displayPath: string };

export interface NetworkConfig {
  httpsProxy?: string;
  noProxy?: string;
  extraCaCertsFile?: string;
}

/** The validated, frozen pipe configuration. Nothing else reads the environment. */
export interface Config {
  /** Workspace origin, e.g. `https://dbc-123.cloud.databricks.com` (no path, no trailing slash). */
  host: string;
  /** `auto` until auth resolves it (DESIGN §7.3). */
  authType: AuthType | 'auto';
  clientId?: string;
  clientSecret?: string;
  token?: string;
  azureTenantId?: string;
  azureClientId?: string;
  /** The step's OIDC token (`BITBUCKET_STEP_OIDC_TOKEN`), registered with the redactor. */
  oidcToken?: string;
  plan: PlanSource;
  dryRun: boolean;
  waitTimeoutMs: number;
  /** Absolute paths. */
  resultsFile: string;
  auditFile: string;
  codeInsights: boolean;
  provenanceTags: boolean;
  outputVariables: boolean;
  onOrphan: OnOrphan;
  debug: boolean;
  bitbucket: BitbucketContext;
  network: NetworkConfig;
  /** The environment snapshot, for `{{ env.NAME }}` templates only. */
  env: Readonly<Record<string, string>>;
}
