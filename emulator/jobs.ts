import type { EmuRequest, EmuResponse, Router } from './router.js';
import type { EmulatorState } from './state.js';
import {
  JOBS_VERSIONS,
  boolQuery,
  limitOf,
  offsetOf,
  pageToken,
  requireId,
  type JobsVersion,
} from './jobs-args.js';
import { advanceAllRuns } from './jobs-lifecycle.js';
import { jobsState, type EmuJob } from './jobs-model.js';
import { registerRunsRoutes } from './jobs-runs.js';
import { requireJob, runNow, submitRun } from './jobs-trigger.js';

/** Jobs API 2.1 and 2.2: the routes, and jobs/list and jobs/get (reference §3). */

const MAX_JOBS_LIMIT = 100;
const DEFAULT_JOBS_LIMIT = 20;
/** 2.2 returns at most this many array elements (tasks, parameters) per jobs/get or runs/get. */
export const ARRAY_PAGE_SIZE = 100;

/** Registers every Jobs route under /api/2.1/ and /api/2.2/, and the hook that advances runs. */
export function registerJobsRoutes(router: Router, state: EmulatorState): void {
  state.onTick.push((now) => advanceAllRuns(state, now));
  for (const version of JOBS_VERSIONS) {
    const base = `/api/${version}/jobs`;
    router.add('GET', `${base}/list`, (req) => listJobs(state, req));
    router.add('GET', `${base}/get`, (req) => getJob(state, req, version));
    router.add('POST', `${base}/run-now`, (req) => runNow(state, req));
    router.add('POST', `${base}/runs/submit`, (req) => submitRun(state, req));
    registerRunsRoutes(router, state, version);
  }
}

function baseJob(job: EmuJob, expandTasks: boolean): Record<string, unknown> {
  const { tasks, job_clusters: clusters, ...rest } = job.settings;
  const settings = expandTasks
    ? {
        ...rest,
        tasks: tasks.slice(0, ARRAY_PAGE_SIZE),
        ...(clusters ? { job_clusters: clusters } : {}),
      }
    : rest;
  return {
    job_id: job.job_id,
    creator_user_name: job.creator_user_name,
    settings,
    created_time: job.created_time,
    ...(expandTasks ? { has_more: tasks.length > ARRAY_PAGE_SIZE } : {}),
  };
}

function listJobs(state: EmulatorState, req: EmuRequest): EmuResponse {
  const limit = limitOf(req, MAX_JOBS_LIMIT, DEFAULT_JOBS_LIMIT);
  const offset = offsetOf(req.query.get('page_token'));
  const name = req.query.get('name');
  const expandTasks = boolQuery(req, 'expand_tasks') ?? false;
  const matching = [...jobsState(state).jobs.values()]
    .filter((job) => !name || job.settings.name.toLowerCase() === name.toLowerCase())
    .sort((a, b) => a.job_id - b.job_id);
  const page = matching.slice(offset, offset + limit);
  const hasMore = offset + limit < matching.length;
  return {
    status: 200,
    body: {
      // proto3 JSON omits empty repeated fields: no match means no `jobs` key at all.
      ...(page.length ? { jobs: page.map((job) => baseJob(job, expandTasks)) } : {}),
      has_more: hasMore,
      ...(hasMore ? { next_page_token: pageToken(offset + limit) } : {}),
      ...(offset > 0 ? { prev_page_token: pageToken(Math.max(0, offset - limit)) } : {}),
    },
  };
}

function getJob(state: EmulatorState, req: EmuRequest, version: JobsVersion): EmuResponse {
  const job = requireJob(state, requireId(req.query.get('job_id'), 'job_id'));
  const { tasks, ...rest } = job.settings;
  const offset = version === '2.2' ? offsetOf(req.query.get('page_token')) : 0;
  const size = version === '2.2' ? ARRAY_PAGE_SIZE : Number.POSITIVE_INFINITY;
  const hasMore = offset + size < tasks.length;
  return {
    status: 200,
    body: {
      job_id: job.job_id,
      creator_user_name: job.creator_user_name,
      run_as_user_name: job.creator_user_name,
      created_time: job.created_time,
      settings: { ...rest, tasks: tasks.slice(offset, offset + size) },
      ...(hasMore ? { next_page_token: pageToken(offset + size) } : {}),
    },
  };
}
