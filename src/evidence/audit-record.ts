/**
 * One audit line (DESIGN §5, §7.12): who (identity), where (workspace, repo, commit, pipeline,
 * step, build, deployment), what (action, operation, target, request), and how it ended. Every
 * key is always present (`null` when unknown); the published schema is
 * `schemas/audit-record.schema.json`.
 */
import type { IdentitySummary } from '../auth/types.js';
import type { BitbucketContext } from '../config/types.js';
import { PIPE_VERSION } from '../version.js';
import type { AuditEvent } from './types.js';

/** Who acts and where, shared by every record of one invocation. */
export interface AuditContext {
  /** Workspace origin, e.g. `https://dbc-123.cloud.databricks.com`. */
  host: string;
  bitbucket: BitbucketContext;
  /** Known after authentication; may also be set later with `setIdentity`. */
  identity?: IdentitySummary;
  /** DRY_RUN: the log writes nothing (DESIGN §7.12). */
  dryRun?: boolean;
}

export interface AuditIdentity {
  auth_type: string;
  client_id: string | null;
  claims: Record<string, unknown>;
}

export interface AuditRecord {
  seq: number;
  time: string;
  pipe_version: string;
  operation: string;
  target: string;
  result: AuditEvent['result'];
  action: { index: number; id: string | null; type: string };
  request: Record<string, unknown> | null;
  response: Record<string, unknown> | null;
  error: { code: string; message: string } | null;
  identity: AuditIdentity | null;
  workspace: string;
  repo: string | null;
  commit: string | null;
  branch: string | null;
  pipeline_uuid: string | null;
  step_uuid: string | null;
  build_number: string | null;
  deployment_environment: string | null;
  prev_sha256: string;
}

/** Returns the record for an event; `prev_sha256` chains it onto the previous line. */
export function buildAuditRecord(
  event: AuditEvent,
  context: AuditContext,
  chain: { seq: number; time: number; prevSha256: string },
): AuditRecord {
  const bb = context.bitbucket;
  return {
    seq: chain.seq,
    time: new Date(chain.time).toISOString(),
    pipe_version: PIPE_VERSION,
    operation: event.operation,
    target: event.target,
    result: event.result,
    action: { index: event.action.index, id: event.action.id ?? null, type: event.action.type },
    request: event.request ?? null,
    response: event.response ?? null,
    error: event.error ? { code: event.error.code, message: event.error.message } : null,
    identity: context.identity ? toIdentity(context.identity) : null,
    workspace: context.host,
    repo: bb.repoFullName ?? null,
    commit: bb.commit ?? null,
    branch: bb.branch ?? null,
    pipeline_uuid: bb.pipelineUuid ?? null,
    step_uuid: bb.stepUuid ?? null,
    build_number: bb.buildNumber ?? null,
    deployment_environment: bb.deploymentEnvironment ?? null,
    prev_sha256: chain.prevSha256,
  };
}

function toIdentity(identity: IdentitySummary): AuditIdentity {
  return {
    auth_type: identity.authType,
    client_id: identity.clientId ?? null,
    claims: identity.claims ?? {},
  };
}
