// The soak run of the fuzz and chaos suites (issue #10): `npm run test:chaos`. The same tests as
// in `npm test`, with RELIABILITY_SCALE times the generated cases and fault schedules (10 unless
// the environment sets RELIABILITY_SCALE), their figures printed, and time budgets to match.
import base from './jest.config.js';

export default {
  ...base,
  testMatch: ['<rootDir>/test/fuzz/**/*.test.ts', '<rootDir>/test/chaos/**/*.test.ts'],
  globals: { RELIABILITY_SCALE: 10 },
  testTimeout: 1_800_000,
};
