import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { PIPE_VERSION } from '../../src/version.js';
import { REPO_ROOT } from './support/docker.js';

// `npm run release` (scripts/release.mjs). Runs without Docker; it belongs to this suite
// because issue #8 covers the image and the releases that publish it.
const RELEASE = resolve(REPO_ROOT, 'scripts/release.mjs');
const RELEASE_FILES = [
  'package.json',
  'package-lock.json',
  'src/version.ts',
  'pipe.yml',
  'README.md',
  'CHANGELOG.md',
];
const DATE = '2027-01-15';
const ENTRY = '### Added\n- Container image tested as Bitbucket runs it.\n';

interface ReleaseRun {
  exitCode: number;
  output: string;
}

async function release(...args: string[]): Promise<ReleaseRun> {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [RELEASE, ...args]);
    return { exitCode: 0, output: stdout };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string };
    return { exitCode: failed.code ?? -1, output: failed.stdout ?? '' };
  }
}

/** Returns a temp copy of the release files, with an entry under CHANGELOG's Unreleased. */
function copyRepo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dmp-release-'));
  for (const file of RELEASE_FILES) cpSync(resolve(REPO_ROOT, file), join(dir, file));
  edit(dir, 'CHANGELOG.md', (t) =>
    t.replace(/^## \[Unreleased\]\n/m, `## [Unreleased]\n\n${ENTRY}`),
  );
  return dir;
}

/** Returns what follows `## [Unreleased]\n` up to the released version's heading. */
function unreleasedBody(changelog: string): string {
  const start = changelog.indexOf('## [Unreleased]\n') + '## [Unreleased]\n'.length;
  return changelog.slice(start, changelog.indexOf(`## [${PIPE_VERSION}]`));
}

function edit(dir: string, file: string, change: (text: string) => string): void {
  writeFileSync(join(dir, file), change(readFileSync(join(dir, file), 'utf8')));
}

/** Returns the lines of `file` that differ between the repository and the copy. */
function changedLines(dir: string, file: string): string[] {
  const before = readFileSync(resolve(REPO_ROOT, file), 'utf8').split('\n');
  const after = readFileSync(join(dir, file), 'utf8').split('\n');
  expect(after).toHaveLength(before.length);
  return after.filter((line, i) => line !== before[i]).map((line) => line.trim());
}

function bump(version: string): string {
  const [major, minor, patch] = version.split('.').map(Number) as [number, number, number];
  return `${major}.${minor}.${patch + 1}`;
}

let dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
});
function tempRepo(): string {
  const dir = copyRepo();
  dirs.push(dir);
  return dir;
}

describe('npm run release', () => {
  it('--check finds every version in this repository agreeing with PIPE_VERSION', async () => {
    const run = await release('--check');
    expect(run).toEqual({
      exitCode: 0,
      output: expect.stringContaining(`✔ versions agree: ${PIPE_VERSION}`),
    });
  });

  it.each([
    { name: 'patch', word: 'patch', next: (v: string) => bump(v) },
    {
      name: 'minor',
      word: 'minor',
      next: (v: string) => v.replace(/^(\d+)\.(\d+)\.\d+$/, (_, a, b) => `${a}.${Number(b) + 1}.0`),
    },
    { name: 'major', word: 'major', next: (v: string) => `${Number(v.split('.')[0]) + 1}.0.0` },
    { name: 'explicit version', word: '7.8.9', next: () => '7.8.9' },
  ])('bumps every file together ($name)', async ({ word, next }) => {
    const dir = tempRepo();
    const version = next(PIPE_VERSION);
    // What [Unreleased] holds before the release (ENTRY and whatever the repository has pending)
    // becomes the new version's section.
    const pending = unreleasedBody(readFileSync(join(dir, 'CHANGELOG.md'), 'utf8'));
    expect(pending.startsWith(`\n${ENTRY}`)).toBe(true);
    expect(await release(word, '--date', DATE, '--root', dir)).toMatchObject({ exitCode: 0 });
    expect(changedLines(dir, 'package.json')).toEqual([`"version": "${version}",`]);
    expect(changedLines(dir, 'package-lock.json')).toEqual([
      `"version": "${version}",`,
      `"version": "${version}",`,
    ]);
    expect(changedLines(dir, 'src/version.ts')).toEqual([
      `export const PIPE_VERSION = '${version}';`,
    ]);
    expect(changedLines(dir, 'pipe.yml')).toEqual([
      expect.stringMatching(new RegExp(`^image: .*databricks-ml-pipe:${version}$`)),
    ]);
    expect(
      changedLines(dir, 'README.md').every((l) => l.endsWith(`databricks-ml-pipe:${version}`)),
    ).toBe(true);
    const changelog = readFileSync(join(dir, 'CHANGELOG.md'), 'utf8');
    expect(changelog).toContain(
      `## [Unreleased]\n\n## [${version}] - ${DATE}\n${pending}## [${PIPE_VERSION}]`,
    );
    expect(await release('--check', '--root', dir, '--tag', `v${version}`)).toMatchObject({
      exitCode: 0,
    });
  });

  it.each([
    {
      name: 'pipe.yml edited by hand',
      file: 'pipe.yml',
      change: (t: string) => t.replace(/:\d+\.\d+\.\d+/, ':9.9.9'),
      args: ['patch'],
      message: /versions disagree/,
    },
    {
      name: 'a README pipe: line behind',
      file: 'README.md',
      change: (t: string) => `${t}\n    - pipe: org/databricks-ml-pipe:0.0.1\n`,
      args: ['patch'],
      message: /versions disagree/,
    },
    {
      name: 'PIPE_VERSION behind',
      file: 'src/version.ts',
      change: (t: string) => t.replace(/PIPE_VERSION = '[^']+'/, "PIPE_VERSION = '0.0.9'"),
      args: ['--check'],
      message: /versions disagree/,
    },
    {
      name: 'lockfile root behind',
      file: 'package-lock.json',
      change: (t: string) => t.replace(/"version": "[^"]+"/, '"version": "0.0.9"'),
      args: ['--check'],
      message: /versions disagree/,
    },
    {
      name: 'nothing under Unreleased',
      file: 'CHANGELOG.md',
      // Empty the section whatever the repository has pending in it.
      change: (t: string) => t.replace(unreleasedBody(t), '\n'),
      args: ['minor'],
      message: /nothing under \[Unreleased\]/,
    },
    {
      name: 'a version not above the current',
      file: 'README.md',
      change: (t: string) => t,
      args: [PIPE_VERSION],
      message: /not greater/,
    },
    {
      name: 'a tag naming another version',
      file: 'README.md',
      change: (t: string) => t,
      args: ['--check', '--tag', 'v99.0.0'],
      message: /does not name version/,
    },
  ])('refuses, changing nothing: $name', async ({ file, change, args, message }) => {
    const dir = tempRepo();
    edit(dir, file, change);
    const before = RELEASE_FILES.map((f) => readFileSync(join(dir, f), 'utf8'));
    const run = await release(...args, '--root', dir);
    expect(run.exitCode).toBe(1);
    expect(run.output).toMatch(message);
    expect(RELEASE_FILES.map((f) => readFileSync(join(dir, f), 'utf8'))).toEqual(before);
  });

  it.each([
    { name: 'an unknown bump word', args: ['huge'] },
    { name: 'no version at all', args: [] },
    { name: 'a malformed date', args: ['patch', '--date', '15/01/2027'] },
    { name: 'an unknown option', args: ['patch', '--force'] },
  ])('exits 2 with usage for $name', async ({ args }) => {
    const dir = tempRepo();
    const run = await release(...args, '--root', dir);
    expect(run).toEqual({ exitCode: 2, output: expect.stringContaining('usage: npm run release') });
  });
});
