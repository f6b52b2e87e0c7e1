/**
 * Masks secrets in text and structured data. Every secret is registered the moment it exists
 * (the step token on read, the Databricks token before it is returned); the logger, error
 * messages and every file the pipe writes pass through here.
 */
const MASK = '***';
const MIN_SECRET_LENGTH = 4;
// Header.payload.signature with base64url parts: any JWT, registered or not.
const JWT_PATTERN = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;
// Databricks personal access tokens and OAuth access tokens have recognisable prefixes.
const DATABRICKS_TOKEN_PATTERN = /\b(?:dapi|dose|dsapi)[0-9a-zA-Z_-]{16,}\b/g;
const TOKEN_PREFIXES = ['dapi', 'dose', 'dsapi'];
const BEARER_PATTERN = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{6,}/gi;
// Where BEARER_PATTERN could match, in any case. Case-insensitive patterns cost V8 ~0.3 ms each
// to compile, a tenth of a start that stops at invalid variables (issue #9): this one, spelt
// out, compiles in a few microseconds and keeps the other off most text.
const BEARER_HINT = /[Bb][Ee][Aa][Rr][Ee][Rr]|[Bb][Aa][Ss][Ii][Cc]/;
// A key naming any of these (in any case) holds a secret. Plain substring tests: every start
// judges the environment's names, and compiling the equivalent regular expression cost V8
// ~0.3 ms of a start that stops at invalid variables (issue #9).
const SECRET_KEY_WORDS = [
  'authorization',
  'token',
  'secret',
  'password',
  'passwd',
  'cookie',
  'assertion',
  'credential',
  'apikey',
  'api-key',
  'api_key',
];
// Keys that contain "token" but never hold a secret; keeping them aids debugging and audit.
// Facts about a credential (its type, when it expires) are not the credential.
const NON_SECRET_SUFFIXES = ['_type', '_expires_at', '_expires_in', 'ExpiresAt'];
const NON_SECRET_KEYS = new Set([
  'idempotency_token',
  'idempotencyToken',
  'token_type',
  'page_token',
  'next_page_token',
  'prev_page_token',
  'subject_token_type',
  'expires_in',
]);

// What isSecretKey decided, by key (the rules are constants, so it holds for every redactor).
const secretKeys = new Map<string, boolean>();
const MAX_JUDGED_KEYS = 10_000;

export class Redactor {
  private readonly secrets = new Set<string>();
  private ordered: string[] = [];

  /** Registers a secret value (and its URL-encoded form); returns the value unchanged. */
  register<T extends string | undefined>(value: T): T {
    if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH) return value;
    for (const form of [value, encodeURIComponent(value), Buffer.from(value).toString('base64')]) {
      this.secrets.add(form);
    }
    // Longest first so a secret that contains another is masked whole.
    this.ordered = [...this.secrets].sort((a, b) => b.length - a.length);
    return value;
  }

  /** Returns true when `key` names a field whose value must never be shown. */
  isSecretKey(key: string): boolean {
    // Documents repeat the same few keys: each is judged once.
    let secret = secretKeys.get(key);
    if (secret === undefined) {
      const lower = key.toLowerCase();
      secret =
        !NON_SECRET_KEYS.has(key) &&
        !NON_SECRET_SUFFIXES.some((suffix) => key.endsWith(suffix)) &&
        SECRET_KEY_WORDS.some((word) => lower.includes(word));
      if (secretKeys.size < MAX_JUDGED_KEYS) secretKeys.set(key, secret);
    }
    return secret;
  }

  /** Returns `text` with every registered secret, JWT and bearer credential masked. */
  redact(text: string): string {
    let out = text;
    for (const secret of this.ordered) {
      if (out.includes(secret)) out = out.split(secret).join(MASK);
    }
    // Each pattern only where its fixed prefix occurs: most text has none, and every log
    // line and written file passes here.
    if (out.includes('eyJ')) out = out.replace(JWT_PATTERN, MASK);
    if (TOKEN_PREFIXES.some((prefix) => out.includes(prefix))) {
      out = out.replace(DATABRICKS_TOKEN_PATTERN, MASK);
    }
    if (!BEARER_HINT.test(out)) return out;
    return out.replace(BEARER_PATTERN, (_m, scheme: string) => `${scheme} ${MASK}`);
  }

  /** Returns a deep copy of `value` with secret-named keys and secret values masked. */
  redactDeep<T>(value: T): T {
    return this.walk(value, new WeakSet()) as T;
  }

  private walk(value: unknown, seen: WeakSet<object>): unknown {
    if (typeof value === 'string') return this.redact(value);
    if (value === null || typeof value !== 'object') return value;
    if (seen.has(value)) return '[circular]';
    seen.add(value);
    if (Array.isArray(value)) return value.map((item) => this.walk(item, seen));
    if (value instanceof Error) return this.redact(value.message);
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      out[key] =
        this.isSecretKey(key) && item !== undefined && item !== null && item !== ''
          ? MASK
          : this.walk(item, seen);
    }
    return out;
  }
}

/** The process-wide redactor: secrets registered anywhere are masked everywhere. */
export const redactor = new Redactor();
