import {
  actionKey,
  bitbucketTags,
  registrationKeyTags,
  runLineage,
  runProvenanceTags,
  versionProvenanceTags,
} from '../../../../src/evidence/provenance.js';
import { BITBUCKET } from './support.js';

const C = BITBUCKET.commit ?? '';
const OTHER = 'feed000000000000000000000000000000000002';
const GIT = {
  'mlflow.source.git.commit': C,
  'mlflow.source.git.branch': 'main',
  'mlflow.source.git.repoURL': 'https://bitbucket.org/acme/churn',
};
const BB = {
  'bitbucket.repo': 'acme/churn',
  'bitbucket.commit': C,
  'bitbucket.branch': 'main',
  'bitbucket.pipeline_uuid': '{pipeline}',
  'bitbucket.step_uuid': '{step}',
  'bitbucket.build_number': '7',
  'bitbucket.deployment_environment': 'production',
};

describe('runLineage', () => {
  it.each([
    { name: 'no git tags', tags: {}, lineage: undefined },
    {
      name: "MLflow's keys",
      tags: { 'mlflow.source.git.commit': OTHER, 'mlflow.source.git.branch': 'dev' },
      lineage: { commit: OTHER, branch: 'dev' },
    },
    {
      name: "Databricks' Git-folder keys on a branch",
      tags: {
        'mlflow.databricks.gitRepoCommit': OTHER,
        'mlflow.databricks.gitRepoUrl': 'https://bitbucket.org/acme/churn.git',
        'mlflow.databricks.gitRepoReference': 'dev',
        'mlflow.databricks.gitRepoReferenceType': 'branch',
      },
      lineage: { commit: OTHER, branch: 'dev', repoURL: 'https://bitbucket.org/acme/churn.git' },
    },
    {
      name: "Databricks' keys on a tag (no branch claimed)",
      tags: {
        'mlflow.databricks.gitRepoCommit': OTHER,
        'mlflow.databricks.gitRepoReference': 'v1.2',
        'mlflow.databricks.gitRepoReferenceType': 'tag',
      },
      lineage: { commit: OTHER },
    },
    { name: 'an empty commit', tags: { 'mlflow.source.git.commit': '' }, lineage: undefined },
  ])('reads $name', ({ tags, lineage }) => {
    expect(runLineage(tags)).toEqual(lineage);
  });
});

describe('runProvenanceTags', () => {
  it.each([
    {
      name: 'a run without lineage gets git keys and bitbucket.*',
      existing: {},
      expected: { ...GIT, ...BB },
    },
    {
      name: 'a run of another commit keeps its lineage: bitbucket.* only',
      existing: { 'mlflow.source.git.commit': OTHER },
      expected: BB,
    },
    {
      name: "a run with Databricks' lineage gets no git keys",
      existing: { 'mlflow.databricks.gitRepoCommit': OTHER },
      expected: BB,
    },
    {
      name: 'tags the run already carries are not set again',
      existing: { ...GIT, ...BB, 'bitbucket.build_number': '6' },
      expected: { 'bitbucket.build_number': '7' },
    },
  ])('$name', ({ existing, expected }) => {
    expect(runProvenanceTags(existing, BITBUCKET)).toEqual(expected);
  });

  it('leaves out variables Bitbucket did not set, and the git keys without a commit', () => {
    const local = { cloneDir: '/tmp', branch: 'main' };
    expect(runProvenanceTags({}, local)).toEqual({ 'bitbucket.branch': 'main' });
  });

  it('derives the repo URL from the repo name when the origin is unset', () => {
    const bitbucket = { ...BITBUCKET };
    delete bitbucket.gitHttpOrigin;
    expect(runProvenanceTags({}, bitbucket)['mlflow.source.git.repoURL']).toBe(
      'https://bitbucket.org/acme/churn',
    );
  });
});

describe('versionProvenanceTags', () => {
  it.each([
    { name: 'no source run: the pipeline lineage', run: undefined, git: GIT },
    { name: 'a run without lineage: the pipeline lineage', run: {}, git: GIT },
    {
      name: "a run of this commit: its lineage, completed from the pipeline's",
      run: { 'mlflow.source.git.commit': C },
      git: GIT,
    },
    {
      name: "a run of another commit: only the run's lineage",
      run: { 'mlflow.source.git.commit': OTHER, 'mlflow.source.git.branch': 'dev' },
      git: { 'mlflow.source.git.commit': OTHER, 'mlflow.source.git.branch': 'dev' },
    },
  ])('$name', ({ run, git }) => {
    expect(versionProvenanceTags(run, BITBUCKET)).toEqual({ ...git, ...BB });
  });
});

describe('registration identity', () => {
  it.each([
    { name: 'an id', action: { id: 'register', index: 3 }, key: 'register' },
    { name: 'a position', action: { index: 3 }, key: '#3' },
  ])('names an action by $name', ({ action, key }) => {
    expect(actionKey(action)).toBe(key);
  });

  it('is empty outside a pipeline (no reuse without a pipeline UUID)', () => {
    expect(registrationKeyTags({ cloneDir: '/tmp' }, 'register')).toEqual({});
    expect(registrationKeyTags(BITBUCKET, 'register')).toEqual({
      'bitbucket.pipeline_uuid': '{pipeline}',
      'bitbucket.step_uuid': '{step}',
      'bitbucket.action': 'register',
    });
  });

  it('bitbucketTags carries exactly the documented keys', () => {
    expect(Object.keys(bitbucketTags(BITBUCKET)).sort()).toEqual(Object.keys(BB).sort());
  });
});
