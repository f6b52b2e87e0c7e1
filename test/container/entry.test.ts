import { resolve } from 'node:path';
import { variableSchema } from '../../src/config/schema.js';
import { REPO_ROOT } from './support/docker.js';

// The image's entry point decides, as root, whether the pipe can run as an unprivileged user
// (scripts/container-entry.mjs). Its rules are pure functions of modes, owners and variables;
// the container suite proves the whole switch against real bind mounts.

interface Stat {
  uid: number;
  gid: number;
  mode: number;
}
interface User {
  uid: number;
  gid: number;
  name: string;
}
interface EntryModule {
  NODE_USER: User;
  DEFAULT_RESULTS_FILE: string;
  DEFAULT_AUDIT_FILE: string;
  pipePaths(
    env: Record<string, string>,
    cwd: string,
  ): { cloneDir: string; reads: string[]; writes: string[] };
  permits(st: Stat, user: User, bits: number): boolean;
  accessProblem(
    path: string,
    user: User,
    bits: number,
    stat: (path: string) => Stat,
  ): string | undefined;
  pipeUser(cloneDirStat: Stat | undefined): User;
}

// A path held in a variable keeps TypeScript from resolving the untyped .mjs; Jest loads it as ESM.
const ENTRY_PATH = resolve(REPO_ROOT, 'scripts/container-entry.mjs');
const entry = (await import(ENTRY_PATH)) as EntryModule;
const NODE = entry.NODE_USER;
const READ = 4;
const WRITE = 2;
const DIR = 0o040000;
const FILE = 0o100000;
const CLONE = '/opt/atlassian/pipelines/agent/build';

/** Returns a stat function over a fake tree; ancestors not listed are root-owned 0755. */
function fakeTree(entries: Record<string, Partial<Stat>>): (path: string) => Stat {
  return (path) => {
    const known = entries[path];
    if (known) return { uid: 0, gid: 0, mode: DIR | 0o755, ...known };
    if (CLONE.startsWith(path)) return { uid: 0, gid: 0, mode: DIR | 0o755 };
    throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
  };
}

describe('container entry', () => {
  it('uses the same default output paths as the variable schema', () => {
    expect(entry.DEFAULT_RESULTS_FILE).toBe(variableSchema('RESULTS_FILE').default);
    expect(entry.DEFAULT_AUDIT_FILE).toBe(variableSchema('AUDIT_FILE').default);
  });

  it.each([
    {
      name: 'owner bits for the owner',
      st: { uid: 1000, gid: 0, mode: 0o600 },
      bits: WRITE,
      expected: true,
    },
    {
      name: 'owner bits win over other bits',
      st: { uid: 1000, gid: 0, mode: 0o077 },
      bits: READ,
      expected: false,
    },
    {
      name: 'group bits for the group',
      st: { uid: 0, gid: 1000, mode: 0o070 },
      bits: WRITE,
      expected: true,
    },
    {
      name: 'other bits for anyone else',
      st: { uid: 0, gid: 0, mode: 0o755 },
      bits: WRITE,
      expected: false,
    },
    { name: 'world-writable', st: { uid: 0, gid: 0, mode: 0o777 }, bits: WRITE, expected: true },
  ])('permits: $name', ({ st, bits, expected }) => {
    expect(entry.permits(st, NODE, bits)).toBe(expected);
  });

  it.each([
    {
      name: 'a new file in a directory node owns',
      tree: { [`${CLONE}/out`]: { uid: 1000, gid: 1000 } },
      path: `${CLONE}/out/r.json`,
      bits: WRITE,
      problem: undefined,
    },
    {
      name: 'a new file in a root-owned 0755 clone dir',
      tree: {},
      path: `${CLONE}/r.json`,
      bits: WRITE,
      problem: `${CLONE} is not writable`,
    },
    {
      name: 'a new file in a world-writable clone dir',
      tree: { [CLONE]: { mode: DIR | 0o777 } },
      path: `${CLONE}/r.json`,
      bits: WRITE,
      problem: undefined,
    },
    {
      name: 'an existing root-owned audit file',
      tree: { [`${CLONE}/out`]: { uid: 1000 }, [`${CLONE}/out/a.jsonl`]: { mode: FILE | 0o644 } },
      path: `${CLONE}/out/a.jsonl`,
      bits: WRITE,
      problem: `${CLONE}/out/a.jsonl is not writable`,
    },
    {
      name: 'missing directories under a writable one',
      tree: { [CLONE]: { uid: 1000 } },
      path: `${CLONE}/a/b/r.json`,
      bits: WRITE,
      problem: undefined,
    },
    {
      name: 'a plan file readable by all',
      tree: { [`${CLONE}/plan.yml`]: { mode: FILE | 0o644 } },
      path: `${CLONE}/plan.yml`,
      bits: READ,
      problem: undefined,
    },
    {
      name: 'a plan file only root may read',
      tree: { [`${CLONE}/plan.yml`]: { mode: FILE | 0o600 } },
      path: `${CLONE}/plan.yml`,
      bits: READ,
      problem: `${CLONE}/plan.yml is not readable`,
    },
    {
      name: 'a missing plan file (the pipe reports it)',
      tree: {},
      path: `${CLONE}/plan.yml`,
      bits: READ,
      problem: undefined,
    },
    {
      name: 'an unsearchable ancestor',
      tree: { '/opt/atlassian': { mode: DIR | 0o700 } },
      path: `${CLONE}/plan.yml`,
      bits: READ,
      problem: '/opt/atlassian is not searchable',
    },
  ])('accessProblem: $name', ({ tree, path, bits, problem }) => {
    expect(entry.accessProblem(path, NODE, bits, fakeTree(tree))).toBe(problem);
  });

  it.each([
    {
      name: 'defaults under the clone dir',
      env: { BITBUCKET_CLONE_DIR: CLONE },
      cwd: '/',
      reads: [],
      writes: [
        `${CLONE}/databricks-ml-pipe/results.json`,
        `${CLONE}/databricks-ml-pipe/audit.jsonl`,
      ],
    },
    {
      name: 'the working directory without a clone dir',
      env: {},
      cwd: '/work',
      reads: [],
      writes: ['/work/databricks-ml-pipe/results.json', '/work/databricks-ml-pipe/audit.jsonl'],
    },
    {
      name: 'a plan file and custom outputs',
      env: {
        BITBUCKET_CLONE_DIR: CLONE,
        ACTIONS_FILE: '.databricks/release.yml',
        RESULTS_FILE: 'r.json',
        AUDIT_FILE: '/tmp/a.jsonl',
      },
      cwd: '/',
      reads: [`${CLONE}/.databricks/release.yml`],
      writes: [`${CLONE}/r.json`, '/tmp/a.jsonl'],
    },
    {
      name: 'output variables when asked for',
      env: {
        BITBUCKET_CLONE_DIR: CLONE,
        OUTPUT_VARIABLES: 'Yes',
        BITBUCKET_PIPELINES_VARIABLES_PATH: '/vars/out',
      },
      cwd: '/',
      reads: [],
      writes: [
        `${CLONE}/databricks-ml-pipe/results.json`,
        `${CLONE}/databricks-ml-pipe/audit.jsonl`,
        '/vars/out',
      ],
    },
    {
      name: 'no output variables when off',
      env: {
        BITBUCKET_CLONE_DIR: CLONE,
        OUTPUT_VARIABLES: 'false',
        BITBUCKET_PIPELINES_VARIABLES_PATH: '/vars/out',
      },
      cwd: '/',
      reads: [],
      writes: [
        `${CLONE}/databricks-ml-pipe/results.json`,
        `${CLONE}/databricks-ml-pipe/audit.jsonl`,
      ],
    },
  ])('pipePaths: $name', ({ env, cwd, reads, writes }) => {
    expect(entry.pipePaths(env, cwd)).toEqual({
      cloneDir: env.BITBUCKET_CLONE_DIR ?? cwd,
      reads,
      writes,
    });
  });

  it.each([
    {
      name: 'node for a root-owned clone dir',
      st: { uid: 0, gid: 0, mode: DIR | 0o755 },
      expected: { uid: 1000, gid: 1000 },
    },
    {
      name: 'node when the clone dir is missing',
      st: undefined,
      expected: { uid: 1000, gid: 1000 },
    },
    {
      name: "the clone dir's owner otherwise",
      st: { uid: 1234, gid: 4321, mode: DIR | 0o755 },
      expected: { uid: 1234, gid: 4321 },
    },
  ])('pipeUser: $name', ({ st, expected }) => {
    expect(entry.pipeUser(st)).toMatchObject(expected);
  });
});
