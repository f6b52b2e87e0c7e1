#!/usr/bin/env node
// Precompiles the pipe's JSON Schemas into plain validation code (ajv "standalone" code), so the
// pipe neither loads the ajv compiler nor spends tens of milliseconds compiling when it starts:
//
//   node scripts/gen-validators.mjs                  # rewrites what changed in src/generated/
//   node scripts/gen-validators.mjs --check          # exit 1 when src/generated/ is stale
//   node scripts/gen-validators.mjs --out <dir> ...  # the same, in another directory
//
// The schemas stay the single source of truth (each action's module, SPEC_FILE_SCHEMA). They are
// compiled by the Ajv factory the sources export (createActionAjv) with `standalone: true`, so the
// generated code checks exactly what a run-time compile would. (The variables schema needs no
// generated code: src/config/check-variables.ts reads it, and a test proves it equal to ajv.) The
// output is committed, so type-checking, linting and Jest need no generation step; `npm run
// build` refuses a stale src/generated/ (nothing stale can ship) and so does a unit test.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Where the generated modules live. */
export const GENERATED_DIR = join(ROOT, 'src/generated');

// Everything read from the TypeScript sources, bundled and evaluated in memory. ajv's code
// generator comes from the same bundle: it must be the copy that compiled the schemas.
const SOURCES_ENTRY = `
export { createActionAjv } from './src/plan/action-ajv.ts';
export { ACTIONS } from './src/actions/registry.ts';
export { ACTION_TYPES } from './src/plan/types.ts';
export { SPEC_FILE_SCHEMA } from './src/actions/jobs/prepare-submit.ts';
export { default as standaloneCode } from 'ajv/dist/standalone/index.js';
`;

// The sources import the modules generated here; generating must depend on neither a stale nor a
// missing previous output, so those imports resolve to stubs.
const withoutGeneratedModules = {
  name: 'without-generated-modules',
  setup(build) {
    build.onResolve({ filter: /\/generated\/[^/]+\.js$/ }, (args) => ({
      path: args.path,
      namespace: 'stub',
    }));
    build.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({
      contents:
        'export const ACTION_VALIDATORS = undefined, createSpecFileValidator = undefined;',
      loader: 'js',
    }));
  },
};

/** Returns the schemas, the Ajv factories and ajv's code generator, read from the sources. */
async function loadSources() {
  const { build } = await import('esbuild');
  const { outputFiles } = await build({
    stdin: {
      contents: SOURCES_ENTRY,
      resolveDir: ROOT,
      sourcefile: 'gen-validators-entry.ts',
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    write: false,
    logLevel: 'warning',
    plugins: [withoutGeneratedModules],
  });
  const module = { exports: {} };
  const require = createRequire(join(ROOT, 'gen-validators-entry.cjs'));
  new Function('module', 'exports', 'require', outputFiles[0].text)(
    module,
    module.exports,
    require,
  );
  const sources = module.exports;
  return { ...sources, standaloneCode: sources.standaloneCode.default ?? sources.standaloneCode };
}

// Standalone code pulls ajv's run-time helpers in with require(); the generated files are ES
// modules, so the helpers are inlined instead (small functions that reference nothing else).
const RUNTIME_REQUIRE = /require\("ajv\/dist\/runtime\/([a-z0-9_]+)"\)\.default/gi;
const INLINABLE_HELPERS = new Set(['ucs2length', 'equal']);

/** Returns the code with ajv's run-time helpers renamed to `ajv_<name>`, and their definitions. */
function inlineRuntimeHelpers(code) {
  const used = new Set();
  const inlined = code.replace(RUNTIME_REQUIRE, (_, name) => {
    if (!INLINABLE_HELPERS.has(name))
      throw new Error(`gen-validators: cannot inline ajv helper "${name}"`);
    used.add(name);
    return `ajv_${name}`;
  });
  const leftover = /.{0,60}\brequire\(.{0,60}/.exec(inlined);
  if (leftover)
    throw new Error(`gen-validators: unexpected require() in generated code: ${leftover[0]}`);
  const require = createRequire(join(ROOT, 'package.json'));
  const helpers = [...used].map(
    (name) => `const ajv_${name} = ${require(`ajv/dist/runtime/${name}`).default};`,
  );
  return { code: inlined, helpers };
}

/** Returns the body of a function that defines the schema's validator and returns it. */
function validatorBody(ajv, schema, standaloneCode) {
  const validate = ajv.compile(schema);
  const name = String(validate.source.validateName);
  const code = standaloneCode(ajv, validate);
  const exports = `"use strict";\nmodule.exports = ${name};\nmodule.exports.default = ${name};\n`;
  if (!code.startsWith(exports))
    throw new Error('gen-validators: unexpected standalone code layout');
  const { code: body, helpers } = inlineRuntimeHelpers(code.slice(exports.length));
  return { body: `${body}\nreturn ${name};`, helpers };
}

const factoryName = (type) =>
  `create${type.replace(/(^|_)([a-z])/g, (_, __, c) => c.toUpperCase())}Validator`;

/** Returns what to generate: each validator's file, factory name, subject, Ajv and schema. */
function validatorSpecs(s) {
  const options = { validateSchema: true, standalone: true };
  return [
    // One Ajv per action type: each validator's code stands alone, whatever the others hold.
    ...s.ACTION_TYPES.map((type) => ({
      file: 'action-validators.ts',
      type,
      name: factoryName(type),
      subject: `the \`${type}\` body (createActionAjv)`,
      ajv: s.createActionAjv(options),
      schema: s.ACTIONS[type].schema,
    })),
    {
      file: 'action-validators.ts',
      name: 'createSpecFileValidator',
      subject: "submit_run's spec_file, SPEC_FILE_SCHEMA (createActionAjv)",
      ajv: s.createActionAjv(options),
      schema: s.SPEC_FILE_SCHEMA,
    },
  ];
}

// Each generated module: where its schemas come from, and what follows the factories.
const MODULES = {
  'action-validators.ts': {
    from: "each action type's schema (src/actions/*.ts) and SPEC_FILE_SCHEMA",
    imports: ["import type { ActionType } from '../plan/types.js';"],
    trailer: (validators) => [
      "/** Each action type's validator factory. */",
      'export const ACTION_VALIDATORS: Readonly<Record<ActionType, (formats: Formats) => ValidateFunction>> = {',
      ...validators.filter((v) => v.type).map((v) => `  ${v.type}: ${v.name},`),
      '};',
      '',
    ],
  },
};

function moduleText({ from, imports = [], trailer = () => [] }, validators) {
  return [
    '/* eslint-disable */',
    '// @ts-nocheck',
    `// Generated by scripts/gen-validators.mjs from ${from}: do not edit.`,
    '// Regenerate: node scripts/gen-validators.mjs (the build and a unit test refuse a stale file).',
    "import type { FormatDefinition, ValidateFunction } from 'ajv';",
    ...imports,
    '',
    '/** The ajv formats the validators call, by name. */',
    'type Formats = Readonly<Record<string, FormatDefinition<string>>>;',
    '',
    ...[...new Set(validators.flatMap((v) => v.helpers))].sort(),
    ...validators.map(
      ({ name, subject, body }) =>
        `/** Returns the validator of ${subject}. */\n` +
        `export function ${name}(formats: Formats): ValidateFunction {\n${body}\n}\n`,
    ),
    ...trailer(validators),
  ].join('\n');
}

/** Returns every generated module's text by its file name in GENERATED_DIR. */
export async function generateValidators() {
  const s = await loadSources();
  const validators = validatorSpecs(s).map((spec) => ({
    ...spec,
    ...validatorBody(spec.ajv, spec.schema, s.standaloneCode),
  }));
  return new Map(
    Object.entries(MODULES).map(([file, layout]) => [
      file,
      moduleText(
        layout,
        validators.filter((v) => v.file === file),
      ),
    ]),
  );
}

/** Returns the names of the files in `dir` that are missing or differ from `files`. */
export async function staleValidators(files, dir = GENERATED_DIR) {
  const stale = [];
  for (const [name, text] of files) {
    const current = await readFile(join(dir, name), 'utf8').catch(() => undefined);
    if (current !== text) stale.push(name);
  }
  return stale;
}

async function cli(args) {
  const outIndex = args.indexOf('--out');
  const dir = outIndex >= 0 ? resolve(args[outIndex + 1] ?? '') : GENERATED_DIR;
  const files = await generateValidators();
  const stale = await staleValidators(files, dir);
  const shown = relative(process.cwd(), dir) || '.';
  if (args.includes('--check')) {
    if (stale.length === 0) return 0;
    console.error(
      `✖ stale precompiled validators in ${shown}: ${stale.join(', ')}\n  run: node scripts/gen-validators.mjs`,
    );
    return 1;
  }
  await mkdir(dir, { recursive: true });
  for (const name of stale) {
    await writeFile(join(dir, name), files.get(name));
    console.log(`wrote ${join(shown, name)}`);
  }
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await cli(process.argv.slice(2));
}
