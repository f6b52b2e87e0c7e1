import type { RunTracker } from '../actions/types.js';
import type { Logger } from '../log/logger.js';

/** A RunTracker that can cancel, on a stop, every run the pipe started and has not seen end. */
export class ActiveRuns implements RunTracker {
  private readonly active = new Map<number, () => Promise<void>>();

  started(runId: number, cancel: () => Promise<void>): void {
    this.active.set(runId, cancel);
  }

  ended(runId: number): void {
    this.active.delete(runId);
  }

  get size(): number {
    return this.active.size;
  }

  /** Cancels every run still active; failures are logged, never thrown. */
  async cancelAll(log: Logger): Promise<void> {
    const entries = [...this.active.entries()];
    this.active.clear();
    await Promise.all(
      entries.map(async ([runId, cancel]) => {
        try {
          await cancel();
          log.warn(`cancelled run ${runId}`);
        } catch (error) {
          log.error(`could not cancel run ${runId}: ${(error as Error).message}`);
        }
      }),
    );
  }
}
