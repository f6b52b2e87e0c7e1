/**
 * Seeding a real MLflow server through its REST API, as a training job would: experiments,
 * runs with metrics and tags, finished.
 */
import type { MlflowServer } from '../../support/mlflow-server.js';

export interface SeedRun {
  metrics?: Record<string, number>;
  tags?: Record<string, string>;
}

/** Returns the id of the experiment with this name, creating it when missing. */
export async function ensureExperiment(server: MlflowServer, name: string): Promise<string> {
  try {
    const found = await server.get<{ experiment: { experiment_id: string } }>(
      'experiments/get-by-name',
      { experiment_name: name },
    );
    return found.experiment.experiment_id;
  } catch {
    const created = await server.post<{ experiment_id: string }>('experiments/create', { name });
    return created.experiment_id;
  }
}

/** Returns the id of a new FINISHED run with these metrics and tags. */
export async function seedRun(
  server: MlflowServer,
  experimentId: string,
  seed: SeedRun,
): Promise<string> {
  const now = Date.now();
  const created = await server.post<{ run: { info: { run_id: string } } }>('runs/create', {
    experiment_id: experimentId,
    start_time: now,
  });
  const runId = created.run.info.run_id;
  for (const [key, value] of Object.entries(seed.metrics ?? {})) {
    await server.post('runs/log-metric', { run_id: runId, key, value, timestamp: now, step: 0 });
  }
  for (const [key, value] of Object.entries(seed.tags ?? {})) {
    await server.post('runs/set-tag', { run_id: runId, key, value });
  }
  await server.post('runs/update', { run_id: runId, status: 'FINISHED', end_time: now + 1 });
  return runId;
}

/** Returns a run's tags. */
export async function runTagsOf(
  server: MlflowServer,
  runId: string,
): Promise<Record<string, string>> {
  const res = await server.get<{ run: { data: { tags?: { key: string; value: string }[] } } }>(
    'runs/get',
    { run_id: runId },
  );
  return Object.fromEntries((res.run.data.tags ?? []).map((t) => [t.key, t.value]));
}

/** Returns every version of a registered model, newest first. */
export async function versionsOf(
  server: MlflowServer,
  name: string,
): Promise<{ version: string; status: string; run_id?: string; tags: Record<string, string> }[]> {
  const res = await server.get<{
    model_versions?: {
      version: string;
      status: string;
      run_id?: string;
      tags?: { key: string; value: string }[];
    }[];
  }>('model-versions/search', { filter: `name = '${name}'` });
  return (res.model_versions ?? [])
    .map((v) => ({ ...v, tags: Object.fromEntries((v.tags ?? []).map((t) => [t.key, t.value])) }))
    .sort((a, b) => Number(b.version) - Number(a.version));
}
