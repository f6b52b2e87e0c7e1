/**
 * The process edge: the only file that touches `process` — environment snapshot, signals,
 * exit status. Everything else receives what it needs as arguments.
 */
import { systemClock } from './clock.js';
import { PipeError } from './errors.js';
import { redactor } from './log/redactor.js';
import { fdSink, isStdoutTerminal } from './log/stdout.js';
import { main } from './main.js';
import { formatVerdict } from './run/report.js';

// After SIGTERM/SIGINT the pipe cancels its runs; if that takes longer than this, it exits anyway.
const FORCED_EXIT_AFTER_SIGNAL_MS = 30_000;

// Made when first needed: AbortController is one of Node's lazily loaded globals (about 1 ms),
// and a start that stops at invalid variables never reads the signal (issue #9).
let controller: AbortController | undefined;
const cancellation = (): AbortController => (controller ??= new AbortController());
let signalled = false;

function onSignal(name: NodeJS.Signals): void {
  if (signalled) {
    // A second signal: the user wants out now.
    process.exit(1);
  }
  signalled = true;
  cancellation().abort(new PipeError('ERR_CANCELLED', `received ${name}, cancelling`));
  setTimeout(() => process.exit(1), FORCED_EXIT_AFTER_SIGNAL_MS).unref();
}

process.on('SIGTERM', onSignal);
process.on('SIGINT', onSignal);

const env: Record<string, string | undefined> = { ...process.env };
// process.stdout is created only if fd 1 cannot take a synchronous write (see log/stdout.ts).
const stdout = fdSink(() => process.stdout);

async function run(): Promise<void> {
  const color = (await isStdoutTerminal()) || Boolean(env['FORCE_COLOR']);
  try {
    const { exitCode, verdict } = await main({
      env,
      cwd: process.cwd(),
      stdout,
      get signal() {
        return cancellation().signal;
      },
      clock: systemClock(),
      color,
    });
    stdout.write(formatVerdict(verdict, color));
    process.exitCode = exitCode;
  } catch (error) {
    // main() reports every error itself; reaching here means the reporter failed.
    stdout.write(`✖ internal error: ${redactor.redact(String(error))}\n`);
    process.exitCode = 1;
  }
  // Everything main() started has finished and every line is written: exit now rather than
  // let Node free the heap and tear down the environment first (about 1 ms of every start,
  // issue #9). Lines still queued in process.stdout (the EAGAIN fallback) are waited for.
  if (stdout.pendingBytes() === 0) process.exit();
}

void run();
