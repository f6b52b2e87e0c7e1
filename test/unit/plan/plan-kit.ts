/** Shared helpers for the plan tests: a fixed pipeline context and error inspection. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PlanSource } from '../../../src/config/types.js';
import { PipeError } from '../../../src/errors.js';
import { buildPlan, type PlanContext } from '../../../src/plan/build-plan.js';
import type { Plan } from '../../../src/plan/types.js';

export const FIXTURES_DIR = join(import.meta.dirname, '../../fixtures/plans');
export const GOLDEN_DIR = join(import.meta.dirname, '../../fixtures/golden');

/** A pipeline on `main` without a tag or pull request, as most release pipelines run. */
export const CONTEXT: PlanContext = {
  bitbucket: {
    commit: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
    branch: 'main',
    repoFullName: 'acme/churn',
    repoSlug: 'churn',
    workspace: 'acme',
    buildNumber: '42',
    pipelineUuid: '{11111111-2222-3333-4444-555555555555}',
    stepUuid: '{66666666-7777-8888-9999-000000000000}',
    deploymentEnvironment: 'production',
    cloneDir: '/clone',
  },
  env: {
    MODEL_NAME: 'ml_prod.churn.classifier',
    TEAM: 'ml-platform',
    BASELINE_RUN: '0123456789abcdef0123456789abcdef',
    EMPTY: '',
    DATABRICKS_TOKEN: 'dapi-not-a-real-token',
  },
};

/** Returns an `ACTIONS_FILE` source named like the fixture. */
export function fileSource(name: string): PlanSource {
  return { kind: 'file', variable: 'ACTIONS_FILE', path: name, displayPath: name };
}

export const INLINE: PlanSource = { kind: 'inline', variable: 'ACTIONS', text: '' };

/** Returns the plan built from inline YAML with the shared context. */
export function inlinePlan(yaml: string, context: PlanContext = CONTEXT): Plan {
  return buildPlan(INLINE, yaml, context);
}

/** Returns the PipeError `run` throws; fails the test when it throws nothing or something else. */
export function thrown(run: () => unknown): PipeError {
  try {
    run();
  } catch (error) {
    if (error instanceof PipeError) return error;
    throw error;
  }
  throw new Error('expected a PipeError, but nothing was thrown');
}

const DETAIL = /^(.+?):(\d+):(\d+) (.*)$/;
const PATH = /^((?:\[\d+\]|\.?[A-Za-z_][A-Za-z0-9_]*|\["(?:[^"\\]|\\.)*"\])+): /;

/** One detail line taken apart: `line:col path` and the message. */
export interface ParsedDetail {
  source: string;
  at: string;
  message: string;
}

/** Returns each detail line of a plan error as `line:col path` (path omitted when empty). */
export function parseDetails(error: PipeError): ParsedDetail[] {
  return error.details.map((line) => {
    const match = DETAIL.exec(line);
    if (!match) throw new Error(`detail line not in <source>:<line>:<col> form: ${line}`);
    const [, source = '', row = '', col = '', rest = ''] = match;
    const path = PATH.exec(rest);
    const at = path ? `${row}:${col} ${path[1]}` : `${row}:${col}`;
    return { source, at, message: path ? rest.slice(path[0].length) : rest };
  });
}

/** Returns what a user reads for a plan error, normalised for golden files. */
export function userText(error: PipeError): string {
  const lines = [`✖ ${error.message}`, ...error.details.map((d) => `  - ${d}`)];
  if (error.hint) lines.push(`  hint: ${error.hint}`);
  return `${lines.map((l) => l.trimEnd()).join('\n')}\n`;
}

/**
 * Asserts `actual` equals the golden file; with UPDATE_GOLDEN=1 rewrites it instead, so a
 * change to what users read shows up as a diff in review.
 */
export function expectGolden(name: string, actual: string): void {
  const file = join(GOLDEN_DIR, name);
  if (process.env['UPDATE_GOLDEN'] === '1') {
    writeFileSync(file, actual);
    return;
  }
  let expected: string;
  try {
    expected = readFileSync(file, 'utf8');
  } catch {
    throw new Error(`golden file ${name} is missing; run with UPDATE_GOLDEN=1 to create it`);
  }
  expect(actual).toBe(expected.replace(/\r\n/g, '\n'));
}
