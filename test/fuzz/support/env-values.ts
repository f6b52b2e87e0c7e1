/**
 * Values for environment variables: a fixed pool of distinctive secrets (several with `{{ }}`
 * inside, so leaks can be searched for and the redactor's set stays bounded), workspace URLs,
 * booleans, durations, proxies with passwords, and paths that are relative (at most two `..`)
 * or absolute under `<ROOT>` — replaced per run with a temp dir that holds the clone dir two
 * levels down, so nothing is ever written outside it.
 */
import fc from 'fast-check';
import { hostileString } from './strings.js';

/** Stands for the run's temp root in generated paths; see materialize() in env.ts. */
export const ROOT = '<ROOT>';

/** The names whose values hold credentials the pipe must never show. */
export const CREDENTIAL_NAMES = new Set([
  'DATABRICKS_TOKEN',
  'DATABRICKS_CLIENT_SECRET',
  'BITBUCKET_STEP_OIDC_TOKEN',
  'DATABRICKS_TOKN',
  'DATABRICKS_CLIENT_SECRT',
  'MY_API_KEY',
  'DEPLOY_PASSWORD',
]);

/** Distinctive secrets (after trimming, as the pipe reads them), several with `{{ }}` inside. */
export const SECRET_POOL: readonly string[] = [
  'fz-secret-{{ env.DATABRICKS_HOST }}-a1c9',
  'fz-secret-{{bitbucket.commit}}-b2d8',
  'fz-secret-🔑-ünï-c3e7',
  'fz-secret-"quote\'s\\back-d4f6',
  'fz-secret-%41%42%7B%7B-e5a5',
  'fz-secret-<script>-f6b4',
  'fz-secret-$(whoami)-a7c3',
  'fz-secret-\u001b[31m-b8d2',
  'fz-secret-{{-c9e1',
  'fz-secret-}}{{ env.X }}-d0f0',
];
/** Pool secrets that the pipe refuses (whitespace inside): still never echoed. */
export const REFUSED_SECRETS: readonly string[] = [
  'fz secret with spaces e1a9',
  'fz-secret-line\nbreak-f2b8',
];

/** A pool secret, sometimes padded with whitespace (trimmed by the pipe) or refused. */
export const SECRET = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...SECRET_POOL) },
  { weight: 1, arbitrary: fc.constantFrom(...SECRET_POOL).map((s) => `  ${s}\n`) },
  { weight: 1, arbitrary: fc.constantFrom(...REFUSED_SECRETS) },
);

/** Workspace URLs: valid, loopback, with paths, with credentials, malformed. */
export const HOSTS = fc.oneof(
  fc.constantFrom(
    'https://dbc-1234abcd-5678.cloud.databricks.com',
    'https://adb-123.4.azuredatabricks.net/?o=123',
    'https://dbc-1.cloud.databricks.com/path/{{ env.DATABRICKS_TOKEN }}',
    'http://127.0.0.1:8080',
    'http://localhost',
    'http://[::1]:9',
  ),
  fc.constantFrom(
    'http://example.com',
    'ftp://x',
    'dbc-1.cloud.databricks.com',
    'https://user:pw@dbc.example',
    'https://',
    'javascript:alert(1)',
    'https://[::1',
    'https://evil.example%2f@dbc',
  ),
  hostileString(),
);

/** Boolean variables' values, valid and not. */
export const BOOLEAN = fc.oneof(
  fc.constantFrom('true', 'false', 'TRUE', ' yes ', 'no', '1', '0', 'maybe', ''),
  hostileString(),
);
/** Duration values, valid and not (48h is the most a variable may hold). */
export const DURATION = fc.oneof(
  fc.constantFrom(
    '30s',
    '20m',
    '1h30m',
    '90',
    '48h',
    '49h',
    '0',
    '-1m',
    '1e3',
    '1h 30m',
    'PT1H',
    ' 2h ',
  ),
  hostileString(),
);

/** A path spec: relative (at most two `..`), absolute under ROOT, or malformed. */
export const PATH = fc.oneof(
  fc.constantFrom(
    'databricks-ml-pipe/r.json',
    'out/a.jsonl',
    '../r.json',
    '../../r.json',
    'a/../../b.json',
    'dir/',
    '.',
    ' ',
    'é/👍.json',
    'x\u0000y',
    'x\ny',
  ),
  fc.constantFrom(`${ROOT}/abs/results.json`, `${ROOT}/w`, `${ROOT}/w/clone/databricks-ml-pipe`),
  fc.stringMatching(/^[a-z0-9_-]{1,8}(\/[a-z0-9_.-]{1,8}){0,2}$/),
);

/** A usable proxy whose password is a pool secret. */
export const VALID_PROXY = fc
  .constantFrom(...SECRET_POOL)
  .map((pw) => `http://fz-user:${encodeURIComponent(pw)}@proxy.example:3128`);

/** HTTPS_PROXY values, most carrying a pool secret as the password. */
export const PROXY = fc.oneof(
  SECRET.map((pw) => `http://fz-user:${encodeURIComponent(pw.trim())}@proxy.example:3128`),
  SECRET.map((pw) => `fz-user:${encodeURIComponent(pw.trim())}@proxy.example:3128`),
  SECRET.map((pw) => `socks5://fz-user:${encodeURIComponent(pw.trim())}@proxy.example:1080`),
  fc.constantFrom('proxy.example:3128', 'http://proxy.example', 'http://[bad', ''),
);
