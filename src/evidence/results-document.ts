/**
 * The results file's document (DESIGN §7.11), built from what the run knows so far. Every key
 * is always present (`null` when unknown) so consumers never need to guess; the published
 * schema is `schemas/results.schema.json`.
 */
import type { ActionOutputs } from '../actions/types.js';
import type { IdentitySummary } from '../auth/types.js';
import { PipeError, toPipeError, type ExitCode } from '../errors.js';
import type { ActionType } from '../plan/types.js';
import type { ActionResult, ActionStatus } from '../runner/types.js';
import { isoTime } from '../util/iso-time.js';
import { PIPE_VERSION } from '../version.js';
import type { AuditHead } from './audit-log.js';

/**
 * The whole run's outcome. `running` is what an interrupted pipe (SIGKILL) leaves on disk;
 * `invalid` is exit 2 (variables or plan rejected, nothing changed); `failed` covers action
 * failures, authentication failures (exit 3, see `exit_code`) and internal errors.
 */
export type RunStatus =
  'running' | 'succeeded' | 'failed' | 'cancelled' | 'timed_out' | 'invalid' | 'dry_run';

export interface ResultsError {
  code: string;
  message: string;
  hint?: string;
  details?: string[];
}

export interface ResultsIdentity {
  auth_type: string;
  client_id: string | null;
  /** Non-secret claims of the step token (iss, aud, repositoryUuid, …); `{}` for secrets-based auth. */
  claims: Record<string, unknown>;
  subject_token_expires_at: string | null;
}

export interface ResultsAction {
  index: number;
  id: string | null;
  type: ActionType;
  status: ActionStatus;
  description: string;
  started_at: string | null;
  finished_at: string | null;
  duration_ms: number | null;
  outputs: ActionOutputs;
  error: ResultsError | null;
}

export interface ResultsAudit {
  file: string;
  /** `seq` and SHA-256 of the last audit line when the pipe ended: a tamper anchor for the chain. */
  last_seq: number;
  last_sha256: string;
  /** Records this invocation appended. */
  appended: number;
}

export interface ResultsDocument {
  pipe_version: string;
  status: RunStatus;
  exit_code: ExitCode | null;
  started_at: string;
  finished_at: string | null;
  workspace: string | null;
  commit: string | null;
  identity: ResultsIdentity | null;
  error: ResultsError | null;
  audit: ResultsAudit | null;
  actions: ResultsAction[];
}

/** What the run knows; fields fill in as the pipe goes (identity after auth, actions after parsing). */
export interface ResultsState {
  startedAt: number;
  workspace?: string;
  commit?: string;
  identity?: IdentitySummary;
  dryRun?: boolean;
  audit?: AuditHead;
  actions: readonly ActionResult[];
}

/** How the run ended: the exit status from `exitCodeFor` and the error that decided it. */
export interface RunOutcome {
  exitCode: ExitCode;
  error?: unknown;
}

/** Returns the whole run's status for an exit code and the error that decided it. */
export function runStatusFor(exitCode: ExitCode, error: unknown, dryRun = false): RunStatus {
  if (exitCode === 0) return dryRun ? 'dry_run' : 'succeeded';
  if (error instanceof PipeError && error.code === 'ERR_CANCELLED') return 'cancelled';
  if (error instanceof PipeError && error.code === 'ERR_TIMEOUT') return 'timed_out';
  return exitCode === 2 ? 'invalid' : 'failed';
}

/** Returns the results document for the state; without an outcome the run is still `running`. */
export function buildResultsDocument(
  state: ResultsState,
  finishedAt?: number,
  outcome?: RunOutcome,
): ResultsDocument {
  const done = outcome !== undefined && finishedAt !== undefined;
  return {
    pipe_version: PIPE_VERSION,
    status: done ? runStatusFor(outcome.exitCode, outcome.error, state.dryRun) : 'running',
    exit_code: done ? outcome.exitCode : null,
    started_at: isoTime(state.startedAt),
    finished_at: done ? isoTime(finishedAt) : null,
    workspace: state.workspace ?? null,
    commit: state.commit ?? null,
    identity: state.identity ? toIdentity(state.identity) : null,
    error: done && outcome.exitCode !== 0 ? toError(toPipeError(outcome.error)) : null,
    audit: state.audit ? toAudit(state.audit) : null,
    actions: state.actions.map(toAction),
  };
}

function toAction(result: ActionResult): ResultsAction {
  return {
    index: result.index,
    id: result.id ?? null,
    type: result.type,
    status: result.status,
    description: result.description,
    started_at: result.started_at ?? null,
    finished_at: result.finished_at ?? null,
    duration_ms: result.duration_ms ?? null,
    outputs: result.outputs,
    error: result.error ? toError(result.error) : null,
  };
}

function toError(error: {
  code: string;
  message: string;
  hint?: string | undefined;
  details?: readonly string[];
}): ResultsError {
  const out: ResultsError = { code: error.code, message: error.message };
  if (error.hint !== undefined) out.hint = error.hint;
  if (error.details !== undefined && error.details.length > 0) out.details = [...error.details];
  return out;
}

function toIdentity(identity: IdentitySummary): ResultsIdentity {
  return {
    auth_type: identity.authType,
    client_id: identity.clientId ?? null,
    claims: identity.claims ?? {},
    subject_token_expires_at:
      identity.subjectTokenExpiresAt === undefined ? null : isoTime(identity.subjectTokenExpiresAt),
  };
}

function toAudit(head: AuditHead): ResultsAudit {
  return { file: head.file, last_seq: head.seq, last_sha256: head.sha256, appended: head.appended };
}

