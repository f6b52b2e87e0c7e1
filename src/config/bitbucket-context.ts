import { resolve } from 'node:path';
import type { Redactor } from '../log/redactor.js';
import { quote } from './parsers.js';
import type { BitbucketContext, NetworkConfig } from './types.js';

/** Environment values that are set and non-blank, by name. */
export type EnvSnapshot = Readonly<Record<string, string>>;

/** Bitbucket's default variables behind each BitbucketContext field (cloneDir aside). */
export const BITBUCKET_VARIABLES = {
  commit: 'BITBUCKET_COMMIT',
  branch: 'BITBUCKET_BRANCH',
  tag: 'BITBUCKET_TAG',
  repoFullName: 'BITBUCKET_REPO_FULL_NAME',
  repoSlug: 'BITBUCKET_REPO_SLUG',
  workspace: 'BITBUCKET_WORKSPACE',
  buildNumber: 'BITBUCKET_BUILD_NUMBER',
  pipelineUuid: 'BITBUCKET_PIPELINE_UUID',
  stepUuid: 'BITBUCKET_STEP_UUID',
  stepRunNumber: 'BITBUCKET_STEP_RUN_NUMBER',
  deploymentEnvironment: 'BITBUCKET_DEPLOYMENT_ENVIRONMENT',
  deploymentEnvironmentUuid: 'BITBUCKET_DEPLOYMENT_ENVIRONMENT_UUID',
  prId: 'BITBUCKET_PR_ID',
  gitHttpOrigin: 'BITBUCKET_GIT_HTTP_ORIGIN',
  repoUuid: 'BITBUCKET_REPO_UUID',
  pipelinesVariablesPath: 'BITBUCKET_PIPELINES_VARIABLES_PATH',
  pipeSharedStorageDir: 'BITBUCKET_PIPE_SHARED_STORAGE_DIR',
} as const satisfies Record<Exclude<keyof BitbucketContext, 'cloneDir'>, string>;

/** The variable that holds the step's OIDC token when the step has `oidc: true`. */
export const STEP_OIDC_TOKEN_VARIABLE = 'BITBUCKET_STEP_OIDC_TOKEN';

/**
 * Returns the Bitbucket context: the default variables that are set, the clone dir resolved
 * against `cwd` (or `cwd` itself), and the git origin with Bitbucket Cloud's `http://` made
 * `https://` (Bitbucket sets it with http; MLflow shows the repoURL tag as a link).
 */
export function readBitbucketContext(env: EnvSnapshot, cwd: string): BitbucketContext {
  const context: BitbucketContext = {
    cloneDir: resolve(cwd, env['BITBUCKET_CLONE_DIR'] ?? '.'),
  };
  for (const [field, variable] of Object.entries(BITBUCKET_VARIABLES)) {
    const value = env[variable];
    if (value !== undefined) (context as unknown as Record<string, string>)[field] = value;
  }
  if (context.gitHttpOrigin !== undefined) {
    context.gitHttpOrigin = context.gitHttpOrigin.replace(
      /^http:\/\/(bitbucket\.org)(?=[/:]|$)/i,
      'https://$1',
    );
  }
  return context;
}

const PROXY_EXAMPLE = 'http://proxy.example.com:3128';

/** Network settings and any problems with them. */
export interface NetworkOutcome {
  network: NetworkConfig;
  problems: string[];
}

/**
 * Returns the proxy and CA settings (lower-case proxy names win, as in curl and most Node
 * clients). A proxy must be an http(s) URL (no scheme means http://); its password is
 * registered with the redactor, and a problem never echoes a proxy URL with credentials.
 */
export function readNetworkConfig(env: EnvSnapshot, redactor: Redactor): NetworkOutcome {
  const network: NetworkConfig = {};
  const problems: string[] = [];
  // Every proxy variable's password is a secret, used or not: an unused one must not leak
  // through `{{ env.HTTPS_PROXY }}` or a log line either.
  for (const name of PROXY_VARIABLES) registerProxyPassword(env[name], redactor);
  const proxyVariable = ['https_proxy', 'HTTPS_PROXY'].find((name) => env[name] !== undefined);
  if (proxyVariable !== undefined) {
    const proxy = (env[proxyVariable] as string).trim();
    const problem = checkProxy(proxy, redactor);
    if (problem === undefined) network.httpsProxy = proxy;
    else problems.push(`${proxyVariable}: ${problem}`);
  }
  const noProxy = env['no_proxy'] ?? env['NO_PROXY'];
  if (noProxy !== undefined) network.noProxy = noProxy.trim();
  const caFile = env['NODE_EXTRA_CA_CERTS'];
  if (caFile !== undefined) network.extraCaCertsFile = caFile.trim();
  return { network, problems };
}

function checkProxy(proxy: string, redactor: Redactor): string | undefined {
  const shown = proxy.includes('@') ? '(value hidden)' : quote(proxy);
  // Like curl, a proxy without a scheme (`proxy:3128`) means http:// (the transport agrees).
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(proxy) ? proxy : `http://${proxy}`;
  if (!URL.canParse(withScheme)) return `${shown} is not a URL; use e.g. ${PROXY_EXAMPLE}`;
  const url = new URL(withScheme);
  if (url.password !== '') {
    redactor.register(url.password);
    redactor.register(safeDecode(url.password));
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `${shown} is not an http:// or https:// proxy URL; use e.g. ${PROXY_EXAMPLE}`;
  }
  return undefined;
}

const PROXY_VARIABLES = ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY'];

function registerProxyPassword(value: string | undefined, redactor: Redactor): void {
  if (value === undefined) return;
  const text = value.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`;
  if (!URL.canParse(withScheme)) return;
  const { password } = new URL(withScheme);
  if (password !== '') {
    redactor.register(password);
    redactor.register(safeDecode(password));
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
