import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildPlan } from '../../../src/plan/build-plan.js';
import { formatPlan } from '../../../src/plan/format-plan.js';
import {
  CONTEXT,
  expectGolden,
  fileSource,
  FIXTURES_DIR,
  parseDetails,
  thrown,
  userText,
} from './plan-kit.js';

interface FixtureCase {
  name: string;
  /** Where each problem is reported (`line:col path`), in order; absent for a valid plan. */
  problems?: string[];
}

const VALID: FixtureCase[] = [
  { name: 'valid-design-example' },
  { name: 'valid-minimal' },
  { name: 'valid-parallel' },
  { name: 'valid-workspace-registry' },
  { name: 'valid-tag-run' },
  { name: 'valid-no-wait' },
  { name: 'valid-task-outputs' },
  { name: 'valid-all-bitbucket-keys' },
  { name: 'valid-databricks-references' },
  { name: 'valid-anchors-merge' },
  { name: 'valid-legacy-params' },
  { name: 'valid-flow-style' },
  { name: 'valid-spec-file' },
  { name: 'valid-whitespace-templates' },
];

const INVALID: FixtureCase[] = [
  { name: 'broken-yaml', problems: ['5:1'] },
  { name: 'not-a-list', problems: ['2:1'] },
  { name: 'empty', problems: ['1:1'] },
  { name: 'empty-list', problems: ['1:1'] },
  { name: 'multi-document', problems: ['2:1'] },
  {
    name: 'unknown-action',
    problems: ['2:3 [0].run_jobb', '4:3 [1].promote_model', '6:3 [2].name'],
  },
  { name: 'two-actions', problems: ['2:3 [0].set_alias'] },
  {
    name: 'missing-action',
    problems: ['1:3 [0]', '2:3 [1]'],
  },
  {
    name: 'item-not-mapping',
    problems: ['1:3 [0]', '2:3 [1]', '3:2 [2]'],
  },
  { name: 'duplicate-id', problems: ['5:7 [2].id'] },
  {
    name: 'bad-ids',
    problems: ['1:7 [0].id', '3:7 [1].id', '5:7 [2].id', '7:7 [3].id'],
  },
  { name: 'forward-reference', problems: ['3:15 [0].set_alias.version'] },
  { name: 'self-reference', problems: ['4:34 [0].run_job.job_parameters.previous'] },
  {
    name: 'unknown-id',
    problems: ['3:52 [1].set_alias.version', '4:52 [2].set_alias.version'],
  },
  {
    name: 'unknown-output',
    problems: ['3:52 [1].set_alias.version', '4:51 [2].set_alias.version'],
  },
  {
    name: 'output-field',
    problems: ['3:52 [1].set_alias.version', '4:39 [2].tag_run.tags.x'],
  },
  {
    name: 'sibling-reference',
    problems: ['7:42 [0].parallel[1].run_job.job_parameters.training_run'],
  },
  {
    name: 'wait-false-outputs',
    problems: ['9:15 [2].tag_run.tags.state', '10:16 [2].tag_run.tags.output'],
  },
  {
    name: 'unset-bitbucket-key',
    problems: [
      '4:13 [0].run_job.job_parameters.tag',
      '5:25 [0].run_job.job_parameters.pull_request',
    ],
  },
  {
    name: 'unknown-bitbucket-key',
    problems: ['3:29 [0].run_job.job_parameters.sha', '3:59 [0].run_job.job_parameters.who'],
  },
  {
    name: 'unset-env',
    problems: [
      '4:15 [0].run_job.job_parameters.model',
      '5:15 [0].run_job.job_parameters.token',
      '6:14 [0].run_job.job_parameters.oidc',
    ],
  },
  {
    name: 'malformed-templates',
    problems: [
      '4:15 [0].run_job.job_parameters.empty',
      '5:14 [0].run_job.job_parameters.bare',
      '6:18 [0].run_job.job_parameters.unclosed',
      '7:18 [0].run_job.job_parameters.too_deep',
      '8:16 [0].run_job.job_parameters.spaces',
    ],
  },
  {
    name: 'template-in-key',
    problems: ['3:23 [0].run_job.job_parameters["{{ env.MODEL_NAME }}_version"]'],
  },
  { name: 'nested-parallel', problems: ['3:7 [0].parallel[1].parallel'] },
  {
    name: 'parallel-options',
    problems: [
      '1:13 [0].parallel',
      '4:20 [1].max_concurrency',
      '5:14 [1].fail_fast',
      '6:3 [2].id',
      '9:7 [2].parallel[0].fail_fast',
      '10:20 [2].max_concurrency',
      '12:3 [3].max_concurrency',
    ],
  },
  {
    name: 'body-not-mapping',
    problems: ['1:12 [0].run_job', '2:13 [1].set_alias', '3:12 [2].tag_run'],
  },
  {
    name: 'run-job-schema',
    problems: [
      '2:5 [0].run_job',
      '2:5 [0].run_job.jb',
      '5:21 [1].run_job.job_parameters',
      '5:43 [1].run_job.job_parameters.layers',
      '7:14 [1].run_job.timeout',
      '8:11 [1].run_job.wait',
      '9:25 [1].run_job.performance_target',
      '10:19 [2].run_job.job',
      '10:44 [2].run_job.timeout',
    ],
  },
  {
    name: 'submit-run-schema',
    problems: [
      '2:5 [0].submit_run',
      '4:5 [1].submit_run',
      '6:22 [1].submit_run.timeout_seconds',
      '7:24 [1].submit_run.idempotency_token',
      '9:17 [2].submit_run.git_source',
      '12:17 [2].submit_run.tasks[0].run_if',
      '13:26 [2].submit_run.tasks[0].environment_key',
      '14:19 [2].submit_run.tasks[1].task_key',
      '15:34 [2].submit_run.tasks[1].depends_on[0].task_key',
      '17:17 [3].submit_run.git_source',
      '17:53 [3].submit_run.git_source.git_provider',
      '20:17 [4].submit_run.git_source',
      '21:25 [4].submit_run.tasks[0].task_key',
      '21:47 [4].submit_run.tasks[0].notebook_task',
      '21:49 [4].submit_run.tasks[0].notebook_task.path',
    ],
  },
  {
    name: 'register-model-schema',
    problems: [
      '1:19 [0].register_model',
      '3:5 [1].register_model',
      '6:38 [2].register_model.source',
      '9:15 [3].register_model.from_run',
      '9:46 [3].register_model.from_run.artifact',
    ],
  },
  {
    name: 'set-alias-schema',
    problems: [
      '1:14 [0].set_alias',
      '2:32 [1].set_alias.alias',
      '3:32 [2].set_alias.alias',
      '4:32 [3].set_alias.alias',
      '4:55 [3].set_alias.version',
      '5:51 [4].set_alias.version',
    ],
  },
  {
    name: 'transition-stage-uc',
    problems: [
      '2:11 [0].transition_stage.name',
      '5:55 [1].transition_stage.stage',
      '6:92 [2].transition_stage.archive_existing_versions',
    ],
  },
  {
    name: 'tag-run-schema',
    problems: [
      '1:12 [0].tag_run',
      '2:12 [1].tag_run',
      '4:53 [2].tag_run.from_run.max_results',
      '6:14 [3].tag_run.run_ids',
      `7:15 [3].tag_run.tags.${'a'.repeat(257)}`,
    ],
  },
];

const read = (name: string): string => readFileSync(join(FIXTURES_DIR, `${name}.yml`), 'utf8');
const build = (name: string) => buildPlan(fileSource(`${name}.yml`), read(name), CONTEXT);

describe('plan fixtures', () => {
  it('covers every fixture file with a row', () => {
    const files = readdirSync(FIXTURES_DIR).map((f) => f.replace(/\.yml$/, ''));
    const rows = [...VALID, ...INVALID].map((row) => row.name);
    expect(rows.sort()).toEqual(files.sort());
  });

  it.each(VALID)('$name is valid and its dry run matches the golden file', ({ name }) => {
    const plan = build(name);
    expect(plan.actions.length).toBeGreaterThan(0);
    expectGolden(`plan-dry-run-${name}.txt`, `${formatPlan(plan).join('\n')}\n`);
  });

  it.each(INVALID)('$name is refused with every problem located', ({ name, problems }) => {
    const error = thrown(() => build(name));
    expect(error.code).toBe('ERR_PLAN_INVALID');
    const details = parseDetails(error);
    expect(details.every((d) => d.source === `${name}.yml`)).toBe(true);
    expect(details.map((d) => d.at)).toEqual(problems);
    expectGolden(`plan-${name}.txt`, userText(error));
  });
});
