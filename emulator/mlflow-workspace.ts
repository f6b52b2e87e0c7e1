import { invokeRoute, type InvokeOptions } from './invoke.js';
import { registerMlflowRoutes } from './mlflow.js';
import { registerRegistryRoutes } from './registry.js';
import { Router, type EmuResponse } from './router.js';
import { createEmulatorState, type EmulatorState } from './state.js';
import { registerUnityCatalogRoutes } from './unity-catalog.js';
import { registerWorkspaceRoutes } from './workspace.js';

/** A workspace routing only the ML modules, with a hand-driven clock, for unit tests. */
export interface MlWorkspace {
  state: EmulatorState;
  router: Router;
  /** Sends a request through the routes (no socket); errors come back as error bodies. */
  call(method: string, pathWithQuery: string, options?: InvokeOptions): Promise<EmuResponse>;
  /** Moves emulator time forward. */
  advance(ms: number): void;
}

/** Returns a fresh workspace with the MLflow, registry, UC and workspace routes. */
export function createMlWorkspace(startMs = 1_700_000_000_000): MlWorkspace {
  let now = startMs;
  const state = createEmulatorState({ clock: { now: () => now } });
  const router = new Router();
  registerMlflowRoutes(router, state);
  registerRegistryRoutes(router, state);
  registerUnityCatalogRoutes(router, state);
  registerWorkspaceRoutes(router, state);
  return {
    state,
    router,
    call: (method, path, options) => invokeRoute(router, method, path, options),
    advance: (ms) => {
      now += ms;
    },
  };
}
