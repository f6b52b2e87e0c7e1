/**
 * The jobs/runs/submit body (reference §3.3) as JSON Schema: what `submit_run` accepts inline
 * and what its `spec_file` may hold. Tasks stay open to task types Databricks adds later.
 */
import { EXPECTED_KEYWORD, stringListSchema, stringMapSchema } from './action-schema-parts.js';

/** `git_provider` values Databricks accepts (case-insensitive). */
export const GIT_PROVIDERS = [
  'gitHub',
  'bitbucketCloud',
  'azureDevOpsServices',
  'gitHubEnterprise',
  'bitbucketServer',
  'gitLab',
  'gitLabEnterpriseEdition',
  'awsCodeCommit',
] as const;
/** A git_source names exactly one of these. */
export const GIT_REFS = ['git_branch', 'git_tag', 'git_commit'] as const;
const RUN_IF = [
  'ALL_SUCCESS',
  'ALL_DONE',
  'NONE_FAILED',
  'AT_LEAST_ONE_SUCCESS',
  'ALL_FAILED',
  'AT_LEAST_ONE_FAILED',
];
const SOURCE = {
  type: 'string',
  enum: ['WORKSPACE', 'GIT'],
  description: 'Where the file is read from.',
};
const OPEN_OBJECT = { type: 'object' };

/** A runs/submit task: the fields the plan checks, any others passed through. */
export type SubmitTask = {
  task_key: string;
  depends_on?: { task_key: string }[];
  environment_key?: string;
} & Record<string, unknown>;
/** An explicit runs/submit `git_source`. */
export type GitSource = { git_url: string; git_provider: string } & Partial<
  Record<(typeof GIT_REFS)[number], string>
>;
const TASK_SCHEMA = {
  type: 'object',
  required: ['task_key'],
  description: 'A SubmitTask: task_key, one task type, compute, depends_on, run_if, …',
  properties: {
    task_key: {
      type: 'string',
      pattern: '^[\\w-]{1,100}$',
      [EXPECTED_KEYWORD]: 'letters, digits, _ or - (at most 100)',
    },
    description: { type: 'string' },
    depends_on: {
      type: 'array',
      items: {
        type: 'object',
        required: ['task_key'],
        additionalProperties: false,
        properties: { task_key: { type: 'string' }, outcome: { type: 'string' } },
      },
    },
    run_if: { type: 'string', enum: RUN_IF },
    notebook_task: {
      type: 'object',
      required: ['notebook_path'],
      additionalProperties: false,
      properties: {
        notebook_path: { type: 'string', minLength: 1 },
        base_parameters: stringMapSchema('Notebook widget values.'),
        source: SOURCE,
        warehouse_id: { type: 'string' },
      },
    },
    spark_python_task: {
      type: 'object',
      required: ['python_file'],
      additionalProperties: false,
      properties: {
        python_file: { type: 'string', minLength: 1 },
        parameters: stringListSchema('Arguments.'),
        source: SOURCE,
      },
    },
    python_wheel_task: {
      type: 'object',
      required: ['package_name', 'entry_point'],
      additionalProperties: false,
      properties: {
        package_name: { type: 'string' },
        entry_point: { type: 'string' },
        parameters: stringListSchema('Arguments.'),
        named_parameters: stringMapSchema('Named arguments.'),
      },
    },
    existing_cluster_id: { type: 'string' },
    new_cluster: OPEN_OBJECT,
    environment_key: { type: 'string' },
    libraries: { type: 'array', items: OPEN_OBJECT },
    timeout_seconds: { type: 'integer', minimum: 0 },
    max_retries: { type: 'integer', minimum: -1 },
    min_retry_interval_millis: { type: 'integer', minimum: 0 },
    retry_on_timeout: { type: 'boolean' },
    disabled: { type: 'boolean' },
  },
};

const GIT_SOURCE_SCHEMA = {
  description:
    '"auto" pins the run to this repository at BITBUCKET_COMMIT (bitbucketCloud); or an explicit git_source.',
  [EXPECTED_KEYWORD]:
    '"auto" or a mapping with git_url, git_provider and one of git_branch, git_tag, git_commit',
  anyOf: [
    { type: 'string', enum: ['auto'] },
    {
      type: 'object',
      required: ['git_url', 'git_provider'],
      additionalProperties: false,
      properties: {
        git_url: { type: 'string', minLength: 1 },
        git_provider: {
          type: 'string',
          description: `One of ${GIT_PROVIDERS.join(', ')} (case-insensitive).`,
        },
        git_branch: { type: 'string', minLength: 1 },
        git_tag: { type: 'string', minLength: 1 },
        git_commit: { type: 'string', minLength: 1 },
        sparse_checkout: OPEN_OBJECT,
        job_source: OPEN_OBJECT,
      },
    },
  ],
};

const PRINCIPAL = {
  user_name: { type: 'string' },
  group_name: { type: 'string' },
  service_principal_name: { type: 'string' },
};

/** The jobs/runs/submit body fields a plan (or a spec_file) may set. */
export const SUBMIT_BODY_PROPERTIES: Record<string, unknown> = {
  run_name: { type: 'string', description: 'Run name (default "Untitled").' },
  tasks: { type: 'array', minItems: 1, items: TASK_SCHEMA, description: 'The tasks to run.' },
  git_source: GIT_SOURCE_SCHEMA,
  environments: {
    type: 'array',
    items: {
      type: 'object',
      required: ['environment_key'],
      additionalProperties: false,
      properties: { environment_key: { type: 'string', minLength: 1 }, spec: OPEN_OBJECT },
    },
    description: 'Serverless environments that tasks name with environment_key.',
  },
  access_control_list: {
    type: 'array',
    items: {
      type: 'object',
      required: ['permission_level'],
      additionalProperties: false,
      properties: {
        ...PRINCIPAL,
        permission_level: {
          type: 'string',
          enum: ['CAN_MANAGE', 'CAN_MANAGE_RUN', 'CAN_VIEW', 'IS_OWNER'],
        },
      },
    },
    description: 'Who may see or manage the run.',
  },
  queue: {
    type: 'object',
    required: ['enabled'],
    additionalProperties: false,
    properties: { enabled: { type: 'boolean' } },
    description: 'Queue the run when limits are reached.',
  },
  run_as: {
    type: 'object',
    additionalProperties: false,
    properties: PRINCIPAL,
    description: 'Identity the run executes as (user, group or service principal).',
  },
  email_notifications: { ...OPEN_OBJECT, description: 'Emails on start, success, failure.' },
  webhook_notifications: { ...OPEN_OBJECT, description: 'Webhooks on start, success, failure.' },
  notification_settings: { ...OPEN_OBJECT, description: 'Notification options.' },
  health: { ...OPEN_OBJECT, description: 'Health rules (e.g. run duration thresholds).' },
  budget_policy_id: { type: 'string', description: 'Budget policy for serverless usage.' },
  usage_policy_id: { type: 'string', description: 'Usage policy for serverless usage.' },
  performance_target: {
    type: 'string',
    enum: ['STANDARD', 'PERFORMANCE_OPTIMIZED'],
    description: 'Serverless performance target for this run.',
  },
};
