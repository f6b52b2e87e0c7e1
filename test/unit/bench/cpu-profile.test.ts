import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  attribute,
  originOf,
  sourceMapResolver,
  type CallFrame,
  type CpuProfile,
} from '../../../bench/cpu-profile.js';

describe('originOf', () => {
  it.each([
    { name: 'plain package', path: '../node_modules/axios/lib/axios.js', origin: 'axios' },
    {
      name: 'scoped package',
      path: '../node_modules/@so-ric/colorspace/index.js',
      origin: '@so-ric/colorspace',
    },
    {
      name: 'a nested package counts for the outer one',
      path: '../node_modules/logform/node_modules/@colors/colors/lib/styles.js',
      origin: 'logform',
    },
    {
      name: 'src folder, from a chunk two levels down',
      path: '../../src/plan/build-plan.ts',
      origin: 'src/plan',
    },
    { name: 'anything else keeps its path', path: '../scripts/x.ts', origin: 'scripts/x.ts' },
  ])('$name', ({ path, origin }) => {
    expect(originOf(path)).toBe(origin);
  });
});

const frame = (url: string, lineNumber: number, functionName = ''): CallFrame => ({
  url,
  lineNumber,
  columnNumber: 0,
  functionName,
});

describe('attribute', () => {
  it('sums self time per origin from samples and time deltas', () => {
    const sources: Record<number, string> = {
      2: '../node_modules/ajv/dist/core.js',
      6: '../src/config/load-config.ts',
    };
    const profile: CpuProfile = {
      nodes: [
        { id: 1, callFrame: frame('file:///x/dist/pipe.js', 2) },
        { id: 2, callFrame: frame('file:///x/dist/pipe.js', 6) },
        { id: 3, callFrame: frame('', 0, '(garbage collector)') },
        { id: 4, callFrame: frame('node:internal/modules/cjs/loader', 10) },
        { id: 5, callFrame: frame('file:///x/other.js', 0) },
      ],
      samples: [1, 1, 2, 3, 4, 5],
      timeDeltas: [1000, 2000, 500, 250, 4000, 100],
    };
    const resolve = (f: CallFrame): string | undefined =>
      sources[f.lineNumber] && f.url.endsWith('pipe.js') ? sources[f.lineNumber] : undefined;
    expect(attribute(profile, resolve)).toEqual([
      ['node internals (bootstrap, module loader)', 4],
      ['ajv', 3],
      ['src/config', 0.5],
      ['(garbage collector)', 0.25],
      ['file:///x/other.js', 0.1],
    ]);
  });
});

describe('sourceMapResolver', () => {
  it('reads the map beside a bundled file and finds the original source', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cpu-profile-test-'));
    const file = join(dir, 'bundle.js');
    writeFileSync(file, 'a;\nb;\n');
    // Line 0 → a.ts, line 1 → node_modules/yaml/x.js (VLQ: "AAAA" then ";ACAA" = next source).
    const map = {
      version: 3,
      sources: ['../src/run/a.ts', '../node_modules/yaml/x.js'],
      names: [],
      mappings: 'AAAA;ACAA',
    };
    writeFileSync(`${file}.map`, JSON.stringify(map));
    const resolve = sourceMapResolver();
    const url = pathToFileURL(file).href;
    expect([resolve(frame(url, 0)), resolve(frame(url, 1)), resolve(frame('node:fs', 0))]).toEqual([
      '../src/run/a.ts',
      '../node_modules/yaml/x.js',
      undefined,
    ]);
  });
});
