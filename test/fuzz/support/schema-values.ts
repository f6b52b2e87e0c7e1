/**
 * Values for any JSON Schema node: mostly of the declared type (enums, durations, nested lists
 * and mappings, extra keys where a schema allows them), now and then anything at all — hostile
 * scalars, lists and mappings with hostile keys. Arbitraries are built once per schema node.
 */
import fc from 'fast-check';
import { hostileString, INJECTIONS, nameLike } from './strings.js';

/** A JSON Schema node, as the action definitions export them. */
export type Schema = Record<string, unknown>;

const SCALAR = fc.oneof(
  { weight: 5, arbitrary: hostileString() },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.constantFrom(0, -1, 2 ** 53 + 1, 1e308, -0, 0.1) },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
);
const KEY = fc.oneof(
  { weight: 3, arbitrary: nameLike() },
  { weight: 1, arbitrary: fc.constantFrom(...INJECTIONS) },
);

const { anyValue } = fc.letrec<{ anyValue: unknown; node: unknown }>((tie) => ({
  anyValue: fc.oneof({ depthSize: 'small', withCrossShrink: true }, SCALAR, tie('node')),
  node: fc.oneof(
    fc.array(tie('anyValue'), { maxLength: 4 }),
    fc
      .array(fc.tuple(KEY, tie('anyValue')), { maxLength: 4 })
      .map((entries) => Object.fromEntries(entries)),
  ),
}));

/** Returns any YAML value: hostile scalars, lists and mappings with hostile keys. */
export function anyYamlValue(): fc.Arbitrary<unknown> {
  return anyValue;
}

function scalar(): fc.Arbitrary<unknown> {
  return SCALAR;
}

function keyLike(): fc.Arbitrary<string> {
  return KEY;
}

// Arbitraries are built once per schema node and depth, never per generated value.
const memo = new Map<number, WeakMap<Schema, fc.Arbitrary<unknown>>>();

/** Returns values for a JSON Schema node, mostly of the right type, sometimes wildly wrong. */
export function fromSchema(schema: Schema, depth: number): fc.Arbitrary<unknown> {
  if (depth > 4) return scalar();
  const byDepth = memo.get(depth) ?? new WeakMap<Schema, fc.Arbitrary<unknown>>();
  memo.set(depth, byDepth);
  const cached = byDepth.get(schema);
  if (cached) return cached;
  const built = fc.oneof(
    { weight: 5, arbitrary: typed(schema, depth) },
    { weight: 1, arbitrary: anyValue },
  );
  byDepth.set(schema, built);
  return built;
}

function typed(schema: Schema, depth: number): fc.Arbitrary<unknown> {
  const enumValues = schema['enum'];
  if (Array.isArray(enumValues) && enumValues.length > 0) {
    return fc.oneof(fc.constantFrom(...(enumValues as unknown[])), hostileString());
  }
  const types = Array.isArray(schema['type'])
    ? (schema['type'] as string[])
    : [schema['type'] as string | undefined];
  return fc.oneof(...types.map((t) => ofType(t, schema, depth)));
}

function ofType(type: string | undefined, schema: Schema, depth: number): fc.Arbitrary<unknown> {
  switch (type ?? 'any') {
    case 'string':
      return schema['format'] === 'pipe-duration' ? DURATIONS : hostileString();
    case 'integer':
    case 'number':
      return fc.oneof(
        fc.integer({ min: -3, max: 1_000_000 }),
        fc.constantFrom(2 ** 53 + 1, 1e308, 0.5),
      );
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(fromSchema((schema['items'] as Schema | undefined) ?? {}, depth + 1), {
        maxLength: 3,
      });
    case 'object':
      return objectFrom(schema, depth);
    default:
      return anyValue;
  }
}

const DURATIONS = fc.constantFrom(
  '30s',
  '20m',
  '2h',
  '1h30m',
  '90',
  '0s',
  '49h',
  '-5m',
  '1e9',
  '9'.repeat(30),
  'PT1H',
);

function objectFrom(schema: Schema, depth: number): fc.Arbitrary<unknown> {
  const properties = (schema['properties'] as Record<string, Schema> | undefined) ?? {};
  const known = fc.record(
    Object.fromEntries(
      Object.entries(properties).map(([key, child]) => [key, fromSchema(child, depth + 1)]),
    ),
    { requiredKeys: [] },
  );
  const extra = schema['additionalProperties'];
  const extraSchema = typeof extra === 'object' && extra !== null ? (extra as Schema) : undefined;
  const unknown = fc.array(
    fc.tuple(keyLike(), extraSchema ? fromSchema(extraSchema, depth + 1) : anyValue),
    {
      maxLength: extraSchema ? 3 : 1,
    },
  );
  return fc.tuple(known, unknown).map(([a, b]) => ({ ...a, ...Object.fromEntries(b) }));
}
