/**
 * Plans that are valid, or nearly: the right shape for every action, with hostile text (template
 * injections, unicode, awkward YAML) only in the free-text fields that end up in requests. These
 * reach the template renderer and the dry run, which random structures almost never do.
 */
import fc from 'fast-check';
import { stringify } from 'yaml';
import type { PlanCase } from './plans.js';
import { hostileString, INJECTIONS } from './strings.js';

const IDS = ['train', 'register', 'evaluate', 'tagged', 'promote'] as const;
// Resolve in most pipelines; references to other actions and env vars often do not.
const SAFE_TEMPLATES = ['{{ bitbucket.commit }}', '{{ job.run_id }}', '{{ tasks.main.values.x }}'];
const RISKY_TEMPLATES = [
  '{{ bitbucket.branch }}',
  '{{ env.MODEL }}',
  '{{ env.INJECTED }}',
  '{{ train.run_id }}',
  '{{ register.version }}',
  '{{ evaluate.task_outputs.main }}',
];

/** Free text: plain, a valid reference, an injection attempt, or hostile. */
// Mostly plain: a plan with five fields of one-in-three hostile text is almost never valid.
const TEXT = fc.oneof(
  { weight: 12, arbitrary: fc.stringMatching(/^[a-z][a-z0-9 _-]{0,15}$/) },
  { weight: 4, arbitrary: fc.constantFrom(...SAFE_TEMPLATES) },
  { weight: 1, arbitrary: fc.constantFrom(...RISKY_TEMPLATES) },
  { weight: 1, arbitrary: fc.constantFrom(...INJECTIONS) },
  { weight: 1, arbitrary: hostileString() },
);
const PARAMS = fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/), TEXT, { maxKeys: 3 });
const MODEL = fc.constantFrom('ml_prod.churn.classifier', 'churn-classifier');
const DURATION = fc.constantFrom('30s', '20m', '2h', '1h30m');

const RUN_JOB = fc
  .record(
    {
      job: fc.oneof(
        fc.constantFrom('churn-training', 'nightly {{ bitbucket.commit }}'),
        fc.integer({ min: 1, max: 999 }),
      ),
      job_parameters: PARAMS,
      timeout: DURATION,
      wait: fc.boolean(),
    },
    { requiredKeys: ['job'] },
  )
  .map((body) => (body.wait === false ? { ...body, timeout: undefined } : body));

const SUBMIT_RUN = fc.record(
  {
    run_name: TEXT,
    tasks: PARAMS.map((base_parameters) => [
      { task_key: 'main', notebook_task: { notebook_path: '/Repos/ml/evaluate', base_parameters } },
    ]),
    git_source: fc.constant('auto'),
    timeout: DURATION,
  },
  { requiredKeys: ['tasks'] },
);

const REGISTER_MODEL = fc.oneof(
  fc.record(
    {
      name: MODEL,
      source: fc.constantFrom('runs:/0123456789abcdef/model', 'runs:/{{ job.run_id }}/model'),
      description: TEXT,
      tags: PARAMS,
    },
    { requiredKeys: ['name', 'source'] },
  ),
  fc.record({
    name: MODEL,
    from_run: fc.record(
      {
        experiment: fc.constantFrom('/Shared/churn'),
        filter: TEXT,
        order_by: fc.constant('metrics.auc DESC'),
      },
      { requiredKeys: ['experiment'] },
    ),
  }),
);

const SET_ALIAS = fc.record({
  name: MODEL,
  alias: fc.constantFrom('champion', 'challenger'),
  version: fc.oneof(fc.integer({ min: 1, max: 9 }), fc.constantFrom('{{ register.version }}', '3')),
});
const TAG_RUN = fc.record({
  run_id: fc.oneof(fc.constant('0123456789abcdef'), TEXT),
  tags: PARAMS,
});

const ACTION = fc.oneof(
  RUN_JOB.map((body) => ({ run_job: body })),
  SUBMIT_RUN.map((body) => ({ submit_run: body })),
  REGISTER_MODEL.map((body) => ({ register_model: body })),
  SET_ALIAS.map((body) => ({ set_alias: body })),
  TAG_RUN.map((body) => ({ tag_run: body })),
);
const ITEM = fc
  .tuple(fc.option(fc.constantFrom(...IDS), { freq: 2 }), ACTION)
  .map(([id, action]) => (id === null ? action : { id, ...action }));

/** Plans of 1–5 well-shaped actions with hostile free text; some ids repeat or come late. */
export function validishPlanCase(): fc.Arbitrary<PlanCase> {
  return fc.array(ITEM, { minLength: 1, maxLength: 5 }).map((items) => ({
    text: stringify(JSON.parse(JSON.stringify(items)) as unknown, { lineWidth: 0 }),
    shape: 'validish',
  }));
}
