/**
 * Secret canaries (issue #10 item 4): distinctive fake secrets planted in every credential
 * variable the pipe reads, and a scanner that looks for them — raw and in every encoding a
 * leak could take — in captured output and in every file under the directories a run wrote.
 *
 * The canaries deliberately do not look like Databricks tokens (`dapi…`), so only the pipe's
 * own registration of secrets can hide them, not the redactor's shape patterns.
 */
import { createHash, randomBytes } from 'node:crypto';
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The credential variables a canary is planted in. */
export const CANARY_VARIABLES = [
  'BITBUCKET_STEP_OIDC_TOKEN',
  'DATABRICKS_TOKEN',
  'DATABRICKS_CLIENT_SECRET',
  'HTTPS_PROXY',
] as const;

/** One of {@link CANARY_VARIABLES}. */
export type CanaryVariable = (typeof CANARY_VARIABLES)[number];

/** One place a canary was found. */
export interface Leak {
  /** `stdout`, `stderr`, a file path, or `file name <path>`. */
  where: string;
  /** Which secret leaked, e.g. `DATABRICKS_TOKEN (base64)`: never the value itself. */
  secret: string;
}

/** How {@link plantCanaries} plants: which step token, which auth method, what to leave out. */
export interface PlantOptions {
  /**
   * The step token to plant: an emulator-minted JWT when the pipe must authenticate with it.
   * Default: a fake RS256-shaped JWT with Bitbucket's claims (not verifiable by anyone).
   */
  stepToken?: string;
  /** Which method the pipe should use; set as DATABRICKS_AUTH_TYPE because several are present. */
  authType?: 'bitbucket-oidc' | 'oauth-m2m' | 'pat' | 'azure-oidc';
  /** Leave these variables out (e.g. HTTPS_PROXY for a test that needs no proxy at all). */
  omit?: readonly CanaryVariable[];
  /** Epoch ms for the fake step token's iat/exp (a virtual clock's now); default Date.now(). */
  nowMs?: number;
  /** Fixed random part, for a replayable run; default random. */
  tag?: string;
}

/** Planted canaries: the variables to pass to the pipe and the scanner that checks for them. */
export interface Canaries {
  /** Credential variables with canary values, DATABRICKS_AUTH_TYPE and NO_PROXY for loopback. */
  readonly env: Record<string, string>;
  /** The raw canary value of each planted variable (the proxy entry is its password). */
  readonly values: Readonly<Partial<Record<CanaryVariable, string>>>;
  /** Adds a secret discovered during the run (an access token the emulator issued). */
  addSecret(name: string, value: string): void;
  /** Returns every leak in the texts (keyed by where they came from). */
  scanTexts(texts: Readonly<Record<string, string>>): Leak[];
  /** Returns every leak in the files (and file names) under the directories, recursively. */
  scanFiles(dirs: readonly string[]): Promise<Leak[]>;
  /** Both scans at once. */
  scan(where: {
    texts?: Readonly<Record<string, string>>;
    dirs?: readonly string[];
  }): Promise<Leak[]>;
}

const PROXY_USER = 'canary-proxy-user';

/** Returns canaries planted in every credential variable; pass `canaries.env` to the pipe. */
export function plantCanaries(options: PlantOptions = {}): Canaries {
  const tag = options.tag ?? randomBytes(6).toString('hex');
  const omit = new Set(options.omit ?? []);
  const values: Partial<Record<CanaryVariable, string>> = {};
  const env: Record<string, string> = {};
  const plant = (name: CanaryVariable, value: string, envValue = value): void => {
    if (omit.has(name)) return;
    values[name] = value;
    env[name] = envValue;
  };
  plant(
    'BITBUCKET_STEP_OIDC_TOKEN',
    options.stepToken ?? fakeStepToken(options.nowMs ?? Date.now(), tag),
  );
  plant('DATABRICKS_TOKEN', `canary-pat-${tag}-Qm7vX2`);
  plant('DATABRICKS_CLIENT_SECRET', `canary-client-secret-${tag}-Hd81p`);
  // `#` must be percent-encoded in the URL, so the raw and the encoded form both count.
  const password = `canary-proxy-pw-${tag}#Zk4`;
  plant(
    'HTTPS_PROXY',
    password,
    `http://${PROXY_USER}:${encodeURIComponent(password)}@127.0.0.1:9`,
  );
  env['DATABRICKS_AUTH_TYPE'] = options.authType ?? 'bitbucket-oidc';
  // The proxy is a canary, not a route: loopback emulators are reached directly.
  if (!omit.has('HTTPS_PROXY')) env['NO_PROXY'] = '127.0.0.1,localhost,[::1]';
  const needles = new Map<string, string>();
  const addSecret = (name: string, value: string): void => {
    for (const [form, text] of needlesFor(value)) needles.set(text, `${name}${form}`);
  };
  for (const [name, value] of Object.entries(values)) addSecret(name, value);
  if (values.HTTPS_PROXY !== undefined) {
    addSecret('HTTPS_PROXY basic auth', `${PROXY_USER}:${values.HTTPS_PROXY}`);
  }
  const scanTexts = (texts: Readonly<Record<string, string>>): Leak[] =>
    Object.entries(texts).flatMap(([where, text]) => findNeedles(needles, where, text));
  const scanFiles = async (dirs: readonly string[]): Promise<Leak[]> => {
    const leaks: Leak[] = [];
    for (const dir of dirs) {
      for (const file of await listFiles(dir)) {
        leaks.push(...findNeedles(needles, `file name ${file}`, file));
        leaks.push(...findNeedles(needles, file, (await readFile(file)).toString('utf8')));
      }
    }
    return leaks;
  };
  return {
    env,
    values,
    addSecret,
    scanTexts,
    scanFiles,
    scan: async ({ texts = {}, dirs = [] }) => [...scanTexts(texts), ...(await scanFiles(dirs))],
  };
}

/** Returns a JWT-shaped step token with Bitbucket's claim names, signed by nobody. */
export function fakeStepToken(nowMs: number, tag = randomBytes(6).toString('hex')): string {
  const iat = Math.floor(nowMs / 1000);
  const segment = (value: object): string =>
    Buffer.from(JSON.stringify(value)).toString('base64url');
  const header = segment({ alg: 'RS256', typ: 'JWT', kid: `canary-${tag}` });
  const payload = segment({
    iss: 'https://api.bitbucket.org/2.0/workspaces/canary/pipelines-config/identity/oidc',
    aud: 'ari:cloud:bitbucket::workspace/00000000-0000-4000-8000-000000000000',
    sub: `{canary-${tag}}:{step}`,
    iat,
    exp: iat + 3600,
    repositoryUuid: '{00000000-0000-4000-8000-00000000c0de}',
    canary: tag,
  });
  // Derived from the tag, so the same tag plants the same token (a replayable run).
  return `${header}.${payload}.${createHash('sha512').update(`canary-signature-${tag}`).digest('base64url')}`;
}

/**
 * Returns the forms a secret may take in a leak: raw, URL-encoded, base64, JSON-escaped; for a
 * JWT also its payload and signature alone (as telling as the whole token; the header is not).
 */
function needlesFor(value: string): [string, string][] {
  const forms = encodedForms(value);
  const [header, payload, signature] = value.split('.');
  if (header?.startsWith('eyJ') && payload && signature !== undefined) {
    if (payload.length >= 8) forms.push([' (payload part)', payload]);
    if (signature.length >= 16) forms.push([' (signature part)', signature]);
  }
  return forms;
}

function encodedForms(value: string): [string, string][] {
  const forms: [string, string][] = [
    ['', value],
    [' (url-encoded)', encodeURIComponent(value)],
    [' (base64)', Buffer.from(value).toString('base64')],
    [' (base64url)', Buffer.from(value).toString('base64url')],
    [' (json-escaped)', JSON.stringify(value).slice(1, -1)],
  ];
  const unique = new Map<string, string>();
  for (const [form, text] of forms)
    if (text.length >= 4 && !unique.has(text)) unique.set(text, form);
  return [...unique].map(([text, form]) => [form, text]);
}

function findNeedles(needles: ReadonlyMap<string, string>, where: string, text: string): Leak[] {
  const leaks: Leak[] = [];
  for (const [needle, secret] of needles) if (text.includes(needle)) leaks.push({ where, secret });
  return leaks;
}

/** Returns every regular file under `dir` (symlinks are not followed: they are not writes). */
async function listFiles(dir: string): Promise<string[]> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    return [];
  }
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry);
    const stat = await lstat(path);
    if (stat.isDirectory()) files.push(...(await listFiles(path)));
    else if (stat.isFile()) files.push(path);
  }
  return files;
}
