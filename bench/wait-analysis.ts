/**
 * What one client's wait cost, read from the emulator's request log alone, the same way for
 * every client: its requests are told apart by the bearer token each client is given.
 */

/** The part of a request-log entry the analysis reads. */
export interface LoggedRequest {
  readonly time: number;
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string>;
  readonly tokenId?: string;
}

export interface WaitTarget {
  /** Label of the client's token in the request log (`pat-3`). */
  tokenId: string;
  runId: number;
  /** Emulator time the run became TERMINATED. */
  endAt: number;
}

/** One client's wait on one run. */
export interface WaitFigures {
  /** Emulator time of the client's run-now. */
  triggeredAt: number;
  /** Emulator time of the first runs/get that saw the run ended. */
  noticedAt: number;
  noticeDelayMs: number;
  /** runs/get calls for the run, from the trigger to the noticing one inclusive. */
  polls: number;
  /** Every request the client sent after the trigger, up to the noticing one inclusive. */
  requestsWhileWaiting: number;
  /** Those requests by endpoint (`GET /api/2.2/jobs/runs/get`). */
  byEndpoint: Record<string, number>;
}

const RUN_NOW = /\/jobs\/run-now$/;
const RUNS_GET = /\/jobs\/runs\/get$/;

/**
 * Returns the client's wait figures, or an error string when the log shows no trigger or no
 * look at the run after it ended (the client gave up, or the run never ended). `requests`
 * must be in arrival order, as the emulator logs them.
 */
export function analyzeWait(
  requests: readonly LoggedRequest[],
  target: WaitTarget,
): WaitFigures | string {
  // Arrival order, not time: on a virtual clock many requests share one instant.
  const own = requests.filter((r) => r.tokenId === target.tokenId);
  const triggerAt = own.findIndex((r) => r.method === 'POST' && RUN_NOW.test(r.path));
  const trigger = own[triggerAt];
  if (!trigger) return `no run-now from ${target.tokenId}`;
  const isLook = (r: LoggedRequest): boolean =>
    r.method === 'GET' && RUNS_GET.test(r.path) && r.query['run_id'] === String(target.runId);
  const noticeAt = own.findIndex((r, i) => i > triggerAt && isLook(r) && r.time >= target.endAt);
  const notice = own[noticeAt];
  if (!notice) return `${target.tokenId} never looked at run ${target.runId} after it ended`;
  const waiting = own.slice(triggerAt + 1, noticeAt + 1);
  const byEndpoint: Record<string, number> = {};
  for (const r of waiting) {
    const key = `${r.method} ${r.path}`;
    byEndpoint[key] = (byEndpoint[key] ?? 0) + 1;
  }
  return {
    triggeredAt: trigger.time,
    noticedAt: notice.time,
    noticeDelayMs: notice.time - target.endAt,
    polls: waiting.filter(isLook).length,
    requestsWhileWaiting: waiting.length,
    byEndpoint,
  };
}
