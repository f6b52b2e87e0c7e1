/**
 * Virtual time shared by the emulator and the clients waiting on it, so a 2-hour run passes
 * in seconds while every request still goes over a real loopback socket. Time stands still
 * while anything is in flight and jumps to the earliest sleeper's wake-up once everything is
 * idle: each sleep ends at exactly the virtual instant it asked for.
 */
import type { Clock } from '../src/clock.js';

interface Sleeper {
  wakeAt: number;
  seq: number;
  resolve: () => void;
}

export interface VirtualTimeOptions {
  /** Virtual epoch ms at the start (default: the real now). */
  startMs?: number;
  /** True while a request is in flight (time must not move then). */
  isBusy?: () => boolean;
  /** Real ms with no new activity before time may jump (default 5). */
  quietMs?: number;
}

/** A discrete-event clock: `sleep` parks the caller until the driver advances past it. */
export class VirtualTime {
  private nowMs: number;
  private readonly sleepers: Sleeper[] = [];
  private seq = 0;
  private lastActivity = performance.now();
  private timer: NodeJS.Timeout | undefined;
  private readonly isBusy: () => boolean;
  private readonly quietMs: number;

  constructor(options: VirtualTimeOptions = {}) {
    this.nowMs = options.startMs ?? Date.now();
    this.isBusy = options.isBusy ?? (() => false);
    this.quietMs = options.quietMs ?? 5;
  }

  /** Returns the virtual now (epoch ms). */
  now(): number {
    return this.nowMs;
  }

  /** Returns how many callers are parked in `sleep`. */
  get pending(): number {
    return this.sleepers.length;
  }

  /** Records activity (a request arrived, a client woke) so the driver waits for quiet. */
  touch(): void {
    this.lastActivity = performance.now();
  }

  /** Resolves when virtual time reaches now + `ms`; rejects with the signal's reason on abort. */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.touch();
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason as Error);
        return;
      }
      const sleeper: Sleeper = { wakeAt: this.nowMs + Math.max(0, ms), seq: this.seq++, resolve };
      const onAbort = (): void => {
        const index = this.sleepers.indexOf(sleeper);
        if (index >= 0) this.sleepers.splice(index, 1);
        reject(signal?.reason as Error);
      };
      sleeper.resolve = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.sleepers.push(sleeper);
    });
  }

  /**
   * Advances to the earliest wake-up and wakes every sleeper due then (in the order they
   * slept). Returns false when nobody sleeps.
   */
  step(): boolean {
    if (this.sleepers.length === 0) return false;
    this.sleepers.sort((a, b) => a.wakeAt - b.wakeAt || a.seq - b.seq);
    const first = this.sleepers[0];
    if (!first) return false;
    this.nowMs = Math.max(this.nowMs, first.wakeAt);
    const due = this.sleepers.filter((s) => s.wakeAt <= this.nowMs);
    this.sleepers.splice(0, due.length);
    this.touch();
    for (const sleeper of due) sleeper.resolve();
    return true;
  }

  /** Starts advancing time whenever every client is idle; returns a function that stops it. */
  drive(): () => void {
    const check = (): void => {
      const quiet = performance.now() - this.lastActivity >= this.quietMs;
      if (quiet && !this.isBusy()) this.step();
      this.timer = setTimeout(check, 1);
    };
    this.timer = setTimeout(check, 1);
    return () => {
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
    };
  }

  /** Returns a pipe `Clock` on this virtual time. */
  clock(random: () => number = Math.random): Clock {
    return { now: () => this.now(), sleep: (ms, signal) => this.sleep(ms, signal), random };
  }
}
