import {
  atLeast,
  atMost,
  duration,
  formatMarkdownTable,
  formatTextTable,
  times,
  toMb,
  verdictWord,
  type TableRow,
} from '../../../bench/report.js';
import { waitingRows } from '../../../bench/rows.js';
import type { WaitRow } from '../../../bench/waiting.js';

const ROWS: TableRow[] = [
  { benchmark: '1 startup', figure: 'validation', measured: '1.10×', target: '≤ 1.3×', met: true },
  { benchmark: '4 footprint', figure: 'a|b', measured: '6 MB', target: '≤ 5 MB', met: false },
  { benchmark: '4 footprint', figure: 'bundle', measured: '1.6 MB', target: '—', met: null },
];

describe('table formatting', () => {
  it('aligns the text table and names each verdict', () => {
    const lines = formatTextTable(ROWS).split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[2]).toMatch(/^1 startup\s+validation\s+1\.10×\s+≤ 1\.3×\s+met$/);
    expect(lines[3]).toMatch(/MISSED$/);
    expect(lines[4]).toMatch(/—$/);
    expect(lines[2]?.indexOf('1.10×')).toBe(lines[0]?.indexOf('measured'));
  });

  it('escapes pipes in Markdown cells', () => {
    expect(formatMarkdownTable(ROWS).split('\n')[3]).toBe(
      '| 4 footprint | a\\|b | 6 MB | ≤ 5 MB | MISSED |',
    );
  });

  it.each([
    { name: 'met', value: true, word: 'met' },
    { name: 'missed', value: false, word: 'MISSED' },
    { name: 'no target', value: null, word: '—' },
  ])('verdictWord: $name', ({ value, word }) => {
    expect(verdictWord(value)).toBe(word);
  });

  it.each([
    { name: 'ms', ms: 850.4, text: '850 ms' },
    { name: 'seconds', ms: 12_345, text: '12.3 s' },
    { name: 'missing', ms: Number.NaN, text: 'n/a' },
  ])('duration: $name', ({ ms, text }) => {
    expect(duration(ms)).toBe(text);
  });

  it('compares against targets, leaving missing values undecided', () => {
    expect([atMost(1.3, 1.3), atMost(1.31, 1.3), atLeast(3, 3), atLeast(Number.NaN, 3)]).toEqual([
      true,
      false,
      true,
      null,
    ]);
    expect(times(2.345)).toBe('2.35×');
    expect(toMb(5_110_000)).toBe(5.11);
  });
});

function waitRow(
  client: WaitRow['client'],
  durationMs: number,
  requests: number[],
  delays: number[],
): WaitRow {
  return {
    case: CASES[durationMs] ?? { label: '?', durationMs, virtual: true, trials: requests.length },
    client,
    driver: client === 'sdk' ? 'sdk' : 'pipe',
    trials: requests.map((r, i) => ({
      triggeredAt: 0,
      noticedAt: 0,
      noticeDelayMs: delays[i] ?? 0,
      polls: r,
      requestsWhileWaiting: r,
      byEndpoint: {},
    })),
    errors: [],
    model: { medianPolls: 0, medianNoticeDelayMs: 0, samples: 1 },
  };
}
const CASES: Record<number, WaitRow['case']> = {
  10_000: { label: '10 s', durationMs: 10_000, virtual: false, trials: 3 },
  600_000: { label: '10 min', durationMs: 600_000, virtual: true, trials: 3 },
};

describe('waitingRows', () => {
  it.each([
    {
      name: 'a long run 3× cheaper and as quick is met on both',
      rows: [
        waitRow('pipe', 600_000, [20, 21, 22], [1000, 1500, 900]),
        waitRow('sdk', 600_000, [63, 63, 64], [5000, 1000, 8000]),
      ],
      verdicts: [true, true],
    },
    {
      name: 'a long run only 2× cheaper misses the request target',
      rows: [
        waitRow('pipe', 600_000, [31, 31, 31], [1000, 1000, 1000]),
        waitRow('sdk', 600_000, [63, 63, 63], [5000, 5000, 5000]),
      ],
      verdicts: [false, true],
    },
    {
      name: 'a short run has no request target but a notice target',
      rows: [
        waitRow('pipe', 10_000, [7, 7, 7], [2500, 2600, 2400]),
        waitRow('sdk', 10_000, [5, 5, 5], [2000, 1800, 2100]),
      ],
      verdicts: [null, false],
    },
  ])('$name', ({ rows, verdicts }) => {
    expect(waitingRows(rows).map((r) => r.met)).toEqual([...verdicts, null]);
  });
});
