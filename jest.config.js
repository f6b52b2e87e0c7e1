// Native ESM in Jest (node --experimental-vm-modules): jose 6 and our own code load as real
// ES modules, exactly as esbuild bundles them; ts-jest only strips types (tsc type-checks).
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.test.json' }],
  },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  // The container suite runs on its own, serially (jest.container.config.js).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/container/'],
  testTimeout: 30000,
};
