import { Router } from './router.js';
import { createEmulatorState, ensurePrincipal, type EmulatorState } from './state.js';
import type { EmuClock } from './types.js';
import { Faults } from './faults.js';
import { startWorkspaceServer } from './server.js';
import type { RequestLogEntry } from './request-log.js';
import {
  startBitbucketIssuer,
  type BitbucketIssuer,
  type BitbucketIssuerOptions,
} from './oidc-issuer.js';
import { registerOAuthRoutes } from './oauth.js';
import { registerJobsRoutes } from './jobs.js';
import { registerMlflowRoutes } from './mlflow.js';
import { registerRegistryRoutes } from './registry.js';
import { registerUnityCatalogRoutes } from './unity-catalog.js';
import { registerWorkspaceRoutes } from './workspace.js';
import { authState } from './auth.js';
import { createFacade, type EmulatorFacade } from './facade.js';

/**
 * A local Databricks workspace and Bitbucket OIDC issuer on loopback, for tests, the demo
 * and benchmarks. Start one per test (file) with {@link startEmulator}.
 */

export interface EmulatorOptions {
  /** Emulator time; default real time. All run and token life cycles follow it. */
  clock?: EmuClock | undefined;
  /** Upper bound of `expires_in` for issued access tokens (default 3600). */
  tokenLifetimeSeconds?: number | undefined;
  /** Start the Bitbucket issuer (default), not (`false`), or with these options. */
  issuer?: boolean | BitbucketIssuerOptions | undefined;
  /**
   * Trust between issuer and workspace set up at start:
   * `service-principal` (default): an SP (`clientId`) whose policy matches the issuer, its
   * default audience and `subject_claim: repositoryUuid`; `account`: an account-wide policy on
   * the same, mapping to a principal named after the repository UUID; `none`: no policy.
   */
  federation?: 'service-principal' | 'account' | 'none' | undefined;
  /** Shown as `?o=` in run page URLs (default 1234). */
  workspaceId?: number | undefined;
}

export interface Emulator extends EmulatorFacade {
  /** `http://127.0.0.1:<port>`: use as DATABRICKS_HOST. */
  readonly url: string;
  /** The Bitbucket issuer; throws when started with `issuer: false`. */
  readonly issuer: BitbucketIssuer;
  /** Application id of the default service principal (`federation: 'service-principal'`). */
  readonly clientId: string;
  /** Every request in arrival order (a live array). */
  readonly requests: readonly RequestLogEntry[];
  /** Stops the workspace and the issuer. */
  close(): Promise<void>;
}

/** Returns a started workspace emulator (and issuer) listening on 127.0.0.1. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const clock = options.clock ?? { now: () => Date.now() };
  const state = createEmulatorState({
    clock,
    ...(options.workspaceId !== undefined ? { workspaceId: options.workspaceId } : {}),
  });
  if (options.tokenLifetimeSeconds !== undefined)
    authState(state).tokenLifetimeSeconds = options.tokenLifetimeSeconds;
  const router = buildRouter(state);
  const faults = new Faults();
  const server = await startWorkspaceServer(router, state, faults);
  const issuer =
    options.issuer === false
      ? undefined
      : await startBitbucketIssuer({
          clock,
          ...(typeof options.issuer === 'object' ? options.issuer : {}),
        });
  const facade = createFacade(state, faults, server.requests);
  const clientId = issuer
    ? setUpFederation(facade, state, issuer, options.federation ?? 'service-principal')
    : '';
  // A getter, not a value: Object.assign would evaluate (and throw from) a getter source.
  Object.defineProperty(facade, 'issuer', {
    enumerable: true,
    get: (): BitbucketIssuer => {
      if (!issuer) throw new Error('the emulator was started with issuer: false');
      return issuer;
    },
  });
  return Object.assign(facade as EmulatorFacade & { readonly issuer: BitbucketIssuer }, {
    url: server.url,
    clientId,
    requests: server.requests,
    close: async () => {
      await Promise.all([server.close(), issuer?.close()]);
    },
  });
}

/** Returns a router with every module's routes registered on it. */
export function buildRouter(state: EmulatorState): Router {
  const router = new Router();
  registerOAuthRoutes(router, state);
  registerJobsRoutes(router, state);
  registerMlflowRoutes(router, state);
  registerRegistryRoutes(router, state);
  registerUnityCatalogRoutes(router, state);
  registerWorkspaceRoutes(router, state);
  return router;
}

function setUpFederation(
  facade: EmulatorFacade,
  state: EmulatorState,
  issuer: BitbucketIssuer,
  mode: NonNullable<EmulatorOptions['federation']>,
): string {
  if (mode === 'none') return '';
  const policy = {
    issuer: issuer.url,
    audiences: [issuer.audience],
    subject_claim: 'repositoryUuid',
  };
  if (mode === 'account') {
    ensurePrincipal(state, issuer.repositoryUuid, 'service_principal', 'bitbucket-repository');
    facade.setFederationPolicy({ oidc_policy: policy });
    return '';
  }
  const { clientId } = facade.addServicePrincipal({ displayName: 'bitbucket-deployer' });
  facade.setFederationPolicy({
    service_principal_id: clientId,
    oidc_policy: { ...policy, subject: issuer.repositoryUuid },
  });
  return clientId;
}

export type { RequestLogEntry } from './request-log.js';
export { fingerprint } from './request-log.js';
export type { BitbucketIssuer, BitbucketIssuerOptions, StepTokenOverrides } from './oidc-issuer.js';
export type { FaultRule, FaultHandle, FaultResponse, Faults } from './faults.js';
export type { FederationPolicy, FederationPolicyInput, OidcPolicy } from './federation.js';
export type { JobSpec, HistoryRun, StartRunOptions } from './jobs-scenario.js';
export type { RunInfo } from './jobs-inspect.js';
export type { EmulatorFacade, RunsInspector, RequestFilter } from './facade.js';
export type { EmulatorState } from './state.js';
export type { EmuClock, TaskOutcome } from './types.js';
