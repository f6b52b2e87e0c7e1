import type { BitbucketContext } from '../../config/types.js';
import { PipeError } from '../../errors.js';

/** A runs/submit `git_source` pinned to one commit. */
export interface CommitGitSource {
  git_url: string;
  git_provider: 'bitbucketCloud';
  git_commit: string;
}

/**
 * Returns `git_source: auto`: this repository (BITBUCKET_GIT_HTTP_ORIGIN, as https) at
 * BITBUCKET_COMMIT, provider bitbucketCloud. Pinned to the commit, not the branch, so the run
 * executes exactly the code this pipeline tested even if the branch moves meanwhile.
 * @throws PipeError ERR_PLAN_INVALID when either variable is missing (not in Bitbucket Pipelines)
 */
export function autoGitSource(bitbucket: BitbucketContext): CommitGitSource {
  const missing = [
    bitbucket.gitHttpOrigin ? undefined : 'BITBUCKET_GIT_HTTP_ORIGIN',
    bitbucket.commit ? undefined : 'BITBUCKET_COMMIT',
  ].filter((name): name is string => name !== undefined);
  if (missing.length > 0 || !bitbucket.gitHttpOrigin || !bitbucket.commit) {
    throw new PipeError(
      'ERR_PLAN_INVALID',
      `git_source: auto needs ${missing.join(' and ')}, which Bitbucket Pipelines sets`,
      {
        hint: 'outside Bitbucket Pipelines, give git_source as {git_url, git_provider, git_commit}',
      },
    );
  }
  return {
    // Bitbucket reports the origin as http://; Databricks clones over https.
    git_url: bitbucket.gitHttpOrigin.replace(/^http:\/\//i, 'https://'),
    git_provider: 'bitbucketCloud',
    git_commit: bitbucket.commit,
  };
}
