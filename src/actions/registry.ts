import { PipeError } from '../errors.js';
import { ACTION_TYPES, type ActionType } from '../plan/types.js';
import { registerModel } from './register-model.js';
import { runJob } from './run-job.js';
import { setAlias } from './set-alias.js';
import { submitRun } from './submit-run.js';
import { tagRun } from './tag-run.js';
import { transitionStage } from './transition-stage.js';
import type { ActionDefinition } from './types.js';

/** Every action type of the plan, by its YAML key. A new action = one file + one line here. */
export const ACTIONS: Readonly<Record<ActionType, ActionDefinition>> = Object.freeze({
  run_job: runJob,
  submit_run: submitRun,
  register_model: registerModel,
  set_alias: setAlias,
  transition_stage: transitionStage,
  tag_run: tagRun,
});

/** True when `key` names an action type. */
export function isActionType(key: string): key is ActionType {
  return (ACTION_TYPES as readonly string[]).includes(key);
}

/**
 * Returns the definition of an action type.
 * @throws PipeError ERR_INTERNAL for a type that is not registered (a bug: plans are validated).
 */
export function getAction(type: string): ActionDefinition {
  if (!isActionType(type)) {
    throw new PipeError('ERR_INTERNAL', `unknown action type "${type}"`);
  }
  return ACTIONS[type];
}
