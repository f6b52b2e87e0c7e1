/**
 * Seeded fault schedules: from one 32-bit seed, a few emulator fault rules (429 with and without
 * Retry-After, 500/502/503/504, connection resets, slow answers) on the endpoints a scenario
 * uses, sometimes a storm that outlasts every retry budget, and token expiries at points in
 * (virtual) time. The same seed always gives the same schedule, so a failure replays.
 */
import type { FaultRule } from '../../../emulator/index.js';
import { seededRandom } from '../../support/virtual-clock.js';

/** The faults a schedule draws from. */
export type FaultKind =
  '429+retry-after' | '429' | '500' | '502' | '503' | '503+retry-after' | '504' | 'reset' | 'slow';

/** The faults of one seed: emulator rules and token expiries. */
export interface FaultSchedule {
  seed: number;
  rules: FaultRule[];
  /** Virtual ms after the start at which every issued OAuth token expires. */
  expiriesAfterMs: number[];
  /** One line per rule and expiry, for the failure report. */
  description: string[];
  /** True when a rule fires on every matching request: retries must give up, cleanly. */
  hasStorm: boolean;
}

const KINDS: readonly FaultKind[] = [
  '429+retry-after',
  '429',
  '500',
  '502',
  '503',
  '503+retry-after',
  '504',
  'reset',
  'slow',
];
// Transient kinds a storm is made of: a storm of 500s would only test the no-retry rule again.
const STORM_KINDS: readonly FaultKind[] = ['429', '503', '502', 'reset'];
const ANY_PATH = /^\/(api|oidc)\//;

/** Returns the rule for one fault kind on `path`. */
export function faultRule(
  kind: FaultKind,
  path: string | RegExp,
  times: number,
  after: number,
  pick: () => number,
): FaultRule {
  const base = { path, times, after };
  switch (kind) {
    case '429+retry-after':
      return {
        ...base,
        respond: { status: 429, headers: { 'retry-after': String(1 + Math.floor(pick() * 5)) } },
      };
    case '503+retry-after':
      return {
        ...base,
        respond: { status: 503, headers: { 'retry-after': String(1 + Math.floor(pick() * 3)) } },
      };
    case '429':
    case '500':
    case '502':
    case '503':
    case '504':
      return { ...base, respond: { status: Number(kind) } };
    case 'reset':
      return { ...base, reset: true };
    case 'slow':
      // Wall-clock: a real slow answer on a real socket; virtual time does not move meanwhile.
      return { ...base, delayMs: 5 + Math.floor(pick() * 40) };
  }
}

/**
 * Returns the schedule of `seed` over a scenario's endpoints (path suffixes the emulator's
 * fault rules match). One schedule in eight holds a storm.
 */
export function faultSchedule(
  seed: number,
  endpoints: readonly (string | RegExp)[],
): FaultSchedule {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const rules: FaultRule[] = [];
  const description: string[] = [];
  const count = 1 + Math.floor(random() * 4);
  for (let i = 0; i < count; i++) {
    const kind = pick(KINDS);
    const path = random() < 0.15 ? ANY_PATH : pick(endpoints);
    const times = 1 + Math.floor(random() * 3);
    const after = Math.floor(random() * 4);
    rules.push(faultRule(kind, path, times, after, random));
    description.push(`${kind} ×${times} on ${String(path)} after ${after}`);
  }
  const hasStorm = random() < 0.125;
  if (hasStorm) {
    const kind = pick(STORM_KINDS);
    const path = pick(endpoints);
    rules.unshift(
      faultRule(kind, path, Number.POSITIVE_INFINITY, Math.floor(random() * 3), random),
    );
    description.unshift(`storm: ${kind} on every ${String(path)}`);
  }
  const expiriesAfterMs = random() < 0.4 ? [Math.floor(random() * 60_000)] : [];
  for (const at of expiriesAfterMs) description.push(`all OAuth tokens expire at +${at} ms`);
  return { seed, rules, expiriesAfterMs, description, hasStorm };
}
