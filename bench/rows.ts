/**
 * Figures → table rows with targets (issue #9). Pure: every verdict the table prints is
 * decided here, from the figures results.json also holds.
 */
import type { EconomyRun } from './economy-run.js';
import type { FanoutFigures } from './fanout.js';
import type { FootprintFigures } from './footprint.js';
import { atLeast, atMost, duration, times, toMb, type TableRow } from './report.js';
import type { StartupFigures } from './startup.js';
import { median, ratio } from './stats.js';
import type { WaitRow } from './waiting.js';

export const TARGETS = {
  validationRatio: 1.3,
  fewerRequestsFactor: 3,
  fewerRequestsFromMs: 10 * 60_000,
  fanoutWallRatio: 1.2,
  fanoutPeakRssMb: 150,
  requestsPerSecond: 15,
  imageOwnMb: 5,
} as const;

/** Returns the startup rows. */
export function startupRows(s: StartupFigures): TableRow[] {
  const bare = median(s.bareNodeMs);
  return [
    {
      benchmark: '1 startup',
      figure: `validation failure (exit 2), fresh clone dir as in a step, vs node -e 0, median of ${s.runs}`,
      measured: `${times(s.validationRatio)} (${duration(median(s.validationFailureMs))} vs ${duration(bare)})`,
      target: `≤ ${TARGETS.validationRatio}×`,
      met: atMost(s.validationRatio, TARGETS.validationRatio),
    },
    {
      benchmark: '1 startup',
      figure: 'validation failure replacing an earlier run\'s results.json, vs node -e 0',
      measured: `${times(s.validationRewriteRatio)} (${duration(median(s.validationRewriteMs))})`,
      target: '—',
      met: null,
    },
    {
      benchmark: '1 startup',
      figure: `spawn → first request (${s.firstRequest}) vs node -e 0`,
      measured: `${times(s.firstRequestRatio)} (${duration(median(s.firstRequestMs))}; bare fetch ${duration(median(s.bareFetchMs))})`,
      target: '—',
      met: null,
    },
  ];
}

function medianOf(
  row: WaitRow | undefined,
  pick: (t: WaitRow['trials'][number]) => number,
): number {
  return row ? median(row.trials.map(pick)) : Number.NaN;
}

function maxOf(row: WaitRow | undefined): number {
  return row && row.trials.length > 0
    ? Math.max(...row.trials.map((t) => t.noticeDelayMs))
    : Number.NaN;
}

/** What "virtual time*" in a waiting row means; printed under the table. */
export const VIRTUAL_TIME_NOTE =
  '* virtual time: both clients ran their own code against the emulator on one shared virtual ' +
  "clock that jumps ahead while every client sleeps: the pipe's injected Clock, and the SDK's " +
  'jobs waiter with its time.sleep/time.time replaced (its schedule, min(attempt, 10) s + ' +
  'random() s, unchanged). "SDK schedule model" is the same schedule computed, as a cross-check.';

/** Returns three rows per duration: requests while waiting, notice delay, and without history. */
export function waitingRows(rows: readonly WaitRow[]): TableRow[] {
  const cases = [...new Set(rows.map((r) => r.case))];
  return cases.flatMap((c) => {
    const pipe = rows.find((r) => r.case === c && r.client === 'pipe');
    const bare = rows.find((r) => r.case === c && r.client === 'pipe-no-history');
    const sdk = rows.find((r) => r.case === c && r.client === 'sdk');
    const pipeRequests = medianOf(pipe, (t) => t.requestsWhileWaiting);
    const sdkRequests = medianOf(sdk, (t) => t.requestsWhileWaiting);
    const fewer = ratio(sdkRequests, pipeRequests);
    const pipeDelay = medianOf(pipe, (t) => t.noticeDelayMs);
    const sdkDelay = medianOf(sdk, (t) => t.noticeDelayMs);
    const isLong = c.durationMs >= TARGETS.fewerRequestsFromMs;
    const how = `${c.virtual ? 'virtual time*' : 'real time'}, ${pipe?.trials.length ?? 0}+${sdk?.trials.length ?? 0} runs`;
    const model = sdk ? `; SDK schedule model ${sdk.model.medianPolls}` : '';
    const delayModel = sdk ? `; model ${duration(sdk.model.medianNoticeDelayMs)}` : '';
    const driver = pipe?.driver === 'schedule' ? ', pipe schedule bench-driven' : '';
    return [
      {
        benchmark: `2 wait ${c.label}`,
        figure: `requests while waiting, pipe vs SDK (${how}${driver})`,
        measured: `${pipeRequests} vs ${sdkRequests}: ${times(fewer)} fewer${model}`,
        target: isLong ? `≥ ${TARGETS.fewerRequestsFactor}× fewer` : '—',
        met: isLong ? atLeast(fewer, TARGETS.fewerRequestsFactor) : null,
      },
      {
        benchmark: `2 wait ${c.label}`,
        figure: 'notice delay after the run ended, median pipe vs SDK',
        measured: `${duration(pipeDelay)} vs ${duration(sdkDelay)} (worst ${duration(maxOf(pipe))} vs ${duration(maxOf(sdk))})${delayModel}`,
        target: 'pipe ≤ SDK',
        met: Number.isFinite(pipeDelay) && Number.isFinite(sdkDelay) ? pipeDelay <= sdkDelay : null,
      },
      {
        benchmark: `2 wait ${c.label}`,
        figure: 'pipe on a job without history (no prediction): requests, notice delay',
        measured: `${medianOf(bare, (t) => t.requestsWhileWaiting)}, ${duration(medianOf(bare, (t) => t.noticeDelayMs))}`,
        target: '—',
        met: null,
      },
    ];
  });
}

/** Returns the fan-out rows. */
export function fanoutRows(f: FanoutFigures): TableRow[] {
  const bench = `3 fan-out ${f.runs}×${duration(f.runMs)}`;
  return [
    {
      benchmark: bench,
      figure: 'wall time vs one run (real time)',
      measured: `${times(f.wallRatio)} (${duration(f.fanoutWallMs)} vs ${duration(f.singleWallMs)}; last run-now ${duration(f.firstRequestToLastTriggerMs)} after the first request)`,
      target: `≤ ${TARGETS.fanoutWallRatio}×`,
      met: atMost(f.wallRatio, TARGETS.fanoutWallRatio),
    },
    {
      benchmark: bench,
      figure: 'peak RSS of the pipe process (VmHWM)',
      measured: `${f.peakRssMb.toFixed(1)} MB (one run: ${f.singlePeakRssMb.toFixed(1)} MB)`,
      target: `≤ ${TARGETS.fanoutPeakRssMb} MB`,
      met: atMost(f.peakRssMb, TARGETS.fanoutPeakRssMb),
    },
    {
      benchmark: bench,
      figure: `most requests in any 1-s window (${f.totalRequests} in all)`,
      measured: `${f.maxRequestsPerSecond}`,
      target: `≤ ${TARGETS.requestsPerSecond}`,
      met: atMost(f.maxRequestsPerSecond, TARGETS.requestsPerSecond),
    },
    {
      benchmark: bench,
      figure: `requests other than polls (${f.economy.polls} polls)`,
      measured: `${f.economy.nonPoll} (minimum ${f.economy.minimumNonPoll})`,
      target: '—',
      met: null,
    },
  ];
}

/** Returns the footprint rows. */
export function footprintRows(f: FootprintFigures): TableRow[] {
  const own = f.imageOwnBytes === undefined ? Number.NaN : toMb(f.imageOwnBytes);
  return [
    {
      benchmark: '4 footprint',
      figure:
        f.files > 1
          ? `bundle: dist/pipe.js + ${f.files - 1} file(s) it loads (gzip)`
          : 'bundle: dist/pipe.js, on-demand part inside (gzip)',
      measured: `${toMb(f.bundleBytes)} MB (${toMb(f.bundleGzipBytes)} MB); maps ${toMb(f.sourceMapBytes)} MB`,
      target: '—',
      met: null,
    },
    {
      benchmark: '4 footprint',
      figure: `image's own layers${f.imageBaseImage ? ` over ${f.imageBaseImage}` : ''}`,
      measured: f.imageNote ?? `${own} MB`,
      target: `≤ ${TARGETS.imageOwnMb} MB`,
      met: atMost(own, TARGETS.imageOwnMb),
    },
  ];
}

/** Returns the request-economy rows. */
export function economyRows(e: EconomyRun): TableRow[] {
  if (e.exitCode !== 0) {
    return [
      {
        benchmark: '5 economy',
        figure: 'README plan',
        measured: `pipe exited ${e.exitCode}`,
        target: 'exit 0',
        met: false,
      },
    ];
  }
  return [
    {
      benchmark: '5 economy',
      figure: `README plan: requests other than polls (${e.polls} polls, ${e.total} in all)`,
      measured: `${e.nonPoll} (minimum ${e.minimumNonPoll}; ${e.avoidable.length} avoidable pattern(s))`,
      target: `= minimum`,
      met: e.nonPoll === e.minimumNonPoll,
    },
  ];
}
