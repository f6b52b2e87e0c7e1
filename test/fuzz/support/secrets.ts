/** Which secrets a generated environment holds, in the forms the pipe reads them. */
import { CREDENTIAL_NAMES } from './env-values.js';

const PROXY_PASSWORD = /^(?:[a-z0-9+.-]+:\/\/)?[^:@/]*:([^@/]*)@/i;

/**
 * Returns every secret in `env`: credential values (trimmed) and proxy passwords (decoded).
 * With `onlyRead`, leaves out HTTPS_PROXY when https_proxy is set (the pipe reads one of them).
 */
export function secretsIn(
  env: Readonly<Record<string, string | undefined>>,
  options: { onlyRead?: boolean } = {},
): string[] {
  const secrets = new Set<string>();
  const ignored =
    options.onlyRead === true && env['https_proxy']?.trim() ? 'HTTPS_PROXY' : undefined;
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || name === ignored) continue;
    if (CREDENTIAL_NAMES.has(name) && value.trim().length >= 8) secrets.add(value.trim());
    if (/^https?_proxy$/i.test(name)) {
      const password = PROXY_PASSWORD.exec(value.trim())?.[1];
      if (password && password.length >= 8) secrets.add(safeDecode(password));
    }
  }
  return [...secrets];
}

/** Returns the first secret found in `text` (raw, JSON-escaped or URL-encoded), or undefined. */
export function findSecret(text: string, secrets: readonly string[]): string | undefined {
  return secrets.find((secret) =>
    [secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)].some((form) =>
      text.includes(form),
    ),
  );
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * Returns the password of HTTPS_PROXY when https_proxy is also set (the pipe reads only the
 * lower-case one), decoded; else undefined. Known bug `ignored-proxy-password`.
 */
export function ignoredProxyPassword(
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  if (!env['https_proxy']?.trim()) return undefined;
  const password = PROXY_PASSWORD.exec(env['HTTPS_PROXY']?.trim() ?? '')?.[1];
  return password ? safeDecode(password) : undefined;
}
