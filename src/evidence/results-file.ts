/**
 * RESULTS_FILE: the machine-readable outcome, rewritten atomically as each action finishes
 * (so a SIGKILL leaves the latest state, `status: running`) and once more on every exit path.
 */
import { isAbsolute, resolve } from 'node:path';
import type { Clock } from '../clock.js';
import { parsePath } from '../config/parsers.js';
import { PipeError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { redactor as defaultRedactor, type Redactor } from '../log/redactor.js';
import type { PlannedAction } from '../plan/types.js';
import type { ActionResult } from '../runner/types.js';
import { describeFsError, writeFileAtomic, writeFileAtomicSync } from './atomic-write.js';
import {
  buildResultsDocument,
  type ResultsDocument,
  type ResultsState,
  type RunOutcome,
} from './results-document.js';

/** RESULTS_FILE's default, relative to the clone dir (DESIGN §2). */
export const DEFAULT_RESULTS_FILE = 'databricks-ml-pipe/results.json';

export interface ResultsWriterOptions {
  /** Absolute RESULTS_FILE. */
  path: string;
  /** Where to write when `path` is unusable (the default under the clone dir). */
  fallbackPath?: string;
  startedAt: number;
  clock: Clock;
  redactor?: Redactor;
  log?: Logger;
}

/** What became known after start: workspace, commit, identity, dry run, audit head. */
export type ResultsPatch = {
  [K in keyof Omit<ResultsState, 'startedAt' | 'actions'>]?: ResultsState[K] | undefined;
};

export type ResultsWriteOutcome =
  | { written: true; path: string; document: ResultsDocument }
  | { written: false; error: PipeError; document: ResultsDocument };

export interface ResultsWriter {
  /** Merges facts learnt since start (identity after auth, the audit chain head, …). */
  set(patch: ResultsPatch): void;
  /** Replaces the action list (all `skipped`/`planned` once the plan is known). */
  setActions(actions: readonly ActionResult[]): void;
  /**
   * Marks the action with `index` as started (`planned` with `started_at`) and writes, so a
   * killed pipe's file shows which action was in flight. Never rejects.
   */
  started(index: number): Promise<void>;
  /**
   * Writes the current state as `running`, first replacing the entry with `result.index`.
   * Never rejects; writes coalesce, and calls after `finish` are ignored.
   */
  update(result?: ActionResult): Promise<void>;
  /** Writes the final document; never rejects (a failure comes back as `written: false`). */
  finish(outcome: RunOutcome): Promise<ResultsWriteOutcome>;
}

/** Returns the default results path under the clone dir. */
export function defaultResultsPath(cloneDir: string): string {
  return resolve(cloneDir, DEFAULT_RESULTS_FILE);
}

/**
 * Returns where to write results when the configuration itself was rejected: RESULTS_FILE
 * resolved against BITBUCKET_CLONE_DIR (or `cwd`) when it is usable, else the default.
 */
export function resultsPathsFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): { path: string; fallbackPath: string } {
  const cloneEnv = env['BITBUCKET_CLONE_DIR'];
  const cloneDir = cloneEnv && isAbsolute(cloneEnv) ? cloneEnv : cwd;
  const fallbackPath = defaultResultsPath(cloneDir);
  const raw = env['RESULTS_FILE']?.trim();
  // The same rule the variable itself is checked with, so a refused RESULTS_FILE is never used.
  const usable = raw !== undefined && raw !== '' && parsePath(raw).ok && !raw.endsWith('/');
  return { path: usable ? resolve(cloneDir, raw) : fallbackPath, fallbackPath };
}

/** Returns one result per planned action, all in `status` (for dry runs and rejected plans). */
export function pendingResults(
  actions: readonly PlannedAction[],
  status: 'planned' | 'skipped',
  describe: (action: PlannedAction) => string,
): ActionResult[] {
  return actions.map((action) => {
    const result: ActionResult = {
      index: action.index,
      type: action.type,
      status,
      description: describe(action),
      outputs: {},
    };
    if (action.id !== undefined) result.id = action.id;
    return result;
  });
}

/** Returns a writer for RESULTS_FILE; nothing is written until `update` or `finish`. */
export function createResultsWriter(options: ResultsWriterOptions): ResultsWriter {
  return new AtomicResultsWriter(options);
}

class AtomicResultsWriter implements ResultsWriter {
  private readonly state: ResultsState & { actions: ActionResult[] };
  private readonly redactor: Redactor;
  private targets: string[];
  private queue: Promise<unknown> = Promise.resolve();
  private pending: Promise<void> | undefined;
  private finished = false;
  private warnedUpdate = false;

  constructor(private readonly options: ResultsWriterOptions) {
    this.state = { startedAt: options.startedAt, actions: [] };
    this.redactor = options.redactor ?? defaultRedactor;
    const fallback = options.fallbackPath;
    this.targets =
      fallback && fallback !== options.path ? [options.path, fallback] : [options.path];
  }

  set(patch: ResultsPatch): void {
    for (const [key, value] of Object.entries(patch)) {
      if (value === undefined) delete this.state[key as keyof ResultsPatch];
      else Object.assign(this.state, { [key]: value });
    }
  }

  setActions(actions: readonly ActionResult[]): void {
    this.state.actions = [...actions];
  }

  started(index: number): Promise<void> {
    const entry = this.state.actions.find((a) => a.index === index);
    if (!entry) return Promise.resolve();
    const at = new Date(this.options.clock.now()).toISOString();
    return this.update({ ...entry, status: 'planned', started_at: at });
  }

  update(result?: ActionResult): Promise<void> {
    if (this.finished) return Promise.resolve();
    if (result) this.replace(result);
    // A write not yet started will serialise the latest state, so later updates join it.
    if (this.pending) return this.pending;
    const next = this.queue.then(async () => {
      this.pending = undefined;
      if (this.finished) return;
      try {
        await this.write(buildResultsDocument(this.state));
      } catch (error) {
        if (!this.warnedUpdate)
          this.options.log?.warn(`cannot update results file: ${describeFsError(error)}`);
        this.warnedUpdate = true;
      }
    });
    this.pending = next;
    this.queue = next;
    return next;
  }

  async finish(outcome: RunOutcome): Promise<ResultsWriteOutcome> {
    this.finished = true;
    await this.queue;
    const document = buildResultsDocument(this.state, this.options.clock.now(), outcome);
    try {
      // The last write is synchronous: nothing else runs any more, and a start that stopped
      // at invalid variables is spared the thread pool and fs/promises (issue #9).
      return { written: true, path: await this.write(document, writeFileAtomicSync), document };
    } catch (error) {
      const failure = new PipeError(
        'ERR_INTERNAL',
        `cannot write results file: ${describeFsError(error)}`,
        {
          hint: `check that RESULTS_FILE (${this.options.path}) is a writable path`,
          cause: error,
        },
      );
      this.options.log?.error(failure.message);
      return { written: false, error: failure, document };
    }
  }

  private replace(result: ActionResult): void {
    const at = this.state.actions.findIndex((a) => a.index === result.index);
    if (at >= 0) this.state.actions[at] = result;
    else this.state.actions.push(result);
  }

  /** Writes to the first usable target; a target that fails is dropped for later writes. */
  private async write(
    document: ResultsDocument,
    writeFile: (path: string, text: string) => Promise<void> | void = writeFileAtomic,
  ): Promise<string> {
    const text = `${JSON.stringify(this.redactor.redactDeep(document), null, 2)}\n`;
    let lastError: unknown;
    while (this.targets.length > 0) {
      const [target, ...rest] = this.targets as [string, ...string[]];
      try {
        await writeFile(target, text);
        return target;
      } catch (error) {
        lastError = error;
        if (rest.length === 0) break;
        this.options.log?.warn(
          `cannot write results file ${target} (${describeFsError(error)}); writing ${rest[0]} instead`,
        );
        this.targets = rest;
      }
    }
    throw lastError;
  }
}
