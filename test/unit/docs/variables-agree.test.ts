/**
 * README's Variables table, `pipe.yml` and the variables schema must agree on every variable's
 * name, required marker and default (STYLE §3): the schema is the definition, the other two are
 * what users read. To regenerate README's table, paste the output of renderVariablesTable().
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import {
  REQUIRED_VARIABLES,
  SECRET_VARIABLES,
  VARIABLE_NAMES,
  variableSchema,
} from '../../../src/config/schema.js';
import { REQUIRED_MARKER, renderVariablesTable } from '../../../src/config/variables-table.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
// Lets a README draft be checked before it replaces README.md: README_PATH=/tmp/draft.md.
const README_PATH = process.env['README_PATH'] ?? `${ROOT}README.md`;

interface DocumentedVariable {
  name: string;
  isRequired: boolean;
  default: string | undefined;
  isSecret?: boolean;
}

function fromSchema(): DocumentedVariable[] {
  return VARIABLE_NAMES.map((name) => ({
    name,
    isRequired: (REQUIRED_VARIABLES as readonly string[]).includes(name),
    default: variableSchema(name).default,
  }));
}

/** Returns the rows of the first table between `## Variables` and the next heading. */
function fromReadme(markdown: string): DocumentedVariable[] {
  const lines = markdown.split(/\r?\n/);
  const start = lines.findIndex((line) => /^##\s+Variables\s*$/.test(line));
  if (start < 0) throw new Error('README has no "## Variables" heading');
  const end = lines.findIndex((line, i) => i > start && /^#{1,2}\s/.test(line));
  const section = lines.slice(start + 1, end < 0 ? undefined : end);
  const rows = section
    .filter((line) => line.trimStart().startsWith('|'))
    .map((line) =>
      line
        .trim()
        .replace(/^\||\|$/g, '')
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim()),
    );
  return rows
    .filter(([first = '']) => first !== 'Variable' && !/^:?-+:?$/.test(first))
    .map(([variable = '', usage = '']) => ({
      name: variable.replace(REQUIRED_MARKER, '').replaceAll('`', '').trim(),
      isRequired: variable.includes(REQUIRED_MARKER),
      default: /Default: `([^`]*)`/.exec(usage)?.[1],
    }));
}

function fromPipeYml(text: string): DocumentedVariable[] {
  // Scalars only: YAML may read an unquoted default (`default: false`) as a boolean.
  const metadata = parse(text) as { variables?: Record<string, string | boolean | number>[] };
  return (metadata.variables ?? []).map((v) => ({
    name: String(v['name']),
    isRequired: v['required'] === true,
    default: v['default'] === undefined ? undefined : String(v['default']),
    isSecret: v['secret'] === true,
  }));
}

/** Returns one line per disagreement between the schema and a document. */
function disagreements(expected: DocumentedVariable[], documented: DocumentedVariable[]): string[] {
  const problems: string[] = [];
  const byName = new Map(documented.map((v) => [v.name, v]));
  for (const want of expected) {
    const got = byName.get(want.name);
    if (got === undefined) {
      problems.push(`${want.name}: missing`);
      continue;
    }
    if (got.isRequired !== want.isRequired)
      problems.push(`${want.name}: required should be ${want.isRequired}`);
    if (got.default !== want.default)
      problems.push(
        `${want.name}: default should be ${want.default ?? '(none)'}, not ${got.default ?? '(none)'}`,
      );
  }
  const known = new Set(expected.map((v) => v.name));
  for (const got of documented)
    if (!known.has(got.name)) problems.push(`${got.name}: not in the schema`);
  if (documented.length !== byName.size) problems.push('a variable is listed twice');
  return problems;
}

describe('the variables table generated from the schema', () => {
  const table = `## Variables\n\n${renderVariablesTable()}\n## Details\n`;

  it('agrees with the schema when parsed back', () => {
    expect(fromReadme(table)).toEqual(fromSchema());
  });

  it('lets the check catch every kind of disagreement', () => {
    const broken = table
      .replace(/^\| DEBUG \|.*\n/m, '')
      .replace('DATABRICKS_HOST (*)', 'DATABRICKS_HOST')
      .replace('Default: `1h`', 'Default: `2h`')
      .replace('| --- | --- |', '| --- | --- |\n| DATABRICKS_HOSTNAME | Unknown. |');
    expect(disagreements(fromSchema(), fromReadme(broken))).toEqual([
      'DATABRICKS_HOST: required should be true',
      'WAIT_TIMEOUT: default should be 1h, not 2h',
      'DEBUG: missing',
      'DATABRICKS_HOSTNAME: not in the schema',
    ]);
  });
});

describe('README.md', () => {
  it('has a Variables table that agrees with the schema', () => {
    expect(existsSync(README_PATH)).toBe(true);
    expect(disagreements(fromSchema(), fromReadme(readFileSync(README_PATH, 'utf8')))).toEqual([]);
  });
});

describe('pipe.yml', () => {
  const text = readFileSync(`${ROOT}pipe.yml`, 'utf8');

  it('lists the schema’s variables with the same required markers and defaults', () => {
    expect(disagreements(fromSchema(), fromPipeYml(text))).toEqual([]);
  });

  it('marks exactly the schema’s secrets as secret', () => {
    const secrets = fromPipeYml(text)
      .filter((v) => v.isSecret)
      .map((v) => v.name);
    expect(secrets).toEqual(SECRET_VARIABLES);
  });

  it('names the image of this version', () => {
    const { version } = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as {
      version: string;
    };
    expect((parse(text) as { image: string }).image).toBe(`org/databricks-ml-pipe:${version}`);
  });
});
