/**
 * `npm run bench` (issue #9): the pipe measured side by side with the official Databricks
 * Python SDK against the local emulator. Prints one table (each figure, its target, whether
 * it is met) and writes bench/results.json with the figures and the machine they came from.
 *
 *   node dist/bench.js [--only startup,waiting,fanout,footprint,economy] [--quick]
 *
 * --quick shortens everything (fewer rounds, 10-s fan-out runs) to check the harness itself.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { benchEconomy } from './economy-run.js';
import { benchFanout } from './fanout.js';
import { benchFootprint } from './footprint.js';
import { currentLoad, machineInfo } from './machine.js';
import { detectPipeDriver } from './pipe-driver.js';
import { formatMarkdownTable, formatTextTable, type TableRow } from './report.js';
import {
  VIRTUAL_TIME_NOTE,
  economyRows,
  fanoutRows,
  footprintRows,
  startupRows,
  waitingRows,
} from './rows.js';
import { ensureSdkVenv } from './sdk-client.js';
import { benchStartup } from './startup.js';
import { diagnoseStartup, formatDiagnosis, type StartupDiagnosis } from './startup-diagnosis.js';
import { benchWaitCase, type WaitCase, type WaitRow } from './waiting.js';

const BENCHMARKS = ['startup', 'waiting', 'fanout', 'footprint', 'economy'] as const;
type Benchmark = (typeof BENCHMARKS)[number];

interface Options {
  only: ReadonlySet<Benchmark>;
  quick: boolean;
}

function parseArgs(argv: readonly string[]): Options {
  const onlyIndex = argv.indexOf('--only');
  const listed = onlyIndex >= 0 ? (argv[onlyIndex + 1] ?? '').split(',') : [...BENCHMARKS];
  const unknown = listed.filter((name) => !(BENCHMARKS as readonly string[]).includes(name));
  if (unknown.length > 0)
    throw new Error(`unknown benchmark(s) ${unknown.join(', ')}; use ${BENCHMARKS.join(', ')}`);
  return { only: new Set(listed as Benchmark[]), quick: argv.includes('--quick') };
}

function waitCases(quick: boolean): WaitCase[] {
  // Nine: the SDK's notice delay is random (jitter), and a median of five swings by seconds.
  const trials = quick ? 2 : 9;
  return [
    { label: '10 s', durationMs: 10_000, virtual: false, trials },
    { label: '1 min', durationMs: 60_000, virtual: quick, trials },
    { label: '10 min', durationMs: 600_000, virtual: true, trials },
    { label: '2 h', durationMs: 7_200_000, virtual: true, trials },
  ];
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const machine = machineInfo();
  const results: Record<string, unknown> = {
    date: new Date().toISOString(),
    machine,
    quick: options.quick,
  };
  const rows: TableRow[] = [];
  const step = async (name: Benchmark, body: () => Promise<TableRow[]>): Promise<void> => {
    if (!options.only.has(name)) return;
    const started = performance.now();
    console.log(`bench: ${name}…`);
    try {
      rows.push(...(await body()));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      results[`${name}Error`] = message;
      rows.push({
        benchmark: name,
        figure: 'benchmark failed',
        measured: message.split('\n')[0] ?? '',
        target: '—',
        met: false,
      });
    }
    console.log(`bench: ${name} took ${((performance.now() - started) / 1000).toFixed(0)} s`);
  };

  await step('startup', async () => {
    const figures = await benchStartup(options.quick ? 5 : 41);
    results['startup'] = figures;
    const out = startupRows(figures);
    if (!out[0]?.met) results['startupDiagnosis'] = await diagnoseStartup(options.quick ? 3 : 15);
    return out;
  });
  await step('waiting', async () => {
    const python = await ensureSdkVenv().catch((error: unknown) => {
      results['sdkSetupError'] = String(error);
      return undefined;
    });
    const driver = await detectPipeDriver();
    results['pipeDriver'] = driver;
    const waitRows: WaitRow[] = [];
    for (const c of waitCases(options.quick)) {
      console.log(`bench: waiting ${c.label} (${c.virtual ? 'virtual' : 'real'} time)…`);
      waitRows.push(...(await benchWaitCase(c, { python, driver: driver.driver })));
    }
    results['waiting'] = waitRows;
    return waitingRows(waitRows);
  });
  await step('fanout', async () => {
    const figures = await benchFanout(100, options.quick ? 10_000 : 60_000);
    results['fanout'] = figures;
    return fanoutRows(figures);
  });
  await step('footprint', async () => {
    const figures = await benchFootprint();
    results['footprint'] = figures;
    return footprintRows(figures);
  });
  await step('economy', async () => {
    const figures = await benchEconomy();
    results['economy'] = figures;
    return economyRows(figures);
  });

  machine.loadAverage.end = currentLoad();
  results['table'] = rows;
  const file = resolve(__dirname, '..', 'bench', 'results.json');
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log('');
  console.log(formatTextTable(rows));
  if (options.only.has('waiting')) console.log(`\n${VIRTUAL_TIME_NOTE}`);
  console.log('');
  console.log(`bench: figures, machine and details in ${file}`);
  const diagnosis = results['startupDiagnosis'] as StartupDiagnosis | undefined;
  if (diagnosis) console.log(`\n${formatDiagnosis(diagnosis).join('\n')}`);
  if (process.argv.includes('--markdown')) console.log(`\n${formatMarkdownTable(rows)}`);
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${error instanceof Error ? error.stack : String(error)}`);
  process.exitCode = 1;
});
