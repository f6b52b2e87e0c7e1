import { randomUUID } from 'node:crypto';
import type { EmuClock } from './types.js';
import type { StepTokenOverrides } from './oidc-issuer.js';

/** Claims of a Bitbucket Pipelines step token (reference §1.3). */

/** Returns `{<uuid>}`: Bitbucket wraps every UUID in braces. */
export function braced(uuid: string = randomUUID()): string {
  return uuid.startsWith('{') ? uuid : `{${uuid}}`;
}

export interface IssuerFacts {
  url: string;
  audience: string;
  workspaceUuid: string;
  repositoryUuid: string;
  deploymentEnvironmentUuid: string;
  lifetime: number;
}

/** Returns the claims of one step token: defaults from the issuer, then the overrides. */
export function stepClaims(
  o: StepTokenOverrides,
  f: IssuerFacts,
  clock: EmuClock,
): Record<string, unknown> {
  const iat = o.iat ?? Math.floor(clock.now() / 1000);
  const repositoryUuid = o.repositoryUuid ?? f.repositoryUuid;
  const stepUuid = o.stepUuid ?? braced();
  const envUuid =
    typeof o.deployment === 'string'
      ? braced(o.deployment)
      : o.deployment
        ? f.deploymentEnvironmentUuid
        : undefined;
  const claims: Record<string, unknown> = {
    iss: o.iss ?? f.url,
    aud: o.aud ?? f.audience,
    sub:
      o.sub ??
      (envUuid ? `${repositoryUuid}:${envUuid}:${stepUuid}` : `${repositoryUuid}:${stepUuid}`),
    iat,
    exp: o.exp ?? iat + f.lifetime,
    workspaceUuid: o.workspaceUuid ?? f.workspaceUuid,
    repositoryUuid,
    pipelineUuid: o.pipelineUuid ?? braced(),
    stepUuid,
    branchName: o.branchName ?? 'main',
    ...(envUuid ? { deploymentEnvironmentUuid: envUuid } : {}),
    ...o.extraClaims,
  };
  for (const [name, value] of Object.entries(claims)) if (value === undefined) delete claims[name];
  return claims;
}
