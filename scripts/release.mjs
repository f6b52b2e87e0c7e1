#!/usr/bin/env node
// Bumps the pipe's version everywhere a user or the image reads it, in one go:
//
//   npm run release -- <major|minor|patch|x.y.z> [--date YYYY-MM-DD]
//   npm run release -- --check [--tag <git tag>]
//
// The version lives in package.json, package-lock.json (root), src/version.ts (PIPE_VERSION),
// pipe.yml's image tag, README's `pipe:` lines and CHANGELOG's latest release heading. A bump
// refuses to start when they disagree (someone edited one by hand: fix that first, on purpose),
// and refuses an empty Unreleased section (every release says what changed). `--check` only
// verifies agreement; `--tag` also checks a git tag (`v1.2.3` or `1.2.3`) names that version,
// which CI runs before it pushes an image. Every file is rewritten only after all were read.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const SEMVER = /^(\d+)\.(\d+)\.(\d+)$/;
const USAGE =
  'usage: npm run release -- <major|minor|patch|x.y.z> [--date YYYY-MM-DD]\n' +
  '       npm run release -- --check [--tag <git tag>]';

/** A refusal: printed as one `✖` line (plus details), exit status 1. */
class ReleaseError extends Error {
  /** @param {string} message @param {string[]} [details] @param {number} [exitCode] */
  constructor(message, details = [], exitCode = 1) {
    super(message);
    this.details = details;
    this.exitCode = exitCode;
  }
}

const LOCK_ROOT = 'packages[""]';

/** Returns the 1-based line number of a string offset, for messages. */
function lineOf(text, index) {
  return text.slice(0, index).split('\n').length;
}

/** Returns every match of a global pattern as `{version, where}` (group 1 is the version). */
function matchAll(text, pattern) {
  return [...text.matchAll(pattern)].map((m) => ({
    version: m[1],
    where: `line ${lineOf(text, m.index)}`,
  }));
}

/** Returns the Unreleased section: where its body starts and ends, and the body. */
function findUnreleased(text) {
  const heading = /^## \[Unreleased\][^\n]*\n/im.exec(text);
  if (!heading)
    throw new ReleaseError('CHANGELOG.md has no "## [Unreleased]" heading', [
      'keep-a-changelog format: https://keepachangelog.com/en/1.1.0/',
    ]);
  const start = heading.index + heading[0].length;
  const next = /^## /m.exec(text.slice(start));
  const end = next ? start + next.index : text.length;
  return { start, end, body: text.slice(start, end) };
}

// README's usage lines, `- pipe: org/databricks-ml-pipe:1.2.3` or `pipe: docker://host/…/databricks-ml-pipe:1.2.3`.
const README_PIPE =
  /^[ \t-]*pipe:[ \t]*["']?(?:docker:\/\/)?[\w./-]*databricks-ml-pipe:([\w.+-]+)/gm;
const PIPE_YML_IMAGE = /^image:[ \t]*["']?[\w./-]*databricks-ml-pipe:([\w.+-]+)/gm;
const VERSION_TS = /PIPE_VERSION\s*=\s*['"]([^'"]+)['"]/g;
const CHANGELOG_RELEASE = /^## \[(\d[^\]]*)\]/gm;

/** Where the version lives. `read` returns its occurrences; `write` returns the bumped text. */
const SITES = [
  {
    file: 'package.json',
    expect: 'a top-level "version" field',
    read: (text) =>
      typeof JSON.parse(text).version === 'string'
        ? [{ version: JSON.parse(text).version, where: 'version' }]
        : [],
    write: (text, version) => `${JSON.stringify({ ...JSON.parse(text), version }, null, 2)}\n`,
  },
  {
    file: 'package-lock.json',
    expect: `"version" and ${LOCK_ROOT}.version, as npm writes them`,
    read: (text) => {
      const lock = JSON.parse(text);
      const root = lock.packages?.[''];
      if (typeof lock.version !== 'string' || typeof root?.version !== 'string') return [];
      return [
        { version: lock.version, where: 'version' },
        { version: root.version, where: `${LOCK_ROOT}.version` },
      ];
    },
    write: (text, version) => {
      const lock = JSON.parse(text);
      lock.version = version;
      lock.packages[''].version = version;
      return `${JSON.stringify(lock, null, 2)}\n`;
    },
  },
  {
    file: 'src/version.ts',
    expect: "export const PIPE_VERSION = 'x.y.z';",
    read: (text) => matchAll(text, VERSION_TS),
    write: (text, version) => text.replace(VERSION_TS, (m, old) => m.replace(old, version)),
  },
  {
    file: 'pipe.yml',
    expect: 'image: <registry/…/>databricks-ml-pipe:x.y.z',
    read: (text) => matchAll(text, PIPE_YML_IMAGE),
    write: (text, version) =>
      text.replace(PIPE_YML_IMAGE, (m, old) => m.replace(`:${old}`, `:${version}`)),
  },
  {
    file: 'README.md',
    expect: 'at least one "pipe: <owner>/databricks-ml-pipe:x.y.z" line',
    read: (text) => matchAll(text, README_PIPE),
    write: (text, version) =>
      text.replace(README_PIPE, (m, old) => m.replace(`:${old}`, `:${version}`)),
  },
  {
    file: 'CHANGELOG.md',
    expect: 'a "## [x.y.z] - YYYY-MM-DD" heading for the current release',
    read: (text) => matchAll(text, CHANGELOG_RELEASE).slice(0, 1),
    write: (text, version, { date }) => {
      const { start, end, body } = findUnreleased(text);
      return `${text.slice(0, start)}\n## [${version}] - ${date}\n\n${body.trim()}\n\n${text.slice(end)}`;
    },
  },
];

/** Returns every version occurrence in the repository, or throws when a file lacks its marker. */
function readVersions(root) {
  const texts = new Map();
  const found = [];
  for (const site of SITES) {
    let text;
    try {
      text = readFileSync(join(root, site.file), 'utf8');
    } catch {
      throw new ReleaseError(`cannot read ${site.file}`, [
        `every release file must exist: ${SITES.map((s) => s.file).join(', ')}`,
      ]);
    }
    texts.set(site.file, text);
    const versions = site.read(text);
    if (versions.length === 0)
      throw new ReleaseError(`no version found in ${site.file}`, [site.expect]);
    for (const v of versions) found.push({ file: site.file, where: v.where, version: v.version });
  }
  return { texts, found };
}

/** Returns the one version all files agree on, or throws listing where they differ. */
function agreedVersion(found) {
  const distinct = [...new Set(found.map((f) => f.version))];
  if (distinct.length === 1 && SEMVER.test(distinct[0])) return distinct[0];
  const details = found.map((f) => `${f.file} (${f.where}): ${f.version}`);
  if (distinct.length === 1) throw new ReleaseError(`version ${distinct[0]} is not x.y.z`, details);
  throw new ReleaseError(
    `versions disagree (${distinct.join(' vs ')}); make them equal before releasing`,
    details,
  );
}

/** Returns the version after `current` for a bump word or an explicit x.y.z. */
function nextVersion(current, bump) {
  const [major, minor, patch] = current.split('.').map(Number);
  if (bump === 'major') return `${major + 1}.0.0`;
  if (bump === 'minor') return `${major}.${minor + 1}.0`;
  if (bump === 'patch') return `${major}.${minor}.${patch + 1}`;
  const m = SEMVER.exec(bump);
  if (!m) throw new ReleaseError(`"${bump}" is not major, minor, patch or x.y.z`, [USAGE], 2);
  const cmp =
    m
      .slice(1)
      .map(Number)
      .map((n, i) => n - [major, minor, patch][i])
      .find((d) => d !== 0) ?? 0;
  if (cmp <= 0)
    throw new ReleaseError(`${bump} is not greater than the current version ${current}`);
  return bump;
}

/** Writes every changed file through a temporary sibling, so no file is left half-written. */
function writeAll(root, texts) {
  const pending = [...texts].map(([file, text]) => {
    const path = join(root, file);
    writeFileSync(`${path}.release-tmp`, text);
    return path;
  });
  for (const path of pending) renameSync(`${path}.release-tmp`, path);
}

function check(root, tag) {
  const { found } = readVersions(root);
  const version = agreedVersion(found);
  if (tag !== undefined && tag.replace(/^v/, '') !== version) {
    throw new ReleaseError(`tag ${tag} does not name version ${version}`, [
      'tag the commit whose files carry the version being released',
    ]);
  }
  return `✔ versions agree: ${version} (${found.length} places in ${SITES.length} files)${tag ? `, tag ${tag} matches` : ''}`;
}

function bump(root, word, date) {
  const { texts, found } = readVersions(root);
  const current = agreedVersion(found);
  const next = nextVersion(current, word);
  if (findUnreleased(texts.get('CHANGELOG.md')).body.trim() === '') {
    throw new ReleaseError('CHANGELOG.md has nothing under [Unreleased]', [
      'add an entry per change before releasing',
    ]);
  }
  const updated = new Map();
  for (const site of SITES)
    updated.set(site.file, site.write(texts.get(site.file), next, { date, current }));
  writeAll(root, updated);
  return [
    `✔ released ${next} (was ${current}): ${SITES.map((s) => s.file).join(', ')}`,
    `  next: git commit -am "Release ${next}" && git tag v${next} && git push origin HEAD v${next}`,
  ].join('\n');
}

function run(argv) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      check: { type: 'boolean', default: false },
      tag: { type: 'string' },
      date: { type: 'string', default: new Date().toISOString().slice(0, 10) },
      root: { type: 'string', default: resolve(import.meta.dirname, '..') },
    },
  });
  if (!/^\d{4}-\d{2}-\d{2}$/.test(values.date))
    throw new ReleaseError(`--date ${values.date} is not YYYY-MM-DD`, [USAGE], 2);
  if (values.check) {
    if (positionals.length > 0) throw new ReleaseError('--check takes no version', [USAGE], 2);
    return check(values.root, values.tag);
  }
  if (positionals.length !== 1 || values.tag !== undefined)
    throw new ReleaseError('give exactly one of major, minor, patch or x.y.z', [USAGE], 2);
  return bump(values.root, positionals[0], values.date);
}

try {
  console.log(run(process.argv.slice(2)));
} catch (error) {
  if (!(error instanceof ReleaseError)) {
    const message = error instanceof Error ? error.message : String(error);
    console.log(`✖ release: ${message}`);
    console.log(USAGE);
    process.exitCode = 2;
  } else {
    console.log(`✖ release: ${error.message}`);
    for (const line of error.details) console.log(`  ${line}`);
    process.exitCode = error.exitCode;
  }
}
