// Bundles the pipe into the single file the image runs (dist/pipe.js, with a source map), plus
// the audit verifier, the demo and the benchmark runners. CommonJS output starts faster on
// Node 20 than an ES-module entry and runs with or without a package.json beside it
// (dist/package.json pins the module type for runs inside this repository).
//
// Startup (issue #9): modules the validation path does not need (axios, jose, yaml, the
// actions) are imported on demand in src/main.ts and src/run/; scripts/lazy-bundle.mjs keeps
// them out of what Node parses at start, inside the same single file. Schemas are precompiled
// (src/generated/), so no validator is compiled at run time.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { generateValidators, staleValidators } from './gen-validators.mjs';
import { buildLazyBundle } from './lazy-bundle.mjs';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'linked',
  // Stack traces still map to src/ lines; the sources themselves need not ship in the image.
  sourcesContent: false,
  legalComments: 'none',
  logLevel: 'warning',
  // `debug` (a dev-time dependency of a dependency) requires it optionally, inside try/catch.
  external: ['supports-color'],
  alias: { 'mime-types': './scripts/stubs/mime-types.cjs' },
  // Smaller text is less for Node to read and V8 to pre-parse at every start; the source map
  // keeps stack traces readable.
  minify: true,
  keepNames: true,
  plugins: [],
};

const entries = [
  { in: 'src/index.ts', out: 'dist/pipe.js', lazy: true },
  { in: 'scripts/verify-audit.ts', out: 'dist/verify-audit.js' },
  { in: 'scripts/demo.ts', out: 'dist/demo.js', optional: true },
  { in: 'bench/index.ts', out: 'dist/bench.js', optional: true },
];

/** Fails when src/generated/ does not match the schemas, so no stale validator can ship. */
async function checkValidators() {
  const stale = await staleValidators(await generateValidators());
  if (stale.length > 0) {
    throw new Error(
      `stale precompiled validators: ${stale.join(', ')}; run: npm run gen:validators`,
    );
  }
}

await checkValidators();
// Nothing left over from an earlier build may reach the image.
await rm('dist', { recursive: true, force: true });
await mkdir('dist', { recursive: true });
await writeFile('dist/package.json', '{ "type": "commonjs" }\n');
for (const entry of entries) {
  if (entry.optional && !existsSync(entry.in)) continue;
  if (entry.lazy) await buildLazyBundle({ entry: entry.in, outfile: entry.out, common });
  else await build({ ...common, entryPoints: [entry.in], outfile: entry.out });
}
