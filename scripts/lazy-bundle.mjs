// Builds dist/pipe.js as ONE file whose start-up cost is only the code a start needs (issue #9).
//
// Node parses every byte of a script before running it; V8's pre-parse of the whole 770 KB
// bundle cost about 25 ms at every start, although a run that stops at invalid variables needs
// under a tenth of it. So the build has two parts:
//
// - the boot part: src/index.ts and everything it imports statically (configuration,
//   validation, logging, evidence): ordinary bundled code;
// - the lazy part: every module src/ imports with `import()` (the plan parser, auth, the HTTP
//   client, the actions) and what they need, bundled separately and embedded in the boot part
//   as one string literal (deflated, base64: 0.2 MB that V8 scans in well under a millisecond;
//   the plain 0.6 MB text cost ~5 ms). The first `import()` of any of them inflates and
//   compiles it once (node:zlib, node:vm: ~3 ms, on a path that then talks to the network)
//   and hands out its modules.
//
// Modules both parts use (errors, the redactor with its registered secrets, the clock) exist
// once: the lazy part's imports of boot modules are left external and answered at run time with
// the boot part's own module objects, so `instanceof PipeError` and the secret registry hold
// across the seam. Tests run the TypeScript sources, where `import()` is just `import()`.
import { build } from 'esbuild';
import { writeFile } from 'node:fs/promises';
import { deflateRawSync } from 'node:zlib';
import { isAbsolute, relative, resolve, sep } from 'node:path';

const ROOT = process.cwd();
const SRC = resolve(ROOT, 'src') + sep;
const SKIP = Symbol.for('dmp-lazy-bundle.skip');
const BOOT_PREFIX = 'dmp-boot:';
const LAZY_FILE = 'pipe.lazy.js';

/** Packages that must never load at start: the build fails if the boot part includes one. */
const NEVER_AT_BOOT = ['axios', 'jose', 'yaml', 'ajv', 'ajv-formats', 'winston', 'form-data'];

const toKey = (path) => relative(ROOT, path).split(sep).join('/');
const fromMetaKey = (key) => (key.includes(':') ? undefined : resolve(ROOT, key));

/** Resolves an import as esbuild would without the calling plugin. */
function resolveWithout(esb, args) {
  return esb.resolve(args.path, {
    kind: args.kind,
    importer: args.importer,
    resolveDir: args.resolveDir,
    pluginData: { [SKIP]: true },
  });
}

/**
 * The boot build's plugin: `import()` of a module outside the boot part becomes a stub that
 * takes the module from the lazy part. `lazyTargets` collects those modules (absolute paths).
 */
function bootPlugin({ bootInputs, lazyTargets, loaderSource }) {
  return {
    name: 'dmp-lazy-boot',
    setup(esb) {
      esb.onResolve({ filter: /.*/ }, async (args) => {
        if (args.kind !== 'dynamic-import' || args.pluginData?.[SKIP]) return undefined;
        if (!args.importer.startsWith(SRC)) return undefined;
        const target = await resolveWithout(esb, args);
        if (target.errors.length > 0) return { errors: target.errors };
        if (target.external || bootInputs?.has(target.path)) return undefined;
        if (!lazyTargets.includes(target.path)) lazyTargets.push(target.path);
        return { path: target.path, namespace: 'dmp-lazy' };
      });
      esb.onLoad({ filter: /.*/, namespace: 'dmp-lazy' }, (args) => ({
        contents: `module.exports = require("dmp:lazy-loader").loadLazy().m${lazyTargets.indexOf(args.path)};`,
        loader: 'js',
        resolveDir: ROOT,
      }));
      esb.onResolve({ filter: /^dmp:lazy-loader$/ }, () => ({ path: 'lazy-loader', namespace: 'dmp' }));
      esb.onLoad({ filter: /.*/, namespace: 'dmp' }, () => ({
        contents: loaderSource ?? 'export function loadLazy() { return {}; }',
        loader: 'js',
        resolveDir: ROOT,
      }));
    },
  };
}

/** The lazy build's plugin: imports of boot modules stay external (`dmp-boot:<path>`). */
function lazyPlugin({ bootInputs, shared }) {
  return {
    name: 'dmp-lazy-part',
    setup(esb) {
      esb.onResolve({ filter: /.*/ }, async (args) => {
        if (args.pluginData?.[SKIP] || args.kind === 'entry-point') return undefined;
        const target = await resolveWithout(esb, args);
        if (target.errors.length > 0) return { errors: target.errors };
        if (target.external || !isAbsolute(target.path) || !bootInputs.has(target.path)) {
          return undefined;
        }
        shared.add(target.path);
        return { path: `${BOOT_PREFIX}${toKey(target.path)}`, external: true };
      });
    },
  };
}

/** Returns the boot part's loader: shared module objects, the lazy source, compile on demand. */
function loaderSourceFor(lazyCode, shared) {
  const paths = [...shared].sort();
  const imports = paths.map((p, i) => `import * as b${i} from ${JSON.stringify(p)};`);
  const table = paths.map((p, i) => `${JSON.stringify(toKey(p))}: b${i}`).join(',\n  ');
  return `${imports.join('\n')}
const SHARED = {
  ${table}
};
const SOURCE = ${JSON.stringify(deflateRawSync(Buffer.from(lazyCode), { level: 9 }).toString('base64'))};
let lazy;
function requireForLazy(id) {
  if (!id.startsWith(${JSON.stringify(BOOT_PREFIX)})) return require(id);
  const shared = SHARED[id.slice(${BOOT_PREFIX.length})];
  if (shared === undefined) throw new Error('dist/pipe.js: the lazy part asked for ' + id + ', which the boot part does not have');
  return shared;
}
export function loadLazy() {
  if (lazy === undefined) {
    const module = { exports: {} };
    const filename = require('node:path').join(__dirname, ${JSON.stringify(LAZY_FILE)});
    const code = require('node:zlib').inflateRawSync(Buffer.from(SOURCE, 'base64')).toString();
    const { compileFunction } = require('node:vm');
    compileFunction(code, ['exports', 'require', 'module'], { filename })(module.exports, requireForLazy, module);
    lazy = module.exports;
  }
  return lazy;
}
`;
}

function inputsOf(metafile) {
  return new Set(Object.keys(metafile.inputs).map(fromMetaKey).filter(Boolean));
}

function assertLeanBoot(bootInputs) {
  const heavy = [...bootInputs]
    .map(toKey)
    .filter((key) => NEVER_AT_BOOT.some((pkg) => key.startsWith(`node_modules/${pkg}/`)));
  if (heavy.length > 0) {
    throw new Error(`dist/pipe.js would load at start what only a run needs: ${heavy.join(', ')}`);
  }
}

/**
 * Builds `entry` into `outfile` (boot part + embedded lazy part) with esbuild options `common`;
 * writes the lazy part's source map beside it. Returns sizes for the build's report.
 */
export async function buildLazyBundle({ entry, outfile, common }) {
  const lazyTargets = [];
  // 1. What the boot part is: everything reachable without `import()`.
  const probe = await build({
    ...common,
    entryPoints: [entry],
    write: false,
    metafile: true,
    sourcemap: false,
    plugins: [bootPlugin({ lazyTargets, loaderSource: undefined }), ...common.plugins],
  });
  const bootInputs = inputsOf(probe.metafile);
  assertLeanBoot(bootInputs);
  // A module both imported and `import()`ed is boot code: one copy, in the boot part.
  const bootToo = lazyTargets.filter((p) => bootInputs.has(p));
  for (const p of bootToo) lazyTargets.splice(lazyTargets.indexOf(p), 1);
  // 2. The lazy part: every `import()` target, with boot modules left to the boot part.
  const shared = new Set();
  const lazy = await build({
    ...common,
    stdin: {
      contents: lazyTargets.map((p, i) => `export * as m${i} from ${JSON.stringify(p)};`).join('\n'),
      resolveDir: ROOT,
      sourcefile: 'lazy-entry.js',
      loader: 'js',
    },
    outfile: `${outfile.replace(/[^/]+$/, '')}${LAZY_FILE}`,
    write: false,
    sourcemap: 'linked',
    plugins: [lazyPlugin({ bootInputs, shared }), ...common.plugins],
  });
  const lazyJs = lazy.outputFiles.find((f) => f.path.endsWith('.js'));
  const lazyMap = lazy.outputFiles.find((f) => f.path.endsWith('.map'));
  // 3. The boot part with the lazy part inside. Without keepNames: its ~200 name-setting calls
  // cost 1.5 ms of every start, nothing reads function names at run time, and the source map
  // restores them for a stack trace (node --enable-source-maps). The lazy part keeps them.
  await build({
    ...common,
    keepNames: false,
    entryPoints: [entry],
    outfile,
    plugins: [
      bootPlugin({ bootInputs, lazyTargets, loaderSource: loaderSourceFor(lazyJs.text, shared) }),
      ...common.plugins,
    ],
  });
  await writeFile(lazyMap.path, lazyMap.contents);
  return { lazyModules: lazyTargets.length, shared: shared.size, lazyBytes: lazyJs.contents.length };
}
