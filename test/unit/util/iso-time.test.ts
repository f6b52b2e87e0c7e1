import fc from 'fast-check';
import { isoTime } from '../../../src/util/iso-time.js';

// toISOString's range: ±8.64e15 ms around the epoch.
const MAX_TIME = 8.64e15;

describe('isoTime', () => {
  it.each([
    [0, '1970-01-01T00:00:00.000Z'],
    [1_764_417_600_123, '2025-11-29T12:00:00.123Z'],
    [-1, '1969-12-31T23:59:59.999Z'],
    [-62_167_219_200_000, '0000-01-01T00:00:00.000Z'],
    [253_402_300_799_999, '9999-12-31T23:59:59.999Z'],
    [253_402_300_800_000, '+010000-01-01T00:00:00.000Z'],
    [-62_167_219_200_001, '-000001-12-31T23:59:59.999Z'],
  ])('formats %d as %s', (ms, text) => {
    expect(isoTime(ms)).toBe(text);
  });

  it('gives the text toISOString gives, for every time it takes', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer({ min: -MAX_TIME, max: MAX_TIME }),
          // Mostly times a run can see, where the fast path is taken.
          fc.integer({ min: 0, max: 253_402_300_799_999 }),
          fc.double({ min: -MAX_TIME, max: MAX_TIME, noNaN: true }),
        ),
        (ms) => {
          expect(isoTime(ms)).toBe(new Date(ms).toISOString());
        },
      ),
      { numRuns: 20_000 },
    );
  });

  it('throws where toISOString throws', () => {
    expect(() => isoTime(Number.NaN)).toThrow(RangeError);
    expect(() => isoTime(MAX_TIME + 1)).toThrow(RangeError);
  });
});
