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

// Asked again and again on purpose: a wait looks until the state changes.
const POLL_ENDPOINTS = [
  /^GET \/api\/2\.[12]\/jobs\/runs\/get$/,
  /^GET \/api\/2\.0\/mlflow\/(databricks\/)?model-versions\/get$/,
  /^GET \/api\/2\.1\/unity-catalog\/models\/[^/]+\/versions\/\d+$/,
];

export interface EndpointCount {
  endpoint: string;
  count: number;
  /** Distinct requests (method, path, query, body): the fewest that ask the same things. */
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

function identity(r: EconomyRequest): string {
  return JSON.stringify([r.method, r.path, r.query, r.body ?? null]);
}

/** Returns the economy figures of a pipe's requests (already filtered to that pipe). */
export function analyzeEconomy(requests: readonly EconomyRequest[]): EconomyFigures {
  const isPoll = (r: LoggedRequest): boolean => POLL_ENDPOINTS.some((p) => p.test(endpointOf(r)));
  const byEndpoint = new Map<string, EndpointCount>();
  const seen = new Set<string>();
  for (const r of requests) {
    const key = endpointOf(r);
    const row = byEndpoint.get(key) ?? { endpoint: key, count: 0, distinct: 0, isPoll: isPoll(r) };
    row.count += 1;
    if (!seen.has(identity(r))) row.distinct += 1;
    seen.add(identity(r));
    byEndpoint.set(key, row);
  }
  const rows = [...byEndpoint.values()];
  const nonPoll = requests.filter((r) => !isPoll(r));
  const batches = batchExcess(nonPoll);
  const avoidable = [
    ...repeatedRequests(nonPoll),
    ...groupExcess(nonPoll),
    ...batches.map((b) => b.text),
  ];
  const repeats = rows.filter((r) => !r.isPoll).reduce((n, r) => n + r.count - r.distinct, 0);
  const batchable = batches.reduce((n, b) => n + b.excess, 0);
  return {
    total: requests.length,
    nonPoll: nonPoll.length,
    minimumNonPoll: nonPoll.length - repeats - groupExcessCount(nonPoll) - batchable,
    polls: requests.length - nonPoll.length,
    byEndpoint: rows.sort((a, b) => b.count - a.count || a.endpoint.localeCompare(b.endpoint)),
    avoidable,
  };
}

function repeatedRequests(requests: readonly EconomyRequest[]): string[] {
  const counts = new Map<string, { count: number; sample: EconomyRequest }>();
  for (const r of requests) {
    const entry = counts.get(identity(r)) ?? { count: 0, sample: r };
    entry.count += 1;
    counts.set(identity(r), entry);
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
function batchExcess(requests: readonly EconomyRequest[]): Array<{ text: string; excess: number }> {
  return BATCHABLE.flatMap((rule) => {
    const perObject = new Map<string, Set<string>>();
    for (const r of requests.filter((q) => rule.pattern.test(endpointOf(q)))) {
      const writes = perObject.get(rule.objectOf(r)) ?? new Set<string>();
      writes.add(identity(r));
      perObject.set(rule.objectOf(r), writes);
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
