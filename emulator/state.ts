import type { EmuClock, TaskHandler } from './types.js';

/** Who a request acts as: a service principal (by application id) or a user (by user name). */
export interface Principal {
  /** The identity as Databricks names it: an SP's application id (UUID) or a user name. */
  readonly name: string;
  readonly kind: 'service_principal' | 'user';
  readonly displayName: string;
}

/**
 * Shared state of one emulated workspace. Each module keeps its own state in `extensions`
 * (through {@link getExtension}) so modules can be written and tested independently; the
 * jobs and auth modules keep theirs there too.
 */
export interface EmulatorState {
  /** Emulator time. Every life cycle is computed from `clock.now()`, never from timers. */
  readonly clock: EmuClock;
  /** Consulted in order when a task completes; the first defined outcome wins. */
  readonly taskHandlers: TaskHandler[];
  /** Returns a fresh positive id, unique within this workspace (jobs, runs, versions, ...). */
  nextId(): number;
  /** Known identities by name; auth registers service principals and PAT owners here. */
  readonly principals: Map<string, Principal>;
  /**
   * Called with `clock.now()` before each request is handled, so time-driven changes (a run
   * completing, a model version turning READY) happen in clock order, whatever is asked next.
   */
  readonly onTick: Array<(now: number) => void>;
  /** Per-module state, keyed by module name ('jobs', 'auth', 'mlflow', 'uc', ...). */
  readonly extensions: Map<string, unknown>;
  /** The workspace base URL (`http://127.0.0.1:<port>`); empty until the server listens. */
  baseUrl: string;
  /** The numeric workspace id shown as `?o=` in run page URLs. */
  readonly workspaceId: number;
}

export interface EmulatorStateOptions {
  clock?: EmuClock;
  /** First id handed out by `nextId()`; ids count up from here. */
  firstId?: number;
  workspaceId?: number;
}

const DEFAULT_FIRST_ID = 1001;
const DEFAULT_WORKSPACE_ID = 1234;

/** Returns a fresh, empty workspace state (real-time clock unless one is given). */
export function createEmulatorState(options: EmulatorStateOptions = {}): EmulatorState {
  let next = options.firstId ?? DEFAULT_FIRST_ID;
  return {
    clock: options.clock ?? { now: () => Date.now() },
    taskHandlers: [],
    nextId: () => next++,
    principals: new Map(),
    onTick: [],
    extensions: new Map(),
    baseUrl: '',
    workspaceId: options.workspaceId ?? DEFAULT_WORKSPACE_ID,
  };
}

/** Runs every `onTick` hook at the current clock time (the server does so per request). */
export function tick(state: EmulatorState): void {
  const now = state.clock.now();
  for (const hook of state.onTick) hook(now);
}

/** Returns the module's state under `key`, creating it with `init` on first use. */
export function getExtension<T>(state: EmulatorState, key: string, init: () => T): T {
  if (!state.extensions.has(key)) state.extensions.set(key, init());
  return state.extensions.get(key) as T;
}

/** Returns the principal named `name`, registering it first when it is new. */
export function ensurePrincipal(
  state: EmulatorState,
  name: string,
  kind: Principal['kind'],
  displayName: string = name,
): Principal {
  const existing = state.principals.get(name);
  if (existing) return existing;
  const principal: Principal = { name, kind, displayName };
  state.principals.set(name, principal);
  return principal;
}
