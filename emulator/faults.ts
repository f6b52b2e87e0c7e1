/**
 * Fault injection: rules that answer (or break) matching requests before normal handling,
 * so tests can stage throttling, outages, resets and slowness.
 */

export interface FaultResponse {
  status: number;
  headers?: Record<string, string>;
  /** JSON body (string bodies are sent verbatim); default: what the gateway sends for the status. */
  body?: unknown;
}

export interface FaultRule {
  method?: string;
  /** A string matches the exact path or any path ending in `/<string>` (`jobs/run-now`). */
  path: string | RegExp;
  /** How many matching requests the rule fires on (default 1); `Infinity` for always. */
  times?: number;
  /** Let this many matching requests through before the rule starts firing. */
  after?: number;
  respond?: FaultResponse;
  /** Destroy the connection without a response. */
  reset?: boolean;
  /** Wait this long (wall-clock) before answering; alone, the request is then handled normally. */
  delayMs?: number;
}

/** A live view of one rule: how often it matched and fired. */
export interface FaultHandle {
  readonly id: number;
  readonly rule: Readonly<FaultRule>;
  readonly matched: number;
  readonly fired: number;
  /** True once the rule has fired `times` times. */
  readonly exhausted: boolean;
}

/** What the server must do for one request. */
export interface FaultAction {
  faultId: number;
  delayMs: number;
  reset: boolean;
  respond?: FaultResponse;
}

class Fault implements FaultHandle {
  matched = 0;
  fired = 0;
  constructor(
    readonly id: number,
    readonly rule: Readonly<FaultRule>,
  ) {}

  get exhausted(): boolean {
    return this.fired >= (this.rule.times ?? 1);
  }

  matches(method: string, path: string): boolean {
    if (this.rule.method && this.rule.method.toUpperCase() !== method.toUpperCase()) return false;
    const p = this.rule.path;
    if (p instanceof RegExp) return p.test(path);
    return path === p || path.endsWith(`/${p.replace(/^\/+/, '')}`);
  }
}

/** The fault rules of one emulator. */
export class Faults {
  private readonly rules: Fault[] = [];
  private nextId = 1;

  /** Returns a handle whose counters follow the rule as it fires. */
  add(rule: FaultRule): FaultHandle {
    if (!rule.respond && !rule.reset && rule.delayMs === undefined) {
      throw new Error('a fault rule needs respond, reset or delayMs');
    }
    const fault = new Fault(this.nextId++, { ...rule });
    this.rules.push(fault);
    return fault;
  }

  /** Returns every rule added since the last clear, in order. */
  list(): readonly FaultHandle[] {
    return this.rules;
  }

  /** Returns how many times the rule (or all rules) fired. */
  firedCount(handle?: FaultHandle): number {
    if (handle) return handle.fired;
    return this.rules.reduce((sum, f) => sum + f.fired, 0);
  }

  clear(): void {
    this.rules.length = 0;
  }

  /** Returns the action of the first live rule matching the request, counting it as fired. */
  take(method: string, path: string): FaultAction | undefined {
    for (const fault of this.rules) {
      if (fault.exhausted || !fault.matches(method, path)) continue;
      fault.matched += 1;
      if (fault.matched <= (fault.rule.after ?? 0)) continue;
      fault.fired += 1;
      const { respond, reset, delayMs } = fault.rule;
      return {
        faultId: fault.id,
        delayMs: delayMs ?? 0,
        reset: reset ?? false,
        ...(respond ? { respond } : {}),
      };
    }
    return undefined;
  }
}

const GATEWAY_PAGES: Record<number, string> = {
  502: '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>',
  504: '<html><head><title>504 Gateway Time-out</title></head><body><center><h1>504 Gateway Time-out</h1></center></body></html>',
};

const DEFAULT_ERRORS: Record<number, { error_code: string; message: string }> = {
  429: {
    error_code: 'REQUEST_LIMIT_EXCEEDED',
    message: 'Too many requests. Please wait a moment and try again.',
  },
  500: { error_code: 'INTERNAL_ERROR', message: 'Internal error. Please try again later.' },
  503: {
    error_code: 'TEMPORARILY_UNAVAILABLE',
    message: 'The service is temporarily unavailable. Please try again later.',
  },
};

/**
 * Returns the body a fault answers with when the rule gives none: gateway HTML pages for
 * 502/504 (load balancers do not speak JSON) and Databricks error bodies otherwise.
 */
export function defaultFaultBody(status: number): { contentType: string; text: string } {
  const page = GATEWAY_PAGES[status];
  if (page) return { contentType: 'text/html', text: page };
  const error = DEFAULT_ERRORS[status] ?? {
    error_code: 'UNKNOWN',
    message: `Injected fault (HTTP ${status}).`,
  };
  return { contentType: 'application/json', text: JSON.stringify(error) };
}
