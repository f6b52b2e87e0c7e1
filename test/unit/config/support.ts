import { PipeError } from '../../../src/errors.js';
import { loadConfig, type LoadedConfig } from '../../../src/config/load-config.js';
import { Redactor } from '../../../src/log/redactor.js';

export type Env = Record<string, string | undefined>;

export const CWD = '/work/repo';

/** The smallest valid set of variables. */
export const BASE: Env = {
  DATABRICKS_HOST: 'https://dbc-1234abcd-5678.cloud.databricks.com',
  ACTIONS_FILE: '.databricks/release.yml',
};

/** Loads `env` with an isolated redactor, so tests never touch the process-wide one. */
export function load(env: Env, redactor = new Redactor()): LoadedConfig {
  return loadConfig(env, CWD, { redactor });
}

/** Returns the ERR_CONFIG_INVALID error loading `env` throws; fails the test when it loads. */
export function loadError(env: Env, redactor = new Redactor()): PipeError {
  try {
    load(env, redactor);
  } catch (error) {
    if (error instanceof PipeError) return error;
    throw error;
  }
  throw new Error(`expected loadConfig to reject ${Object.keys(env).join(', ')}`);
}
