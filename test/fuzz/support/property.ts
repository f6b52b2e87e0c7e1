/**
 * Runs a fast-check property with a known seed and a time budget, and fails with a report that
 * says how to replay it: `FUZZ_SEED=<seed> FUZZ_PATH=<path> npm run test:jest -- <file>`.
 * The soak run (`npm run test:chaos`) multiplies the case counts by RELIABILITY_SCALE.
 */
import fc from 'fast-check';

declare global {
  // Set by jest.chaos.config.js (the soak run); 1 in `npm test`.
  var RELIABILITY_SCALE: number | undefined;
}

/** How many cases a property tries and how long it may take. */
export interface PropertyOptions {
  /** Cases in `npm test`; multiplied by the soak scale. */
  numRuns: number;
  /** Wall-clock budget for generation and shrinking; past it the property fails, seed printed. */
  timeLimitMs: number;
}

/** What a property run tried: the figures the closing note quotes. */
export interface PropertyFigures {
  name: string;
  cases: number;
  ms: number;
}

const figures: PropertyFigures[] = [];

/** Returns the soak multiplier: RELIABILITY_SCALE from the environment, else the global, else 1. */
export function reliabilityScale(): number {
  const fromEnv = Number(process.env['RELIABILITY_SCALE']);
  const scale =
    Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : (globalThis.RELIABILITY_SCALE ?? 1);
  return Math.max(1, scale);
}

/** Returns the figures of every property run so far in this test file. */
export function propertyFigures(): readonly PropertyFigures[] {
  return figures;
}

/**
 * Checks `property` on generated cases; resolves with the number of cases tried.
 * @throws Error whose message names the seed, the shrunk counterexample and the replay command
 */
export async function checkProperty<T>(
  name: string,
  arbitrary: fc.Arbitrary<T>,
  predicate: (value: T) => Promise<void> | void,
  options: PropertyOptions,
): Promise<number> {
  const replaySeed = Number(process.env['FUZZ_SEED']);
  const seed = Number.isInteger(replaySeed)
    ? replaySeed
    : (Date.now() ^ (Math.random() * 2 ** 31)) | 0;
  const path = process.env['FUZZ_PATH'];
  const numRuns = path ? 1 : Math.round(options.numRuns * reliabilityScale());
  const started = performance.now();
  const details = await fc.check(
    fc.asyncProperty(arbitrary, async (value) => {
      await predicate(value);
    }),
    {
      seed,
      numRuns,
      ...(path ? { path } : {}),
      interruptAfterTimeLimit: options.timeLimitMs * reliabilityScale(),
      markInterruptAsFailure: true,
    },
  );
  figures.push({ name, cases: details.numRuns, ms: Math.round(performance.now() - started) });
  if (details.failed) {
    const where = details.counterexamplePath ?? '';
    throw new Error(
      `${name}: property failed after ${details.numRuns} cases (seed ${details.seed}, path "${where}")\n` +
        `replay: FUZZ_SEED=${details.seed} FUZZ_PATH="${where}" npm run test:jest -- <this test file>\n` +
        `cause: ${describeFailure(details)}\n` +
        `counterexample (shrunk ${details.numShrinks} times): ${preview(details.counterexample)}`,
    );
  }
  return details.numRuns;
}

const PREVIEW_CHARS = 1_500;

function describeFailure(details: {
  interrupted: boolean;
  numRuns: number;
  errorInstance: unknown;
}): string {
  if (details.interrupted)
    return `interrupted: the time budget ran out (${details.numRuns} cases done)`;
  const error = details.errorInstance;
  const text = error instanceof Error ? error.message : String(error);
  return preview(text);
}

/** Returns a value for the report, cut short: a 500 kB counterexample would bury the seed. */
function preview(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  return text.length <= PREVIEW_CHARS
    ? text
    : `${text.slice(0, PREVIEW_CHARS)}… (${text.length} chars)`;
}

/** True when figures should be printed: RELIABILITY_REPORT=1, or always in the soak run. */
export function isReporting(): boolean {
  return process.env['RELIABILITY_REPORT'] === '1' || reliabilityScale() > 1;
}

/** Prints the figures of this test file's properties when {@link isReporting}. */
export function reportFigures(suite: string): void {
  if (!isReporting()) return;
  const lines = figures.map((f) => `  ${f.name}: ${f.cases} cases in ${f.ms} ms`);
  console.log(`[reliability] ${suite}\n${lines.join('\n')}`);
}
