/**
 * Every scenario control of the MLflow, model registry, Unity Catalog and workspace modules,
 * in one place for the emulator's public object. Each takes the workspace state first.
 */
export { addExperiment, addMlflowRun, getMlflowRun } from './mlflow-store.js';
export type { ExperimentSpec, RunSpec, RunStatus } from './mlflow-store.js';
export {
  addModelVersion,
  addRegisteredModel,
  failRegistration,
  getAliasVersion,
  getModelVersion,
  setRegistrationDelay,
} from './registry-scenario.js';
export type {
  ModelVersionSeed,
  RegisteredModelSeed,
  RegistrationFailure,
} from './registry-scenario.js';
export {
  addUcModel,
  addUcModelVersion,
  clearUcDenials,
  denyUc,
  getUcModel,
} from './uc-scenario.js';
export type { UcModelSeed, UcVersionSeed } from './uc-scenario.js';
export type { UcDenial } from './uc-store.js';
export { addWorkspaceFile, readWorkspaceFile } from './workspace-store.js';
export { REGISTER_SCRIPT, RESULT_MARKER } from './uc-registration.js';
