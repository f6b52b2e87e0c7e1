// Builds dist/pipe.js as ONE file whose start-up cost is only the code a start needs (issue #9).
//
// Node parses every byte of a script before running it; V8's pre-parse of the whole 770 KB
// bundle cost about 25 ms at every start, although a run that stops at invalid variables needs
// under a tenth of it. So the build has two parts:
//
// - the boot part: src/index.ts and everything it imports statically (configuration,
//   validation, logging, evidence): ordinary bundled code;
// - the lazy part: every module src/ imports with `import()` (the plan parser, auth, the HTTP
//   client, the actions) and what they need, bundled separately and carried in the same file
//   as a block comment after the code (brotli, base64). V8 skips a comment faster than
//   anything else the text could be: as a string literal the same 0.2 MB cost ~1.4 ms of
//   every start (the plain 0.6 MB text ~5 ms). The first `import()` of any of them reads the
//   file again, decompresses and compiles the part once (node:zlib, node:vm: ~3 ms, on a path
//   that then talks to the network) and hands out its modules.
//
// Modules both parts use (errors, the redactor with its registered secrets, the clock) exist
// once: the lazy part's imports of boot modules are left external and answered at run time with
// the boot part's own module objects, so `instanceof PipeError` and the secret registry hold
// across the seam. Tests run the TypeScript sources, where `import()` is just `import()`.
import { build } from 'esbuild';
import { readFile, writeFile } from 'node:fs/promises';
import { brotliCompressSync, constants as zlibConstants } from 'node:zlib';
import { isAbsolute, relative, resolve, sep } from 'node:path';

const ROOT = process.cwd();
const SRC = resolve(ROOT, 'src') + sep;
const SKIP = Symbol.for('dmp-lazy-bundle.skip');
const BOOT_PREFIX = 'dmp-boot:';
// The stubs take the lazy part from here; the loader (an ES module the entry imports first)
// installs it. Were the stubs to require() the loader itself, esbuild would wrap the loader and
// every boot module it imports in lazy-initialisation code (~0.4 ms of every start).
const LOADER = 'dmp:lazy-loader';
const REGISTRY = 'dmp:lazy-registry';
const LAZY_FILE = 'pipe.lazy.js';
// The comment that carries the lazy part starts with this; base64 never contains `*/`.
const PAYLOAD_MARK = '/*dmp-lazy-part:';

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
        contents: `module.exports = require(${JSON.stringify(REGISTRY)}).load().m${lazyTargets.indexOf(args.path)};`,
        loader: 'js',
        resolveDir: ROOT,
      }));
      esb.onResolve({ filter: /^dmp:lazy-(loader|registry)$/ }, (args) => ({
        path: args.path.slice('dmp:'.length),
        namespace: 'dmp',
      }));
      esb.onLoad({ filter: /^lazy-loader$/, namespace: 'dmp' }, () => ({
        contents: loaderSource ?? '',
        loader: 'js',
        resolveDir: ROOT,
      }));
      // CommonJS, so that the stubs' require() of it makes no ES module lazily initialised.
      esb.onLoad({ filter: /^lazy-registry$/, namespace: 'dmp' }, () => ({
        contents: "exports.load = () => { throw new Error('dist/pipe.js: the lazy part is not installed'); };",
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

/** Returns the boot part's loader: shared module objects, the payload reader, compile on demand. */
function loaderSourceFor(shared) {
  const paths = [...shared].sort();
  const imports = paths.map((p, i) => `import * as b${i} from ${JSON.stringify(p)};`);
  const table = paths.map((p, i) => `${JSON.stringify(toKey(p))}: b${i}`).join(',\n  ');
  return `import registry from ${JSON.stringify(REGISTRY)};
${imports.join('\n')}
const SHARED = {
  ${table}
};
let lazy;
function requireForLazy(id) {
  if (!id.startsWith(${JSON.stringify(BOOT_PREFIX)})) return require(id);
  const shared = SHARED[id.slice(${BOOT_PREFIX.length})];
  if (shared === undefined) throw new Error('dist/pipe.js: the lazy part asked for ' + id + ', which the boot part does not have');
  return shared;
}
registry.load = loadLazy;
function loadLazy() {
  if (lazy === undefined) {
    const module = { exports: {} };
    const filename = require('node:path').join(__dirname, ${JSON.stringify(LAZY_FILE)});
    const code = require('node:zlib').brotliDecompressSync(Buffer.from(lazyPayload(), 'base64')).toString();
    const { compileFunction } = require('node:vm');
    compileFunction(code, ['exports', 'require', 'module'], { filename })(module.exports, requireForLazy, module);
    lazy = module.exports;
  }
  return lazy;
}
// The lazy part, from the comment the build put after the code of this very file.
function lazyPayload() {
  const text = require('node:fs').readFileSync(__filename, 'latin1');
  // Joined here, so that the mark never appears in this code as written.
  const mark = ${JSON.stringify(PAYLOAD_MARK.split('-'))}.join('-');
  const start = text.lastIndexOf(mark);
  const end = start < 0 ? -1 : text.indexOf('*/', start);
  if (end < 0) throw new Error(__filename + ' has lost the part it loads on demand (the comment after its code); rebuild it with npm run build');
  return text.slice(start + mark.length, end);
}
`;
}

/** Returns `code` compressed for the payload comment: brotli, base64. */
function payloadOf(code) {
  const bytes = Buffer.from(code);
  return brotliCompressSync(bytes, {
    params: {
      [zlibConstants.BROTLI_PARAM_QUALITY]: zlibConstants.BROTLI_MAX_QUALITY,
      [zlibConstants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
    },
  }).toString('base64');
}

/** Puts the payload comment after the code, before the source-map comment (kept last). */
function withPayload(bootText, payload) {
  const mapComment = bootText.lastIndexOf('\n//# sourceMappingURL=');
  const at = mapComment < 0 ? bootText.length : mapComment + 1;
  return `${bootText.slice(0, at)}${PAYLOAD_MARK}${payload}*/\n${bootText.slice(at)}`;
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
    // The loader first (it installs the lazy part), then the entry.
    stdin: {
      contents: `import ${JSON.stringify(LOADER)};\nimport ${JSON.stringify(resolve(ROOT, entry))};\n`,
      resolveDir: ROOT,
      sourcefile: 'boot-entry.js',
      loader: 'js',
    },
    outfile,
    plugins: [
      bootPlugin({ bootInputs, lazyTargets, loaderSource: loaderSourceFor(shared) }),
      ...common.plugins,
    ],
  });
  await writeFile(outfile, withPayload(await readFile(outfile, 'utf8'), payloadOf(lazyJs.text)));
  await writeFile(lazyMap.path, lazyMap.contents);
  return { lazyModules: lazyTargets.length, shared: shared.size, lazyBytes: lazyJs.contents.length };
}
