/**
 * CODE_INSIGHTS=true: PUT a report on the commit, then POST annotations for failed actions,
 * through the Bitbucket Pipelines authenticating proxy. Reporting is best effort: any failure
 * is one warning saying why (proxy unreachable, Bitbucket's 4xx message) and never fails the pipe.
 */
import type { Logger } from '../log/logger.js';
import { redactor as defaultRedactor, type Redactor } from '../log/redactor.js';
import {
  ProxyUnreachableError,
  sendThroughProxy,
  type ProxiedRequest,
  type ProxiedResponse,
} from './code-insights-http.js';
import {
  buildAnnotations,
  buildReport,
  reportIdFor,
  type CodeInsightsInput,
} from './code-insights-report.js';

export type { CodeInsightsInput } from './code-insights-report.js';

/**
 * Where the proxy listens. From inside a pipe's container the host is `host.docker.internal`
 * (as Atlassian's pipes toolkit uses); from a plain step script it is `localhost`. The first
 * one that accepts a connection is used.
 */
export const DEFAULT_PROXY_URLS: readonly string[] = [
  'http://host.docker.internal:29418',
  'http://localhost:29418',
];
/** The proxy only authenticates plain-HTTP requests to this base. */
export const DEFAULT_BITBUCKET_API_BASE = 'http://api.bitbucket.org/2.0';
export const DEFAULT_CODE_INSIGHTS_TIMEOUT_MS = 10_000;
const ANNOTATIONS_PER_REQUEST = 100;

export interface CodeInsightsOptions {
  log: Logger;
  proxyUrls?: readonly string[];
  apiBase?: string;
  timeoutMs?: number;
  redactor?: Redactor;
}

export type CodeInsightsOutcome =
  { published: true; reportId: string; annotations: number } | { published: false; reason: string };

/** Returns whether the report was published (and why not); never rejects. */
export async function publishCodeInsights(
  input: CodeInsightsInput,
  options: CodeInsightsOptions,
): Promise<CodeInsightsOutcome> {
  const outcome = await publish(input, options).catch((error: unknown) => ({
    published: false as const,
    reason: messageOf(error),
  }));
  if (outcome.published) {
    const count = outcome.annotations === 0 ? '' : ` with ${outcome.annotations} annotation(s)`;
    options.log.info(`Code Insights report ${outcome.reportId} published${count}`);
  } else {
    options.log.warn(`Code Insights report not published: ${outcome.reason}`);
  }
  return outcome;
}

async function publish(
  input: CodeInsightsInput,
  options: CodeInsightsOptions,
): Promise<CodeInsightsOutcome> {
  const bb = input.bitbucket;
  const [workspace, slug] = repoOf(bb.workspace, bb.repoSlug, bb.repoFullName);
  if (!bb.commit || !workspace || !slug) {
    return {
      published: false,
      reason:
        'BITBUCKET_COMMIT or BITBUCKET_REPO_FULL_NAME is not set (not running in Bitbucket Pipelines?)',
    };
  }
  const redactor = options.redactor ?? defaultRedactor;
  const reportId = reportIdFor(bb, input.invocationKey);
  const parts = ['repositories', workspace, slug, 'commit', bb.commit, 'reports', reportId];
  const url = `${options.apiBase ?? DEFAULT_BITBUCKET_API_BASE}/${parts.map(encodeURIComponent).join('/')}`;
  const client = new ProxyClient(
    options.proxyUrls ?? DEFAULT_PROXY_URLS,
    options.timeoutMs ?? DEFAULT_CODE_INSIGHTS_TIMEOUT_MS,
  );
  const report = await client.send({
    method: 'PUT',
    url,
    body: redactor.redactDeep(buildReport(input)),
  });
  if (!isOk(report)) return { published: false, reason: rejection('report', report) };
  const annotations = redactor.redactDeep(buildAnnotations(input, reportId));
  const posted = await postAnnotations(client, `${url}/annotations`, annotations, options.log);
  return { published: true, reportId, annotations: posted };
}

/** Posts annotations in batches; returns how many were accepted (a refusal is a warning). */
async function postAnnotations(
  client: ProxyClient,
  url: string,
  annotations: readonly unknown[],
  log: Logger,
): Promise<number> {
  let posted = 0;
  for (let at = 0; at < annotations.length; at += ANNOTATIONS_PER_REQUEST) {
    const batch = annotations.slice(at, at + ANNOTATIONS_PER_REQUEST);
    const why = await client
      .send({ method: 'POST', url, body: batch })
      .then((answer) => (isOk(answer) ? undefined : rejection('annotations', answer)))
      .catch((error: unknown) => messageOf(error));
    if (why !== undefined) {
      log.warn(`Code Insights annotations not posted: ${why}`);
      break;
    }
    posted += batch.length;
  }
  return posted;
}

/** Tries each proxy in order until one answers, then sticks to it. */
class ProxyClient {
  constructor(
    private proxies: readonly string[],
    private readonly timeoutMs: number,
  ) {}

  async send(req: ProxiedRequest): Promise<ProxiedResponse> {
    const reasons: string[] = [];
    for (const [at, proxy] of this.proxies.entries()) {
      try {
        const response = await sendThroughProxy(proxy, req, this.timeoutMs);
        this.proxies = this.proxies.slice(at);
        return response;
      } catch (error) {
        // Only an unreachable proxy is worth another try: a request it answered was delivered.
        if (!(error instanceof ProxyUnreachableError)) throw error;
        reasons.push(error.message);
      }
    }
    throw new Error(reasons.join('; '));
  }
}

function repoOf(
  workspace?: string,
  slug?: string,
  fullName?: string,
): [string | undefined, string | undefined] {
  if (workspace && slug) return [workspace, slug];
  const [w, s] = (fullName ?? '').split('/');
  return [workspace ?? (w || undefined), slug ?? (s || undefined)];
}

function isOk(response: ProxiedResponse): boolean {
  return response.status >= 200 && response.status < 300;
}

/** Returns why Bitbucket (or the proxy) refused, using its error message when it sent one. */
function rejection(what: string, response: ProxiedResponse): string {
  let message = response.body.trim().slice(0, 300);
  try {
    const parsed = JSON.parse(response.body) as { error?: { message?: unknown; fields?: unknown } };
    if (typeof parsed.error?.message === 'string') {
      message =
        parsed.error.message +
        (parsed.error.fields ? ` ${JSON.stringify(parsed.error.fields)}` : '');
    }
  } catch {
    // Not JSON (a proxy's HTML or text page): the body's start says enough.
  }
  return `Bitbucket answered ${response.status} to the ${what}${message ? `: ${message}` : ''}`;
}

function messageOf(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(error);
}
