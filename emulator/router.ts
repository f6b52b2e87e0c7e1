import type { IncomingHttpHeaders } from 'node:http';

/** A request as emulator handlers see it: JSON body parsed, form bodies parsed to a record. */
export interface EmuRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  /** Parsed JSON, or a Record<string,string> for form-encoded bodies, or undefined. */
  body: unknown;
  headers: IncomingHttpHeaders;
  /** Path parameters captured by a RegExp route's named groups. */
  params: Record<string, string>;
  /** The authenticated principal (set by the auth layer for /api/ routes). */
  principal?: string;
}

export interface EmuResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Handler = (req: EmuRequest) => EmuResponse | Promise<EmuResponse>;

/**
 * A Databricks REST error: handlers throw it and the server answers
 * `{error_code, message}` with the given status, exactly as Databricks does.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
  ) {
    super(message);
  }
}

interface Route {
  method: string;
  pattern: string | RegExp;
  handler: Handler;
}

/** Method + path routing; string patterns match exactly, RegExps with named groups capture. */
export class Router {
  private readonly routes: Route[] = [];

  add(method: string, pattern: string | RegExp, handler: Handler): void {
    this.routes.push({ method: method.toUpperCase(), pattern, handler });
  }

  /** Returns the handler and captured params for a request, or undefined. */
  match(method: string, path: string): { handler: Handler; params: Record<string, string> } | undefined {
    for (const route of this.routes) {
      if (route.method !== method.toUpperCase()) continue;
      if (typeof route.pattern === 'string') {
        if (route.pattern === path) return { handler: route.handler, params: {} };
        continue;
      }
      const m = route.pattern.exec(path);
      if (m) return { handler: route.handler, params: { ...(m.groups ?? {}) } };
    }
    return undefined;
  }

  /** True when some route serves the path with another method (for 405 vs 404). */
  hasPath(path: string): boolean {
    return this.routes.some((r) =>
      typeof r.pattern === 'string' ? r.pattern === path : r.pattern.test(path),
    );
  }
}
