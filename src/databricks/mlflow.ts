/**
 * MLflow REST on a workspace (reference §4.1, §4.2): tracking (experiments, runs, run tags) and
 * the workspace model registry. Maps typed requests to paths and nothing more; the same paths
 * are served by an open-source MLflow tracking server, which the tests run for real.
 */
import type { ApiClient } from './types.js';

const BASE = '/api/2.0/mlflow';

/** MLflow's limit on tags in one runs/log-batch request (MAX_PARAMS_TAGS_PER_BATCH). */
export const MAX_TAGS_PER_BATCH = 100;

export interface MlflowTag {
  key: string;
  value: string;
}

export interface MlflowExperiment {
  experiment_id: string;
  name: string;
  lifecycle_stage?: string;
}

export interface MlflowRunInfo {
  run_id: string;
  experiment_id: string;
  run_name?: string;
  status?: string;
  lifecycle_stage?: string;
}

export interface MlflowRun {
  info: MlflowRunInfo;
  data?: { tags?: MlflowTag[]; metrics?: { key: string; value: number }[] };
}

export interface SearchRunsRequest {
  experiment_ids: string[];
  filter?: string;
  order_by?: string[];
  max_results: number;
  page_token?: string;
}

export type ModelVersionStatus = 'PENDING_REGISTRATION' | 'READY' | 'FAILED_REGISTRATION';

export interface ModelVersion {
  name: string;
  version: string;
  /** A {@link ModelVersionStatus}; kept open because servers may add values. */
  status?: string;
  status_message?: string;
  current_stage?: string;
  source?: string;
  run_id?: string;
  tags?: MlflowTag[];
}

export interface RegisteredModel {
  name: string;
  aliases?: { alias: string; version: string }[];
}

export interface CreateModelVersionRequest {
  name: string;
  source: string;
  run_id?: string;
  description?: string;
  tags: MlflowTag[];
}

export interface TransitionStageRequest {
  name: string;
  version: string;
  stage: string;
  archive_existing_versions: boolean;
  comment?: string;
}

/** The tracking and workspace-registry calls the registry actions make. */
export interface MlflowApi {
  /** @throws PipeError ERR_NOT_FOUND when no experiment has this name */
  getExperimentByName(name: string): Promise<MlflowExperiment>;
  /** @throws PipeError ERR_NOT_FOUND */
  getExperiment(id: string): Promise<MlflowExperiment>;
  searchRuns(req: SearchRunsRequest): Promise<{ runs: MlflowRun[]; next_page_token?: string }>;
  /** @throws PipeError ERR_NOT_FOUND */
  getRun(runId: string): Promise<MlflowRun>;
  /** Idempotent: setting a tag to the value it has changes nothing. */
  setRunTag(runId: string, tag: MlflowTag): Promise<void>;
  /**
   * Sets several tags on a run in one call (runs/log-batch; MLflow takes at most
   * {@link MAX_TAGS_PER_BATCH}). Idempotent like set-tag.
   */
  logBatchTags(runId: string, tags: readonly MlflowTag[]): Promise<void>;
  /** @throws PipeError ERR_NOT_FOUND */
  getRegisteredModel(name: string): Promise<RegisteredModel>;
  /** @throws PipeError ERR_API with errorCode RESOURCE_ALREADY_EXISTS when it exists */
  createRegisteredModel(name: string, tags: MlflowTag[]): Promise<void>;
  /** Never retried on ambiguous failures (DESIGN §7.4): the caller looks before creating again. */
  createModelVersion(req: CreateModelVersionRequest): Promise<ModelVersion>;
  /** @throws PipeError ERR_NOT_FOUND */
  getModelVersion(name: string, version: string): Promise<ModelVersion>;
  searchModelVersions(
    filter: string,
    pageToken?: string,
  ): Promise<{ model_versions: ModelVersion[]; next_page_token?: string }>;
  setAlias(name: string, alias: string, version: string): Promise<void>;
  /** Databricks' path (DESIGN §7.8). */
  transitionStageDatabricks(req: TransitionStageRequest): Promise<ModelVersion>;
  /** Open-source MLflow's path, which has no comment. */
  transitionStageOss(req: TransitionStageRequest): Promise<ModelVersion>;
}

/** Returns the MLflow calls bound to one client and abort signal. */
export function mlflowApi(api: ApiClient, signal?: AbortSignal): MlflowApi {
  const call = <T>(req: Parameters<ApiClient['request']>[0]): Promise<T> =>
    api.request<T>(signal ? { ...req, signal } : req);
  const get = <T>(path: string, query: Record<string, string | number>): Promise<T> =>
    call<T>({ method: 'GET', path: `${BASE}/${path}`, query });
  // `idempotent` marks writes that are safe to repeat after an ambiguous failure.
  const post = <T>(path: string, body: unknown, idempotent: boolean): Promise<T> =>
    call<T>({ method: 'POST', path: `${BASE}/${path}`, body, idempotent });
  return {
    getExperimentByName: async (name) =>
      (
        await get<{ experiment: MlflowExperiment }>('experiments/get-by-name', {
          experiment_name: name,
        })
      ).experiment,
    getExperiment: async (id) =>
      (await get<{ experiment: MlflowExperiment }>('experiments/get', { experiment_id: id }))
        .experiment,
    searchRuns: async (req) => {
      // A search changes nothing: safe to repeat although it is a POST.
      const res = await post<{ runs?: MlflowRun[]; next_page_token?: string }>(
        'runs/search',
        req,
        true,
      );
      return {
        runs: res.runs ?? [],
        ...(res.next_page_token ? { next_page_token: res.next_page_token } : {}),
      };
    },
    getRun: async (runId) => (await get<{ run: MlflowRun }>('runs/get', { run_id: runId })).run,
    setRunTag: async (runId, tag) => {
      await post('runs/set-tag', { run_id: runId, key: tag.key, value: tag.value }, true);
    },
    logBatchTags: async (runId, tags) => {
      await post('runs/log-batch', { run_id: runId, tags }, true);
    },
    getRegisteredModel: async (name) =>
      (await get<{ registered_model: RegisteredModel }>('registered-models/get', { name }))
        .registered_model,
    createRegisteredModel: async (name, tags) => {
      await post('registered-models/create', { name, tags }, true);
    },
    createModelVersion: async (req) =>
      (await post<{ model_version: ModelVersion }>('model-versions/create', req, false))
        .model_version,
    getModelVersion: async (name, version) =>
      (await get<{ model_version: ModelVersion }>('model-versions/get', { name, version }))
        .model_version,
    searchModelVersions: async (filter, pageToken) => {
      const query = pageToken ? { filter, page_token: pageToken } : { filter };
      const res = await get<{ model_versions?: ModelVersion[]; next_page_token?: string }>(
        'model-versions/search',
        query,
      );
      return {
        model_versions: res.model_versions ?? [],
        ...(res.next_page_token ? { next_page_token: res.next_page_token } : {}),
      };
    },
    setAlias: async (name, alias, version) => {
      await post('registered-models/alias', { name, alias, version }, true);
    },
    transitionStageDatabricks: async (req) =>
      (
        await post<{ model_version_databricks: ModelVersion }>(
          'databricks/model-versions/transition-stage',
          req,
          true,
        )
      ).model_version_databricks,
    transitionStageOss: async ({ comment: _comment, ...req }) =>
      (await post<{ model_version: ModelVersion }>('model-versions/transition-stage', req, true))
        .model_version,
  };
}

/** Returns a run's tags as a record. */
export function runTags(run: MlflowRun): Record<string, string> {
  return Object.fromEntries((run.data?.tags ?? []).map((t) => [t.key, t.value]));
}

/** Returns `{key: value}` as MLflow's `[{key, value}]`. */
export function toTagList(tags: Readonly<Record<string, string>>): MlflowTag[] {
  return Object.entries(tags).map(([key, value]) => ({ key, value }));
}
