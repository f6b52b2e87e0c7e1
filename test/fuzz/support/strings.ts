/**
 * String generators shared by the plan and variable fuzzers: unicode, huge values, YAML-special
 * text and template injection attempts (`{{ env.DATABRICKS_TOKEN }}`, nested `{{ {{ }} }}`, …).
 */
import fc from 'fast-check';

/** The pipe's own credentials: what an injection tries to reach. */
export const PROTECTED_NAMES = [
  'DATABRICKS_TOKEN',
  'DATABRICKS_CLIENT_SECRET',
  'BITBUCKET_STEP_OIDC_TOKEN',
] as const;

/** Secret-named variables the pipe does not use, but must not copy into a plan either. */
export const SECRET_NAMED = ['MY_API_KEY', 'DEPLOY_PASSWORD', 'NPM_TOKEN'] as const;

/** Template texts that try to reach a credential, nest, or break the template syntax. */
export const INJECTIONS: readonly string[] = [
  ...PROTECTED_NAMES.flatMap((n) => [
    `{{ env.${n} }}`,
    `{{env.${n}}}`,
    `{{ env.${n.toLowerCase()} }}`,
  ]),
  ...SECRET_NAMED.map((n) => `{{ env.${n} }}`),
  '{{ env.HTTPS_PROXY }}',
  '{{ {{ env.DATABRICKS_TOKEN }} }}',
  '{{ env.{{ env.WHICH_VAR }} }}',
  '{{ env.WHICH_VAR }}',
  '{{ env.INJECTED }}',
  '{{ {{ }} }}',
  '{{{{}}}}',
  '{{ }}',
  '{{',
  '}}',
  '{{ env. DATABRICKS_TOKEN }}',
  '{{ ENV.DATABRICKS_TOKEN }}',
  '{{ env.DATABRICKS_TOKEN | default("x") }}',
  '{{ env["DATABRICKS_TOKEN"] }}',
  '{{ process.env.DATABRICKS_TOKEN }}',
  '{{ constructor.constructor }}',
  '{{ __proto__.polluted }}',
  '{{ train.__proto__ }}',
  '{{ train.task_outputs.__proto__ }}',
  '{{ bitbucket.branch }}',
  '{{ bitbucket.__proto__ }}',
  '{{ bitbucket.constructor }}',
  '{{ bitbucket.commit }}{{ env.DATABRICKS_TOKEN }}',
  '{{ job.run_id }}',
  '{{secrets/scope/key}}',
  '${DATABRICKS_TOKEN}',
  '$DATABRICKS_TOKEN',
  '{% raw %}{{ env.DATABRICKS_TOKEN }}{% endraw %}',
  '{{ train.run_id }}',
  '{{ train.task_outputs.main }}',
  '{{ register.version }}',
];

/** Values that are awkward for YAML, JSON or a terminal. */
const AWKWARD: readonly string[] = [
  '',
  ' ',
  '\t',
  '~',
  'null',
  'NaN',
  '.nan',
  '.inf',
  '-.inf',
  '0x1F',
  '0o17',
  '1e309',
  '-0',
  '9007199254740993',
  'yes',
  'no',
  'on',
  'off',
  '2026-01-01',
  '- item',
  'key: value',
  '&anchor',
  '*alias',
  '!!binary aGVsbG8=',
  '!!js/function "f"',
  '<<: *x',
  '%YAML 1.1',
  '---',
  '...',
  '#comment',
  '"unterminated',
  "'",
  '\\',
  '\u0000',
  '\u001b[31mred\u001b[0m',
  '\ufeffbom',
  '\r\n',
  '\u2028',
  '\ud800',
  '👩‍👩‍👧‍👦',
  'ﷺ',
  'İ',
  '../../etc/passwd',
  '/etc/shadow',
  'https://evil.example/steal?t=',
  '\u202etxt.exe',
];

// Arbitraries are built once: building the grapheme tables on every generated value is slow.
const INJECTION = fc.constantFrom(...INJECTIONS);
const AWKWARD_TEXT = fc.constantFrom(...AWKWARD);
const GRAPHEMES = fc.string({ unit: 'grapheme', maxLength: 30 });
const BINARY = fc.string({ unit: 'binary', maxLength: 20 });
const LONG_KEY = fc
  .tuple(fc.constantFrom('a', 'é', '{{ '), fc.integer({ min: 40, max: 5_000 }))
  .map(([unit, n]) => unit.repeat(n));

/** A string meant to be hostile: injection, awkward, unicode, binary, or (for values) huge. */
export function hostileString(options: { isKey?: boolean } = {}): fc.Arbitrary<string> {
  return options.isKey === true ? HOSTILE_KEY : HOSTILE_VALUE;
}

function hostile(long: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 16, arbitrary: INJECTION },
    { weight: 12, arbitrary: AWKWARD_TEXT },
    { weight: 12, arbitrary: GRAPHEMES },
    { weight: 8, arbitrary: BINARY },
    { weight: 8, arbitrary: mixed() },
    // Rare: a plan has dozens of strings, and one huge value is enough to test size handling.
    { weight: 1, arbitrary: long },
  );
}

/** Text and templates interleaved, e.g. `run {{ env.DATABRICKS_TOKEN }} at {{ bitbucket.commit`. */
export function mixed(): fc.Arbitrary<string> {
  return MIXED;
}

const MIXED = fc
  .array(fc.oneof(INJECTION, fc.string({ maxLength: 8 }), AWKWARD_TEXT), {
    minLength: 1,
    maxLength: 5,
  })
  .map((parts) => parts.join(''));

/**
 * A long value: up to 50,000 repeated units, or up to 5,000 repeated templates. (Both used to
 * take seconds to refuse: plan-limits.test.ts pins the fix; the per-case bound in
 * plan-fuzz.test.ts catches a return.) Units that nest in YAML (`- `, `[`) stay under 1,000:
 * deeper nesting exhausts the stack of a process already deep inside Jest (V8 can even abort),
 * so plan-limits.test.ts tries it in a real `node dist/pipe.js` instead.
 */
export function huge(): fc.Arbitrary<string> {
  return HUGE;
}

const HUGE = fc
  .oneof(
    fc.tuple(fc.constantFrom('a', 'é', '👍', '{{ '), fc.integer({ min: 1_000, max: 50_000 })),
    fc.tuple(fc.constantFrom('[', '- '), fc.integer({ min: 100, max: 1_000 })),
    fc.tuple(
      fc.constantFrom('{{ env.X }}', '{{ bitbucket.commit }}', '{{ a.b }}'),
      fc.integer({ min: 50, max: 5_000 }),
    ),
  )
  .map(([unit, count]) => unit.repeat(count));
const HOSTILE_VALUE = hostile(HUGE);
const HOSTILE_KEY = hostile(LONG_KEY);

/** Identifier-ish names (ids, keys): valid ids, near misses and hostile keys. */
export function nameLike(): fc.Arbitrary<string> {
  return NAME_LIKE;
}

const NAME_LIKE = fc.oneof(
  fc.constantFrom('train', 'register', 'promote', 'evaluate', 'a', 'x-1', 'UPPER', '_'),
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '$ref'),
  fc.stringMatching(/^[a-z][a-z0-9_-]{0,12}$/),
  HOSTILE_KEY,
);
