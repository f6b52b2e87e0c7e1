// The image's entry point (ENTRYPOINT ["node", "/pipe/entry.mjs"]); it then loads the bundle
// in this same process, so signals, stdout and the exit status are exactly `node pipe.js`'s.
//
// Why it exists: Bitbucket runs a pipe's container as the image's user (no --user) with the
// build directory bind-mounted at BITBUCKET_CLONE_DIR, owned by whoever cloned it — usually
// root, mode 0755. Started as `node`, the pipe could not write its results there; staying
// root would run YAML parsing and HTTP with privileges it does not need. So the image starts
// as root and this script does the only privileged work, then gives root up before any pipe
// code loads:
//   1. the pipe user is the clone dir's owner when that is not root (evidence lands owned by
//      the host user), else `node` (uid/gid 1000);
//   2. missing output directories *inside* the clone dir (default `databricks-ml-pipe/`) are
//      created for that user;
//   3. if that user still could not read the plan or write every output (say RESULTS_FILE at
//      the top of a root-owned clone dir), the pipe stays root: losing evidence is worse.
// Started as non-root (`docker run --user …`, rootless runners) it changes nothing. The base
// images have no su/gosu, so the switch is process.setgid/setuid.
import { chownSync, mkdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, parse, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `node` in node:*-slim and in the test base image. */
export const NODE_USER = Object.freeze({ uid: 1000, gid: 1000, name: 'node', home: '/home/node' });
/** Must equal the defaults in src/config/schema.ts (a test compares them). */
export const DEFAULT_RESULTS_FILE = 'databricks-ml-pipe/results.json';
export const DEFAULT_AUDIT_FILE = 'databricks-ml-pipe/audit.jsonl';

const READ = 4;
const WRITE = 2;
const SEARCH = 1;
const FALSE_WORDS = new Set(['false', 'no', '0']);

/**
 * Returns the paths the pipe will read and write, absolute, resolved as its config does:
 * relative to BITBUCKET_CLONE_DIR, or the working directory when that is unset.
 */
export function pipePaths(env, cwd) {
  const cloneDir = resolve(cwd, env.BITBUCKET_CLONE_DIR || '.');
  const at = (path) => resolve(cloneDir, path);
  const reads = env.ACTIONS_FILE ? [at(env.ACTIONS_FILE)] : [];
  const writes = [
    at(env.RESULTS_FILE || DEFAULT_RESULTS_FILE),
    at(env.AUDIT_FILE || DEFAULT_AUDIT_FILE),
  ];
  // Anything but a clear "false" counts: deciding too cautiously only means staying root.
  const outputVariables = (env.OUTPUT_VARIABLES ?? '').trim().toLowerCase();
  if (
    outputVariables !== '' &&
    !FALSE_WORDS.has(outputVariables) &&
    env.BITBUCKET_PIPELINES_VARIABLES_PATH
  ) {
    writes.push(resolve(cwd, env.BITBUCKET_PIPELINES_VARIABLES_PATH));
  }
  return { cloneDir, reads, writes };
}

/** Returns true when the mode bits of `st` grant `bits` to `user` (owner, then group, then other). */
export function permits(st, user, bits) {
  const shift = st.uid === user.uid ? 6 : st.gid === user.gid ? 3 : 0;
  return ((st.mode >> shift) & bits) === bits;
}

/** Returns the stats of `path`, or undefined when it does not exist. */
function statOrUndefined(stat, path) {
  try {
    return stat(path);
  } catch {
    return undefined;
  }
}

/**
 * Returns why `user` cannot read (`bits` = READ) or write (WRITE) `path`, or undefined when it
 * can: every ancestor must be searchable; a missing output needs a writable directory.
 */
export function accessProblem(path, user, bits, stat = statSync) {
  const { root } = parse(path);
  const parts = relative(root, path).split(sep);
  let current = root;
  for (const [i, part] of parts.entries()) {
    const st = statOrUndefined(stat, current);
    if (!st) return `${current} does not exist`;
    if (!permits(st, user, SEARCH)) return `${current} is not searchable`;
    const next = join(current, part);
    const isLast = i === parts.length - 1;
    const nextSt = statOrUndefined(stat, next);
    if (!nextSt) {
      // A missing plan is the pipe's to report, as any user; a missing output is created in
      // the nearest existing directory, so that one must be writable.
      if (bits === READ) return undefined;
      return permits(st, user, WRITE | SEARCH) ? undefined : `${current} is not writable`;
    }
    if (isLast)
      return permits(nextSt, user, bits)
        ? undefined
        : `${next} is not ${bits === WRITE ? 'writable' : 'readable'}`;
    current = next;
  }
  return undefined;
}

/** Returns the user the pipe should run as: the clone dir's owner unless that is root, else `node`. */
export function pipeUser(cloneDirStat) {
  if (cloneDirStat && cloneDirStat.uid !== 0) {
    return {
      uid: cloneDirStat.uid,
      gid: cloneDirStat.gid,
      name: "the clone dir's owner",
      home: undefined,
    };
  }
  return NODE_USER;
}

/** Creates the missing directories of `file` that lie inside `cloneDir`, owned by `user`. */
function prepareDirectory(file, cloneDir, user) {
  const dir = dirname(file);
  const inside = relative(cloneDir, dir);
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) return;
  let current = cloneDir;
  for (const part of inside.split(sep)) {
    current = join(current, part);
    if (statOrUndefined(statSync, current)) continue;
    mkdirSync(current, { mode: 0o755 });
    chownSync(current, user.uid, user.gid);
  }
}

/**
 * Returns the decision for a process running as root: `{user}` to switch to, or `{stay}` with
 * the reason to remain root. Creates output directories as a side effect.
 */
export function decide(env, cwd) {
  const { cloneDir, reads, writes } = pipePaths(env, cwd);
  const cloneDirStat = statOrUndefined(statSync, cloneDir);
  const user = pipeUser(cloneDirStat);
  if (cloneDirStat) for (const file of writes) prepareDirectory(file, cloneDir, user);
  for (const [files, bits] of [
    [reads, READ],
    [writes, WRITE],
  ]) {
    for (const file of files) {
      const problem = accessProblem(file, user, bits);
      if (problem) return { user, stay: `${problem} for ${user.name}` };
    }
  }
  return { user };
}

/** Switches this process to `user`; supplementary groups go first, the uid last. */
function becomeUser(user) {
  try {
    process.setgroups([]);
    process.setgid(user.gid);
    process.setuid(user.uid);
  } catch (error) {
    // Still root (say, CAP_SETUID dropped): stay fully root rather than root with a foreign gid.
    if (process.getuid() === 0) process.setgid(0);
    throw error;
  }
  if (user.home) process.env.HOME = user.home;
}

function isDebug(env) {
  return ['true', 'yes', '1'].includes((env.DEBUG ?? '').trim().toLowerCase());
}

/** Drops root when it safely can, then runs the bundle beside this file. */
function main() {
  const note = (line) => {
    if (isDebug(process.env)) process.stdout.write(`DEBUG: [image] ${line}\n`);
  };
  if (process.getuid?.() === 0) {
    try {
      const decision = decide(process.env, process.cwd());
      if (decision.stay) {
        note(`running as root: ${decision.stay}`);
      } else {
        becomeUser(decision.user);
        note(`running as ${decision.user.name} (uid ${decision.user.uid})`);
      }
    } catch (error) {
      // Never let the privilege step stop the pipe; it then runs as root, as most pipes do.
      note(`running as root: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  createRequire(import.meta.url)('./pipe.js');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
