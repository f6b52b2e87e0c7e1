import { randomBytes } from 'node:crypto';
import { ensurePrincipal, type EmulatorState } from './state.js';
import type { Faults } from './faults.js';
import type { RequestLogEntry } from './request-log.js';
import {
  addPat,
  addServicePrincipal,
  authState,
  expireAllTokens,
  revokeToken,
  type ServicePrincipalInput,
} from './auth.js';
import {
  addFederationPolicy,
  clearFederationPolicies,
  type FederationPolicy,
  type FederationPolicyInput,
} from './federation.js';
import {
  addJob,
  setSubmitDefaults,
  startRun,
  type JobSpec,
  type StartRunOptions,
} from './jobs-scenario.js';
import { listRunInfos, type RunInfo } from './jobs-inspect.js';
import type { SubmitDefaults } from './jobs-model.js';
import * as mlScenario from './mlflow-scenario.js';

/** The scenario controls and inspection of an emulator, everything but its servers. */

/** Runs as a test inspects them (advanced to the emulator clock's now). */
export interface RunsInspector {
  /** Newest first; runs made by the scenario (history, orphans) only with `includeScenario`. */
  list(filter?: { jobId?: number; includeScenario?: boolean }): RunInfo[];
  get(runId: number): RunInfo | undefined;
  /** How many runs API calls started for the job (run-now), idempotent repeats excluded. */
  countForJob(jobId: number): number;
  /** Runs not yet TERMINATED, scenario ones included. */
  active(): RunInfo[];
  /** Runs a runs/cancel was accepted for. */
  cancelled(): RunInfo[];
}

export interface RequestFilter {
  method?: string;
  /** A string matches paths ending with it; a RegExp is tested against the path. */
  path?: string | RegExp;
}

type StateFunctions<T> = {
  [
    K in keyof T as T[K] extends (state: EmulatorState, ...args: never[]) => unknown ? K : never
  ]: T[K] extends (state: EmulatorState, ...args: infer A) => infer R ? (...args: A) => R : never;
};

/** MLflow, registry, Unity Catalog and workspace scenario helpers, bound to this workspace. */
export type MlScenario = StateFunctions<typeof mlScenario>;

export interface EmulatorFacade {
  readonly state: EmulatorState;
  readonly faults: Faults;
  readonly runs: RunsInspector;
  readonly ml: MlScenario;
  /** The account id a policy without `audiences` expects as `aud`. */
  readonly accountId: string;
  /** Returns the SP's client id (and the secret given, for oauth-m2m). */
  addServicePrincipal(input?: ServicePrincipalInput): { clientId: string; secret?: string };
  addUser(userName: string): void;
  /** Returns the PAT (a fresh `dapi…` value when none is given), owned by `principal`. */
  addPat(token?: string, principal?: string): string;
  /** Replaces the policies of the policy's owner (SP or account) with this one. */
  setFederationPolicy(policy: FederationPolicyInput): FederationPolicy;
  addFederationPolicy(policy: FederationPolicyInput): FederationPolicy;
  clearFederationPolicies(servicePrincipalId?: string): void;
  setTokenLifetime(seconds: number): void;
  /** Expires every OAuth access token issued so far (PATs stay valid). */
  expireAllTokens(): void;
  revokeToken(token: string): void;
  /** Returns the request-log label of an access token (`oauth-1`, `pat-1`). */
  tokenIdOf(token: string): string | undefined;
  /** Returns the new job's id. */
  addJob(spec: JobSpec): number;
  /** Returns the id of a run started outside the API (an orphan of a killed step). */
  startRun(jobId: number, options?: StartRunOptions): number;
  setSubmitDefaults(defaults: Partial<SubmitDefaults>): void;
  findRequests(filter?: RequestFilter): RequestLogEntry[];
  clearRequests(): void;
}

/** Returns the facade over one workspace state. */
export function createFacade(
  state: EmulatorState,
  faults: Faults,
  requests: RequestLogEntry[],
): EmulatorFacade {
  return {
    state,
    faults,
    runs: createRunsInspector(state),
    ml: bindState(state, mlScenario) as MlScenario,
    get accountId() {
      return authState(state).accountId;
    },
    ...authControls(state),
    addJob: (spec) => addJob(state, spec),
    startRun: (jobId, options) => startRun(state, jobId, options),
    setSubmitDefaults: (defaults) => setSubmitDefaults(state, defaults),
    findRequests: (filter = {}) => requests.filter((r) => matchesRequest(r, filter)),
    clearRequests: () => void requests.splice(0, requests.length),
  };
}

type AuthControls = Pick<
  EmulatorFacade,
  | 'addServicePrincipal'
  | 'addUser'
  | 'addPat'
  | 'setFederationPolicy'
  | 'addFederationPolicy'
  | 'clearFederationPolicies'
  | 'setTokenLifetime'
  | 'expireAllTokens'
  | 'revokeToken'
  | 'tokenIdOf'
>;

function authControls(state: EmulatorState): AuthControls {
  const ensureSp = (policy: FederationPolicyInput): void => {
    const clientId = policy.service_principal_id;
    if (clientId !== undefined) addServicePrincipal(state, { clientId });
  };
  return {
    addServicePrincipal: (input) => {
      const sp = addServicePrincipal(state, input);
      return {
        clientId: sp.applicationId,
        ...(input?.secret !== undefined ? { secret: input.secret } : {}),
      };
    },
    addUser: (userName) => void ensurePrincipal(state, userName, 'user'),
    addPat: (token = `dapi${randomBytes(16).toString('hex')}`, principal) =>
      addPat(state, token, principal),
    setFederationPolicy: (policy) => {
      ensureSp(policy);
      clearFederationPolicies(state, policy.service_principal_id);
      return addFederationPolicy(state, policy);
    },
    addFederationPolicy: (policy) => {
      ensureSp(policy);
      return addFederationPolicy(state, policy);
    },
    clearFederationPolicies: (id) => clearFederationPolicies(state, id),
    setTokenLifetime: (seconds) => {
      authState(state).tokenLifetimeSeconds = seconds;
    },
    expireAllTokens: () => expireAllTokens(state),
    revokeToken: (token) => revokeToken(state, token),
    tokenIdOf: (token) => authState(state).tokens.get(token)?.id,
  };
}

function matchesRequest(entry: RequestLogEntry, filter: RequestFilter): boolean {
  if (filter.method && filter.method.toUpperCase() !== entry.method) return false;
  if (filter.path instanceof RegExp) return filter.path.test(entry.path);
  return filter.path === undefined || entry.path.endsWith(filter.path);
}

function createRunsInspector(state: EmulatorState): RunsInspector {
  const list = (filter: { jobId?: number; includeScenario?: boolean } = {}): RunInfo[] =>
    listRunInfos(state).filter(
      (r) =>
        (filter.jobId === undefined || r.jobId === filter.jobId) &&
        (filter.includeScenario === true || !r.fromScenario),
    );
  return {
    list,
    get: (runId) => listRunInfos(state).find((r) => r.runId === runId),
    countForJob: (jobId) => list({ jobId }).length,
    active: () =>
      list({ includeScenario: true }).filter(
        (r) => r.lifeCycleState !== 'TERMINATED' && r.lifeCycleState !== 'SKIPPED',
      ),
    cancelled: () => list({ includeScenario: true }).filter((r) => r.isCancelled),
  };
}

function bindState(state: EmulatorState, module: Record<string, unknown>): Record<string, unknown> {
  const bound: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(module)) {
    if (typeof value === 'function')
      bound[name] = (...args: unknown[]) => (value as (...a: unknown[]) => unknown)(state, ...args);
  }
  return bound;
}
