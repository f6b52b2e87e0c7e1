/** The pipe's version; `npm run release` keeps it equal to package.json, pipe.yml and README. */
export const PIPE_VERSION = '0.1.0';
