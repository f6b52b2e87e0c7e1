/**
 * Request economy, read from a request log: requests by endpoint, the minimum each needs, and
 * every call that repeats one whose answer could have been reused. Pure: the runner feeds it
 * the emulator's log of one pipe invocation.
 */
import type { LoggedRequest } from './wait-analysis.js';

/** A request as the economy reads it (the body identifies writes). */
export interface EconomyRequest extends LoggedRequest {
  readonly body?: unknown;
  readonly status?: number;
}

/** Calls that answer the same question, however they ask it: one of each suffices. */
export const LOOKUP_GROUPS: ReadonlyArray<{ name: string; pattern: RegExp }> = [
  { name: 'token exchange', pattern: /^POST \/oidc\/v1\/token$/ },
  { name: 'job id lookup', pattern: /^GET \/api\/2\.[12]\/jobs\/(list|get)$/ },
  { name: 'job history (duration prediction)', pattern: /^GET \/api\/2\.[12]\/jobs\/runs\/list$/ },
  {
    name: 'experiment lookup',
    pattern: /^GET \/api\/2\.0\/mlflow\/experiments\/(get-by-name|get)$/,
  },
];

/** Writes of one kind to one object that a single batch call could make (key: the object). */
export const BATCHABLE: ReadonlyArray<{
  name: string;
  pattern: RegExp;
  objectOf: (r: EconomyRequest) => string;
}> = [
  {
    name: 'tags on one MLflow run (runs/log-batch takes them in one call)',
    pattern: /^POST \/api\/2\.0\/mlflow\/runs\/set-tag$/,
    objectOf: (r) => JSON.stringify((r.body as { run_id?: unknown } | undefined)?.run_id ?? null),
  },
];

// A job run may log MLflow runs, so a search asked again after one starts is a new question.
const RUN_STARTS = [
  /^POST \/api\/2\.[12]\/jobs\/run-now$/,
  /^POST \/api\/2\.[12]\/jobs\/runs\/submit$/,
];
const ANSWER_CHANGES_WITH_RUNS = [/^POST \/api\/2\.0\/mlflow\/runs\/search$/];

// A runs/list since a moment, asked while waiting on several runs of one job: their states at
// once (src/actions/jobs/run-watch.ts), a poll for all of them.
const isStateSweep = (r: LoggedRequest): boolean =>
  /^GET \/api\/2\.[12]\/jobs\/runs\/list$/.test(endpointOf(r)) &&
  r.query['start_time_from'] !== undefined;

// Asked again and again on purpose: a wait looks until the state changes.
const POLL_ENDPOINTS = [
  /^GET \/api\/2\.[12]\/jobs\/runs\/get$/,
  /^GET \/api\/2\.0\/mlflow\/(databricks\/)?model-versions\/get$/,
  /^GET \/api\/2\.1\/unity-catalog\/models\/[^/]+\/versions\/\d+$/,
];

export interface EndpointCount {
  endpoint: string;
  count: number;
  /**
   * Distinct requests (method, path, query, body; for runs/search, also after which job run
   * start): the fewest that ask the same things.
   */
  distinct: number;
  isPoll: boolean;
}

export interface EconomyFigures {
  total: number;
  /** Requests that are not polls. */
  nonPoll: number;
  /** The fewest non-poll requests that ask the same things: distinct ones, one per lookup group. */
  minimumNonPoll: number;
  polls: number;
  byEndpoint: EndpointCount[];
  /** Why each avoidable request was avoidable. */
  avoidable: string[];
}

/** Returns `METHOD /path` of a request. */
export function endpointOf(r: LoggedRequest): string {
  return `${r.method} ${r.path}`;
}

/** A request and what it asks: equal identities ask the same thing and get the same answer. */
interface Asked {
  request: EconomyRequest;
  identity: string;
}

/**
 * Returns each request with its identity (method, path, query, body). A request whose answer
 * a job run may change also carries how many runs were started before it, so asking again
 * after a run-now or runs/submit is not a repeat.
 */
function identify(requests: readonly EconomyRequest[]): Asked[] {
  let runsStarted = 0;
  return requests.map((request) => {
    const endpoint = endpointOf(request);
    const epoch = ANSWER_CHANGES_WITH_RUNS.some((p) => p.test(endpoint)) ? [runsStarted] : [];
    if (RUN_STARTS.some((p) => p.test(endpoint))) runsStarted += 1;
    const { method, path, query, body } = request;
    return { request, identity: JSON.stringify([method, path, query, body ?? null, ...epoch]) };
  });
}

/** Returns the economy figures of a pipe's requests (already filtered to that pipe). */
export function analyzeEconomy(requests: readonly EconomyRequest[]): EconomyFigures {
  const isPoll = (r: LoggedRequest): boolean =>
    isStateSweep(r) || POLL_ENDPOINTS.some((p) => p.test(endpointOf(r)));
  const byEndpoint = new Map<string, EndpointCount>();
  const seen = new Set<string>();
  const asked = identify(requests);
  for (const { request: r, identity } of asked) {
    const key = `${endpointOf(r)}${isStateSweep(r) ? ' (state sweep)' : ''}`;
    const row = byEndpoint.get(key) ?? { endpoint: key, count: 0, distinct: 0, isPoll: isPoll(r) };
    row.count += 1;
    if (!seen.has(identity)) row.distinct += 1;
    seen.add(identity);
    byEndpoint.set(key, row);
  }
  const rows = [...byEndpoint.values()];
  const nonPoll = asked.filter((a) => !isPoll(a.request));
  const batches = batchExcess(nonPoll);
  const nonPollRequests = nonPoll.map((a) => a.request);
  const avoidable = [
    ...repeatedRequests(nonPoll),
    ...groupExcess(nonPollRequests),
    ...batches.map((b) => b.text),
  ];
  const repeats = rows.filter((r) => !r.isPoll).reduce((n, r) => n + r.count - r.distinct, 0);
  const batchable = batches.reduce((n, b) => n + b.excess, 0);
  return {
    total: requests.length,
    nonPoll: nonPoll.length,
    minimumNonPoll: nonPoll.length - repeats - groupExcessCount(nonPollRequests) - batchable,
    polls: requests.length - nonPoll.length,
    byEndpoint: rows.sort((a, b) => b.count - a.count || a.endpoint.localeCompare(b.endpoint)),
    avoidable,
  };
}

function repeatedRequests(asked: readonly Asked[]): string[] {
  const counts = new Map<string, { count: number; sample: EconomyRequest }>();
  for (const { request, identity } of asked) {
    const entry = counts.get(identity) ?? { count: 0, sample: request };
    entry.count += 1;
    counts.set(identity, entry);
  }
  return [...counts.values()]
    .filter((e) => e.count > 1)
    .map(
      (e) =>
        `${endpointOf(e.sample)}${describeQuery(e.sample)} sent ${e.count}× with the same parameters`,
    );
}

/** Distinct lookups beyond the first within a group (e.g. jobs/list then jobs/get for one job). */
function groupExcess(requests: readonly EconomyRequest[]): string[] {
  return LOOKUP_GROUPS.flatMap((group) => {
    const distinct = distinctIn(requests, group.pattern);
    return distinct.length > 1
      ? [
          `${group.name}: ${distinct.length} different calls (${distinct.join('; ')}) where one would do`,
        ]
      : [];
  });
}

function groupExcessCount(requests: readonly EconomyRequest[]): number {
  return LOOKUP_GROUPS.reduce(
    (n, g) => n + Math.max(0, distinctIn(requests, g.pattern).length - 1),
    0,
  );
}

function distinctIn(requests: readonly EconomyRequest[], pattern: RegExp): string[] {
  const matching = requests.filter((r) => pattern.test(endpointOf(r)));
  return [...new Set(matching.map((r) => `${endpointOf(r)}${describeQuery(r)}`))];
}

/** Distinct writes beyond one per object that a batch call could have carried. */
function batchExcess(asked: readonly Asked[]): Array<{ text: string; excess: number }> {
  return BATCHABLE.flatMap((rule) => {
    const perObject = new Map<string, Set<string>>();
    for (const { request, identity } of asked.filter((a) =>
      rule.pattern.test(endpointOf(a.request)),
    )) {
      const writes = perObject.get(rule.objectOf(request)) ?? new Set<string>();
      writes.add(identity);
      perObject.set(rule.objectOf(request), writes);
    }
    return [...perObject.entries()]
      .filter(([, writes]) => writes.size > 1)
      .map(([object, writes]) => ({
        text: `${rule.name}: ${writes.size} calls for ${object || 'one object'} where one would do`,
        excess: writes.size - 1,
      }));
  });
}

function describeQuery(r: LoggedRequest): string {
  const entries = Object.entries(r.query);
  return entries.length ? `?${entries.map(([k, v]) => `${k}=${v}`).join('&')}` : '';
}
