import { decodeJwt } from 'jose';
import { PipeError } from '../errors.js';
import { redactor as defaultRedactor, type Redactor } from '../log/redactor.js';

/**
 * The non-secret claims of a Bitbucket step OIDC token that a federation policy can match on.
 * Bitbucket wraps every UUID in braces (`{…}`); the values are kept exactly as the token has
 * them because a policy's `subject` must equal them byte for byte.
 */
export interface StepTokenClaims {
  iss?: string;
  /** One audience or several (`oidc: { audiences: [...] }` on the step). */
  aud?: string | string[];
  /** `{repositoryUuid}:{stepUuid}` — changes every step, so policies cannot match on it. */
  sub?: string;
  workspaceUuid?: string;
  repositoryUuid?: string;
  /** Present on deployment steps only. */
  deploymentEnvironmentUuid?: string;
  branchName?: string;
  /** Expiry, epoch seconds (JWT NumericDate). */
  exp: number;
  /** Issued at, epoch seconds. */
  iat?: number;
}

const STRING_CLAIMS = [
  'iss',
  'sub',
  'workspaceUuid',
  'repositoryUuid',
  'deploymentEnvironmentUuid',
  'branchName',
] as const;

const OIDC_HINT =
  'check that the step has `oidc: true` and that BITBUCKET_STEP_OIDC_TOKEN is passed to the pipe unchanged';

const MAX_EPOCH_SECONDS = 8.64e12;

/**
 * Returns the policy-relevant claims of the step token, decoded without verifying the
 * signature (Databricks verifies it; the pipe only needs the claims to explain a refusal).
 * The token is registered with the redactor first so no error path can reveal it.
 * @throws PipeError ERR_OIDC_TOKEN_INVALID when the value is not a JWT or has no `exp`.
 */
export function decodeStepToken(token: string, redactor: Redactor = defaultRedactor): StepTokenClaims {
  redactor.register(token);
  let payload: Record<string, unknown>;
  try {
    payload = decodeJwt(token);
  } catch {
    // jose's message can quote fragments of the input; deliberately not chained as cause.
    throw new PipeError('ERR_OIDC_TOKEN_INVALID', 'the step OIDC token is not a valid JWT', {
      hint: OIDC_HINT,
    });
  }
  // Beyond ±8.64e12 s a Date cannot hold it: such a token is as broken as one without exp.
  const exp = payload['exp'];
  if (typeof exp !== 'number' || !Number.isFinite(exp) || Math.abs(exp) > MAX_EPOCH_SECONDS) {
    throw new PipeError('ERR_OIDC_TOKEN_INVALID', 'the step OIDC token has no numeric exp claim', {
      hint: OIDC_HINT,
    });
  }
  const claims: StepTokenClaims = { exp };
  for (const name of STRING_CLAIMS) {
    const value = payload[name];
    if (typeof value === 'string') claims[name] = value;
  }
  const aud = payload['aud'];
  if (typeof aud === 'string') claims.aud = aud;
  else if (Array.isArray(aud)) claims.aud = aud.filter((a): a is string => typeof a === 'string');
  if (typeof payload['iat'] === 'number') claims.iat = payload['iat'];
  return claims;
}

/** Returns the step token's expiry as epoch milliseconds. */
export function stepTokenExpiresAt(claims: StepTokenClaims): number {
  return claims.exp * 1000;
}

/**
 * Returns nothing when the step token is still valid at `nowMs`.
 * @throws PipeError ERR_OIDC_TOKEN_EXPIRED naming the expiry and the current time.
 */
export function assertStepTokenFresh(claims: StepTokenClaims, nowMs: number): void {
  const expiresAt = stepTokenExpiresAt(claims);
  if (nowMs < expiresAt) return;
  throw new PipeError(
    'ERR_OIDC_TOKEN_EXPIRED',
    `the step OIDC token expired at ${isoTime(expiresAt)} (now ${isoTime(nowMs)})`,
    {
      hint:
        'Bitbucket step tokens live about an hour and cannot be renewed inside a step; ' +
        're-run the step, or split long waits into a later step',
    },
  );
}

/** Returns the audiences of the token as a list (empty when it has none). */
export function audiencesOf(claims: { aud?: string | string[] | undefined }): string[] {
  if (claims.aud === undefined) return [];
  return typeof claims.aud === 'string' ? [claims.aud] : claims.aud;
}

/** Returns the claims as `key=value` pairs for an info line (absent claims omitted). */
export function claimsForLog(claims: StepTokenClaims): Record<string, string> {
  const out: Record<string, string> = {};
  if (claims.iss !== undefined) out['iss'] = claims.iss;
  const aud = audiencesOf(claims);
  if (aud.length > 0) out['aud'] = aud.join(' ');
  if (claims.repositoryUuid !== undefined) out['repositoryUuid'] = claims.repositoryUuid;
  if (claims.deploymentEnvironmentUuid !== undefined) {
    out['deploymentEnvironmentUuid'] = claims.deploymentEnvironmentUuid;
  }
  if (claims.branchName !== undefined) out['branchName'] = claims.branchName;
  out['expires'] = isoTime(stepTokenExpiresAt(claims));
  return out;
}

/** Returns an epoch-ms instant as an ISO-8601 UTC string without milliseconds. */
export function isoTime(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
