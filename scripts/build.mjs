// Bundles the pipe into the single file the image runs (dist/pipe.js), plus the demo and the
// benchmark runners. CommonJS output: it starts fast and runs with or without a package.json
// beside it (dist/package.json pins the module type for runs inside this repository).
import { build } from 'esbuild';
import { mkdir, writeFile } from 'node:fs/promises';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
};

const entries = [
  { in: 'src/index.ts', out: 'dist/pipe.js' },
  { in: 'scripts/verify-audit.ts', out: 'dist/verify-audit.js', optional: true },
  { in: 'scripts/demo.ts', out: 'dist/demo.js', optional: true },
  { in: 'bench/index.ts', out: 'dist/bench.js', optional: true },
];

await mkdir('dist', { recursive: true });
await writeFile('dist/package.json', '{ "type": "commonjs" }\n');
const { existsSync } = await import('node:fs');
for (const entry of entries) {
  if (entry.optional && !existsSync(entry.in)) continue;
  await build({ ...common, entryPoints: [entry.in], outfile: entry.out });
}
