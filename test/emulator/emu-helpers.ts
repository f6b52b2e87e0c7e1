import { startEmulator, type Emulator, type EmulatorOptions } from '../../emulator/index.js';

/** Shared helpers of the emulator fidelity tests: a manual clock and thin fetch wrappers. */

export interface ManualClock {
  now(): number;
  advance(ms: number): void;
}

/** Returns a clock that only moves when told to (starts at a fixed, realistic epoch). */
export function manualClock(start = Date.UTC(2026, 0, 15, 9, 0, 0)): ManualClock {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

export interface ApiResult {
  status: number;
  headers: Headers;
  // Test support: bodies are asserted field by field, so a loose type keeps tests readable.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/** A parsed JSON value as tests read it (test support: field-by-field assertions). */
export type Json = ApiResult['body'];

/** Returns the JSON (or text) answer of one call. */
export async function call(url: string, init: RequestInit = {}): Promise<ApiResult> {
  const response = await fetch(url, init);
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    // keep the text (gateway HTML pages)
  }
  return { status: response.status, headers: response.headers, body };
}

/** A started emulator, a manual clock and a valid bearer token (a PAT). */
export interface Harness {
  emu: Emulator;
  clock: ManualClock;
  token: string;
  get(path: string, query?: Record<string, string | number | boolean>): Promise<ApiResult>;
  post(path: string, body: unknown): Promise<ApiResult>;
}

/** Returns a harness around a fresh emulator on a manual clock. */
export async function startHarness(options: EmulatorOptions = {}): Promise<Harness> {
  const clock = manualClock();
  const emu = await startEmulator({ clock, issuer: false, ...options });
  const token = emu.addPat(undefined, 'alice@example.com');
  const auth = { authorization: `Bearer ${token}` };
  return {
    emu,
    clock,
    token,
    get: (path, query = {}) => {
      const qs = new URLSearchParams(
        Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]),
      );
      return call(`${emu.url}${path}${qs.size ? `?${qs.toString()}` : ''}`, { headers: auth });
    },
    post: (path, body) =>
      call(`${emu.url}${path}`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
  };
}

/** Posts an OAuth token request (form-encoded) and returns the answer. */
export function tokenRequest(
  emu: Emulator,
  form: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<ApiResult> {
  return call(`${emu.url}/oidc/v1/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
  });
}
