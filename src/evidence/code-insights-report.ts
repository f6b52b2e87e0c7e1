/**
 * The Code Insights report and annotations for one invocation (Bitbucket Cloud reports API:
 * `report_type` SECURITY|COVERAGE|TEST|BUG, `result` PASSED|FAILED|PENDING, at most 10 `data`
 * fields typed BOOLEAN|DATE|DURATION(ms)|LINK({text,href})|NUMBER|PERCENTAGE|TEXT; annotations
 * typed VULNERABILITY|CODE_SMELL|BUG with severity and result, up to 100 per POST).
 */
import type { BitbucketContext } from '../config/types.js';
import type { ActionResult } from '../runner/types.js';
import type { AuditHead } from './audit-log.js';
import { sha256Hex } from './audit-chain.js';
import type { RunStatus } from './results-document.js';
import { formatDuration, linkOf } from './summary.js';

export const REPORTER = 'databricks-ml-pipe';
/** Bitbucket shows at most this many data fields on a report. */
export const MAX_REPORT_DATA_FIELDS = 10;
const MAX_DETAILS_CHARS = 2000;
const MAX_SUMMARY_CHARS = 450;
const FAILED_STATUSES = new Set(['failed', 'timed_out', 'cancelled']);

/** What the report describes. */
export interface CodeInsightsInput {
  results: readonly ActionResult[];
  status: RunStatus;
  startedAt: number;
  finishedAt: number;
  /** Workspace origin. */
  host: string;
  bitbucket: BitbucketContext;
  auditHead?: AuditHead | undefined;
  /** Tells apart two pipe invocations in one step (e.g. the plan source); part of the report id. */
  invocationKey?: string | undefined;
  /** ACTIONS_FILE relative to the clone dir, and each action's line in it, to pin annotations. */
  planFile?: string | undefined;
  actionLines?: ReadonlyMap<number, number> | undefined;
}

export type ReportDataField =
  | { title: string; type: 'TEXT'; value: string }
  | { title: string; type: 'DURATION'; value: number }
  | { title: string; type: 'LINK'; value: { text: string; href: string } };

export interface CodeInsightsReport {
  title: string;
  details: string;
  report_type: 'TEST';
  reporter: string;
  result: 'PASSED' | 'FAILED';
  link?: string;
  data: ReportDataField[];
}

export interface CodeInsightsAnnotation {
  external_id: string;
  title: string;
  annotation_type: 'BUG';
  result: 'FAILED';
  severity: 'HIGH' | 'MEDIUM';
  summary: string;
  details?: string;
  link?: string;
  path?: string;
  line?: number;
}

/**
 * Returns the report id: stable for one step and plan (a re-sent report replaces its
 * predecessor), distinct for other steps; `databricks-ml-pipe-` + 16 hex = 35 characters.
 */
export function reportIdFor(bitbucket: BitbucketContext, invocationKey = ''): string {
  const seed = [bitbucket.pipelineUuid, bitbucket.stepUuid ?? bitbucket.commit, invocationKey].join(
    '\n',
  );
  return `${REPORTER}-${sha256Hex(seed).slice(0, 16)}`;
}

/** Returns the report body for the invocation. */
export function buildReport(input: CodeInsightsInput): CodeInsightsReport {
  const env = input.bitbucket.deploymentEnvironment;
  const report: CodeInsightsReport = {
    title: `Databricks ML${env ? ` (${env})` : ''}`,
    details: truncate(detailsOf(input), MAX_DETAILS_CHARS),
    report_type: 'TEST',
    reporter: REPORTER,
    result: input.status === 'succeeded' || input.status === 'dry_run' ? 'PASSED' : 'FAILED',
    data: dataFields(input),
  };
  const link = stepLink(input.bitbucket) ?? input.host;
  if (/^https?:\/\//.test(link)) report.link = link;
  return report;
}

/** Returns one annotation per failed, timed-out or cancelled action. */
export function buildAnnotations(
  input: CodeInsightsInput,
  reportId: string,
): CodeInsightsAnnotation[] {
  return input.results
    .filter((r) => FAILED_STATUSES.has(r.status))
    .map((r) => {
      const annotation: CodeInsightsAnnotation = {
        external_id: `${reportId}-${r.index}`,
        title: `${actionLabel(r)} ${r.status.replace('_', ' ')}`,
        annotation_type: 'BUG',
        result: 'FAILED',
        severity: r.status === 'cancelled' ? 'MEDIUM' : 'HIGH',
        summary: truncate(r.error?.message ?? r.status, MAX_SUMMARY_CHARS),
      };
      if (r.error?.hint !== undefined)
        annotation.details = truncate(r.error.hint, MAX_DETAILS_CHARS);
      const link = linkOf(r);
      if (link) annotation.link = link;
      const line = input.actionLines?.get(r.index);
      if (input.planFile && line !== undefined)
        Object.assign(annotation, { path: input.planFile, line });
      return annotation;
    });
}

function detailsOf(input: CodeInsightsInput): string {
  const succeeded = input.results.filter((r) => r.status === 'succeeded').length;
  const took = formatDuration(input.finishedAt - input.startedAt);
  const head =
    input.status === 'dry_run'
      ? `Dry run: ${input.results.length} action(s) planned against ${input.host}; nothing was changed.`
      : `${succeeded} of ${input.results.length} action(s) succeeded against ${input.host} in ${took} (${input.status.replace('_', ' ')}).`;
  const failures = input.results
    .filter((r) => FAILED_STATUSES.has(r.status))
    .map((r) => `${actionLabel(r)}: ${r.error?.message ?? r.status}`);
  return [head, ...failures].join(' ');
}

function dataFields(input: CodeInsightsInput): ReportDataField[] {
  const fields: ReportDataField[] = [
    { title: 'Duration', type: 'DURATION', value: Math.max(0, input.finishedAt - input.startedAt) },
    {
      title: 'Workspace',
      type: 'LINK',
      value: { text: input.host.replace(/^https?:\/\//, ''), href: input.host },
    },
  ];
  const head = input.auditHead;
  if (head && head.seq > 0) {
    fields.push({
      title: 'Audit chain head',
      type: 'TEXT',
      value: `seq ${head.seq} sha256 ${head.sha256}`,
    });
  }
  const room = MAX_REPORT_DATA_FIELDS - fields.length;
  const shown = input.results.length > room ? input.results.slice(0, room - 1) : input.results;
  for (const r of shown) fields.push(actionField(r));
  const hidden = input.results.length - shown.length;
  if (hidden > 0)
    fields.push({ title: 'More actions', type: 'TEXT', value: `${hidden} more in results.json` });
  return fields;
}

function actionField(r: ActionResult): ReportDataField {
  const outcome = `${r.status.replace('_', ' ')}${r.duration_ms === undefined ? '' : ` in ${formatDuration(r.duration_ms)}`}`;
  const link = linkOf(r);
  return link
    ? { title: actionLabel(r), type: 'LINK', value: { text: outcome, href: link } }
    : { title: actionLabel(r), type: 'TEXT', value: outcome };
}

function actionLabel(r: ActionResult): string {
  return `${r.index} ${r.type}${r.id === undefined ? '' : ` ${r.id}`}`;
}

/** Returns the pipeline step's page, e.g. `https://bitbucket.org/acme/churn/pipelines/results/42/steps/{uuid}`. */
function stepLink(bb: BitbucketContext): string | undefined {
  const origin =
    bb.gitHttpOrigin ?? (bb.repoFullName ? `https://bitbucket.org/${bb.repoFullName}` : undefined);
  if (!origin || !bb.buildNumber) return undefined;
  const base = `${origin.replace(/\/+$/, '')}/pipelines/results/${encodeURIComponent(bb.buildNumber)}`;
  return bb.stepUuid ? `${base}/steps/${encodeURIComponent(bb.stepUuid)}` : base;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
