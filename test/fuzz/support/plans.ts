/**
 * Plan generators: YAML text built from the action schemas themselves (so new fields are fuzzed
 * without touching this file), with wrong types, hostile strings and templates in values and
 * keys, then sometimes mutated into broken YAML. Also raw binary text.
 */
import fc from 'fast-check';
import { stringify } from 'yaml';
import { ACTIONS } from '../../../src/actions/registry.js';
import { ACTION_TYPES } from '../../../src/plan/types.js';
import { anyYamlValue, fromSchema, type Schema } from './schema-values.js';
import { nameLike } from './strings.js';
import { validishPlanCase } from './valid-plans.js';

/** A generated plan: its text and how it was made (for the failure report). */
export interface PlanCase {
  text: string;
  shape: string;
}

const TYPO_KEYS = ['run_jobb', 'RUN_JOB', 'runJob', 'parallel', 'id', ''];

/** One `- <type>: {…}` item, sometimes with an id, a misspelt key or two action keys. */
function actionItem(): fc.Arbitrary<unknown> {
  const bodies = ACTION_TYPES.map((type) =>
    fromSchema((ACTIONS[type] as { schema: Schema }).schema, 0).map(
      (body) => [type, body] as const,
    ),
  );
  const typos = fc.tuple(fc.constantFrom(...TYPO_KEYS), anyYamlValue());
  return fc
    .tuple(
      fc.oneof({ weight: 8, arbitrary: fc.oneof(...bodies) }, { weight: 1, arbitrary: typos }),
      fc.option(nameLike(), { freq: 2 }),
      fc.nat({ max: 9 }),
    )
    .map(([[type, body], id, extra]) => ({
      ...(id === null ? {} : { id }),
      [type]: body,
      ...(extra === 0 ? { set_alias: { name: 'a.b.c', alias: 'x', version: 1 } } : {}),
    }));
}

function planItem(): fc.Arbitrary<unknown> {
  const parallel = fc
    .tuple(
      fc.array(actionItem(), { maxLength: 4 }),
      fc.option(fromSchema({ type: 'integer' }, 3)),
      fc.option(fc.boolean()),
    )
    .map(([actions, max, failFast]) => ({
      parallel: actions,
      ...(max === null ? {} : { max_concurrency: max }),
      ...(failFast === null ? {} : { fail_fast: failFast }),
    }));
  return fc.oneof(
    { weight: 8, arbitrary: actionItem() },
    { weight: 2, arbitrary: parallel },
    { weight: 1, arbitrary: anyYamlValue() },
  );
}

const MUTATION_TOKENS = [
  '\t',
  ': ',
  '- ',
  '{',
  '}',
  '[',
  ']',
  '&a ',
  '*a',
  '!!str ',
  '"',
  "'",
  '\n',
  '\r\n',
  '#',
  '|',
  '>',
  '%',
  '`',
  '\u0000',
  '{{',
  '<<: ',
];
const EDITS = fc.array(
  fc.tuple(fc.nat(), fc.constantFrom(...MUTATION_TOKENS), fc.nat({ max: 20 }), fc.boolean()),
  {
    minLength: 1,
    maxLength: 4,
  },
);

/** Returns `text` with a few edits: insertions of YAML-significant tokens, cuts. */
function mutate(text: string, edits: readonly [number, string, number, boolean][]): string {
  return edits.reduce((out, [at, token, cut, isInsert]) => {
    const pos = out.length === 0 ? 0 : at % out.length;
    return isInsert
      ? out.slice(0, pos) + token + out.slice(pos)
      : out.slice(0, pos) + out.slice(pos + cut);
  }, text);
}

const STYLES = ['json', 'flow', 'block'] as const;

/** Renders a plan value as JSON (which is YAML too), flow YAML or block YAML. */
function render(value: unknown, style: (typeof STYLES)[number]): string {
  if (style === 'json') return JSON.stringify(value) ?? 'null';
  return stringify(value, {
    collectionStyle: style === 'flow' ? 'flow' : 'any',
    lineWidth: 0,
    aliasDuplicateObjects: false,
  });
}

const STRUCTURED = fc
  .tuple(
    fc.oneof(
      { weight: 6, arbitrary: fc.array(planItem(), { minLength: 1, maxLength: 5 }) },
      { weight: 1, arbitrary: anyYamlValue() },
    ),
    fc.constantFrom(...STYLES),
  )
  .map(([value, style]) => ({ text: render(value, style), shape: `structured/${style}` }));
const MUTATED = fc
  .tuple(STRUCTURED, EDITS)
  .map(([c, edits]) => ({ text: mutate(c.text, edits), shape: `${c.shape}+mutated` }));
const RAW = fc.string({ unit: 'binary', maxLength: 200 }).map((text) => ({ text, shape: 'raw' }));

/** Plans: structured (schema-driven) YAML, often valid-looking; mutated YAML; raw binary text. */
export function planCase(): fc.Arbitrary<PlanCase> {
  return fc.oneof(
    { weight: 4, arbitrary: STRUCTURED },
    { weight: 2, arbitrary: MUTATED },
    { weight: 1, arbitrary: RAW },
    { weight: 3, arbitrary: validishPlanCase() },
  );
}
