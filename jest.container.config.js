// The container suite (issue #8): bundles the pipe, builds the image from the Dockerfile on a
// local Node base image and runs it as a Bitbucket step runs a pipe. One file at a time (one
// Docker engine, containers on the host network) with timeouts sized for image builds.
import base from './jest.config.js';

export default {
  ...base,
  testMatch: ['<rootDir>/test/container/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  globalSetup: '<rootDir>/test/container/support/global-setup.mjs',
  testSequencer: '<rootDir>/test/container/support/sequencer.mjs',
  maxWorkers: 1,
  testTimeout: 300_000,
};
