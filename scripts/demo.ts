/**
 * `npm run demo`: the pipe's whole flow against the local emulator — no account, no network.
 * Starts a fake Databricks workspace and Bitbucket OIDC issuer on 127.0.0.1, then runs
 * `node dist/pipe.js` (exactly what the image runs) with the variables a pipeline would pass.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { README_PLAN, readmePipelineEnv, seedReadmeWorkspace } from '../emulator/demo-scenario.js';
import { startEmulator } from '../emulator/index.js';

// The README's example plan; the request-economy benchmark runs the same one.
const PLAN = README_PLAN;

async function main(): Promise<number> {
  const emulator = await startEmulator();
  try {
    const commit = randomBytes(20).toString('hex');
    seedReadmeWorkspace(emulator, commit);
    const cloneDir = await mkdtemp(join(tmpdir(), 'databricks-ml-pipe-demo-'));
    const env = {
      PATH: process.env['PATH'],
      ...(await readmePipelineEnv(emulator, commit, cloneDir)),
      ...(process.env['FORCE_COLOR'] || process.stdout.isTTY ? { FORCE_COLOR: '1' } : {}),
    };
    console.log(`demo: fake workspace ${emulator.url}, fake Bitbucket OIDC issuer ${emulator.issuer.url}`);
    console.log(`demo: commit ${commit.slice(0, 12)}, clone dir ${cloneDir}`);
    console.log('demo: running `node dist/pipe.js` with this plan:');
    for (const line of PLAN.trim().split('\n')) console.log(`demo:   ${line}`);
    console.log('');
    const exitCode = await runPipe(env);
    console.log('');
    console.log(`demo: the pipe exited with ${exitCode}`);
    await showEvidence(cloneDir);
    return exitCode;
  } finally {
    await emulator.close();
  }
}


function runPipe(env: NodeJS.ProcessEnv): Promise<number> {
  const pipe = resolve(__dirname, 'pipe.js');
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [pipe], { env, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', fail);
    child.on('exit', (code) => done(code ?? 1));
  });
}

async function showEvidence(cloneDir: string): Promise<void> {
  const results = join(cloneDir, 'databricks-ml-pipe', 'results.json');
  const audit = join(cloneDir, 'databricks-ml-pipe', 'audit.jsonl');
  const text = await readFile(results, 'utf8').catch(() => undefined);
  if (text === undefined) return;
  const doc = JSON.parse(text) as { status: string; actions: { index: number; type: string; status: string; outputs: Record<string, unknown> }[] };
  console.log(`demo: ${results} says ${doc.status}:`);
  for (const a of doc.actions) console.log(`demo:   ${a.index}. ${a.type} ${a.status} ${JSON.stringify(a.outputs)}`);
  const lines = (await readFile(audit, 'utf8').catch(() => '')).split('\n').filter(Boolean).length;
  console.log(`demo: ${audit} holds ${lines} hash-chained record(s)`);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`demo failed: ${String(error)}`);
    process.exitCode = 1;
  },
);
