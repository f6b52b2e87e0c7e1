/**
 * A fake of the Bitbucket Pipelines authenticating proxy in front of the Code Insights API, on
 * 127.0.0.1 (port 0). Requests arrive the way pipes send them: absolute-form
 * `http://api.bitbucket.org/2.0/repositories/{ws}/{repo}/commit/{sha}/reports/{id}` to the
 * proxy. It validates bodies as Bitbucket Cloud documents them (report_type, result, at most
 * 10 typed data fields; annotations typed, ≤100 per POST), stores what it accepts, and logs
 * every request. `setDown(true)` resets connections (a dead proxy); `failNext` injects an answer.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Ajv } from 'ajv';
import { closeServer, listen } from './net.js';

export interface BitbucketApiRequest {
  method: string;
  /** The request-target as received (absolute-form through the proxy). */
  url: string;
  path: string;
  viaProxy: boolean;
  headers: IncomingMessage['headers'];
  body: unknown;
  status: number;
}

export interface StoredReport {
  report: Record<string, unknown>;
  annotations: Map<string, Record<string, unknown>>;
}

export interface BitbucketApiFake {
  /** `http://127.0.0.1:<port>`: the proxy URL to give the pipe. */
  readonly url: string;
  readonly requests: BitbucketApiRequest[];
  /** Keyed `{workspace}/{repo}/{commit}/{reportId}`. */
  readonly reports: Map<string, StoredReport>;
  setDown(down: boolean): void;
  /** Answers the next request (with `method`, when given) with `status` and `body`. */
  failNext(status: number, body: unknown, method?: string): void;
  close(): Promise<void>;
}

type Problems = Record<string, string[]>;
type Answer = { status: number; body: unknown };

const REPORT_PATH =
  /^\/2\.0\/repositories\/([^/]+)\/([^/]+)\/commit\/([^/]+)\/reports\/([^/]+)(\/annotations)?$/;
const MAX_REPORT_ID_CHARS = 50;
const URL_STRING = { type: 'string', pattern: '^https?://\\S+$' };
const typed = (type: string, value: object): object => ({
  if: { properties: { type: { const: type } }, required: ['type'] },
  then: { properties: { value } },
});
const DATA_FIELD = {
  type: 'object',
  required: ['title', 'value'],
  additionalProperties: false,
  properties: {
    title: { type: 'string' },
    type: { enum: ['BOOLEAN', 'DATE', 'DURATION', 'LINK', 'NUMBER', 'PERCENTAGE', 'TEXT'] },
    value: {},
  },
  allOf: [
    {
      if: { not: { required: ['type'] } },
      then: { properties: { value: { type: ['string', 'number', 'boolean'] } } },
    },
    typed('BOOLEAN', { type: 'boolean' }),
    typed('DATE', { type: 'number' }),
    typed('DURATION', { type: 'number', minimum: 0 }),
    typed('NUMBER', { type: 'number' }),
    typed('PERCENTAGE', { type: 'number', minimum: 0, maximum: 100 }),
    typed('TEXT', { type: 'string' }),
    typed('LINK', {
      type: 'object',
      required: ['text', 'href'],
      additionalProperties: false,
      properties: { text: { type: 'string' }, href: URL_STRING },
    }),
  ],
};
// Bitbucket Cloud's documented report and annotation fields; unknown fields are refused.
const REPORT_SCHEMA = {
  type: 'object',
  required: ['title', 'report_type'],
  additionalProperties: false,
  properties: {
    title: { type: 'string', minLength: 1 },
    details: { type: 'string' },
    report_type: { enum: ['SECURITY', 'COVERAGE', 'TEST', 'BUG'] },
    reporter: { type: 'string' },
    link: URL_STRING,
    logo_url: URL_STRING,
    remote_link_enabled: { type: 'boolean' },
    result: { enum: ['PASSED', 'FAILED', 'PENDING'] },
    data: { type: 'array', maxItems: 10, items: DATA_FIELD },
  },
};
const ANNOTATIONS_SCHEMA = {
  type: 'array',
  minItems: 1,
  maxItems: 100,
  items: {
    type: 'object',
    required: ['external_id', 'annotation_type', 'summary'],
    additionalProperties: false,
    properties: {
      external_id: { type: 'string', minLength: 1 },
      title: { type: 'string' },
      annotation_type: { enum: ['VULNERABILITY', 'CODE_SMELL', 'BUG'] },
      summary: { type: 'string', minLength: 1 },
      details: { type: 'string' },
      result: { enum: ['PASSED', 'FAILED', 'SKIPPED', 'IGNORED'] },
      severity: { enum: ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'] },
      path: { type: 'string' },
      line: { type: 'integer', minimum: 1 },
      link: URL_STRING,
    },
  },
};
const ajv = new Ajv({ allErrors: true, strict: false });
const checkReport = validator(REPORT_SCHEMA);
const checkAnnotations = validator(ANNOTATIONS_SCHEMA);

/** Starts the fake; returns its URL, request log, stored reports and fault switches. */
export async function startBitbucketApiFake(): Promise<BitbucketApiFake> {
  const requests: BitbucketApiRequest[] = [];
  const reports = new Map<string, StoredReport>();
  let down = false;
  let injected: (Answer & { method?: string | undefined }) | undefined;
  const server = createServer((req, res) => {
    void readBody(req).then((raw) => {
      const path = req.url?.startsWith('http://') ? new URL(req.url).pathname : (req.url ?? '');
      const body = parseJson(raw);
      const fault =
        injected && (!injected.method || injected.method === req.method) ? injected : undefined;
      if (fault) injected = undefined;
      const answer = fault ?? route(req, path, body, reports);
      requests.push({
        method: req.method ?? '',
        url: req.url ?? '',
        path,
        viaProxy: Boolean(req.url?.startsWith('http://')),
        headers: req.headers,
        body,
        status: answer.status,
      });
      send(res, answer);
    });
  });
  server.on('connection', (socket) => {
    if (down) socket.destroy();
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    reports,
    setDown: (value) => {
      down = value;
    },
    failNext: (status, body, method) => {
      injected = { status, body, method };
    },
    close: () => closeServer(server),
  };
}

function route(
  req: IncomingMessage,
  path: string,
  body: unknown,
  reports: Map<string, StoredReport>,
): Answer {
  if (req.url?.startsWith('http://') && new URL(req.url).host !== 'api.bitbucket.org') {
    return error(403, 'the pipelines proxy only forwards to api.bitbucket.org');
  }
  const m = REPORT_PATH.exec(path);
  if (!m) return error(404, `no route for ${req.method ?? ''} ${path}`);
  const [ws, repo, commit, id] = m.slice(1, 5).map((part) => decodeURIComponent(part ?? ''));
  const key = `${ws}/${repo}/${commit}/${id}`;
  return m[5]
    ? annotationsRoute(req.method, body, reports.get(key))
    : reportRoute(req.method, body, id ?? '', key, reports);
}

function reportRoute(
  method: string | undefined,
  body: unknown,
  id: string,
  key: string,
  reports: Map<string, StoredReport>,
): Answer {
  const stored = reports.get(key);
  if (method === 'GET') {
    return stored
      ? { status: 200, body: stored.report }
      : error(404, `report ${id} does not exist`);
  }
  if (method !== 'PUT') return error(405, 'method not allowed');
  const problems = checkReport(body);
  if (id.length > MAX_REPORT_ID_CHARS) {
    add(problems, 'reportId', `longer than ${MAX_REPORT_ID_CHARS} characters`);
  }
  if (Object.keys(problems).length > 0) return error(400, 'invalid report', problems);
  const report = { ...(body as object), external_id: id, uuid: `{${randomUUID()}}` };
  reports.set(key, { report, annotations: stored?.annotations ?? new Map() });
  return { status: 200, body: report };
}

function annotationsRoute(
  method: string | undefined,
  body: unknown,
  stored: StoredReport | undefined,
): Answer {
  if (!stored) return error(404, 'the report does not exist');
  if (method === 'GET') return { status: 200, body: { values: [...stored.annotations.values()] } };
  if (method !== 'POST') return error(405, 'method not allowed');
  const problems = checkAnnotations(body);
  if (Object.keys(problems).length > 0) return error(400, 'invalid annotations', problems);
  const created = (body as Record<string, unknown>[]).map((a): Record<string, unknown> => ({
    ...a,
    uuid: `{${randomUUID()}}`,
  }));
  for (const a of created) stored.annotations.set(String(a['external_id']), a);
  return { status: 200, body: created };
}

/** Returns a checker giving Bitbucket-style `fields`: problems by JSON path. */
function validator(schema: object): (body: unknown) => Problems {
  const validate = ajv.compile(schema);
  return (body) => {
    const problems: Problems = {};
    if (validate(body)) return problems;
    for (const e of validate.errors ?? []) {
      if (e.keyword === 'if') continue;
      const extra =
        e.keyword === 'additionalProperties' ? ` (${String(e.params['additionalProperty'])})` : '';
      add(problems, e.instancePath || '/', `${e.message ?? e.keyword}${extra}`);
    }
    return problems;
  };
}

function add(p: Problems, field: string, message: string): void {
  (p[field] ??= []).push(message);
}

function error(status: number, message: string, fields?: Problems): Answer {
  return { status, body: { type: 'error', error: fields ? { message, fields } : { message } } };
}

function parseJson(raw: string): unknown {
  if (raw === '') return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(''));
  });
}

function send(res: ServerResponse, answer: Answer): void {
  const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
  res.writeHead(answer.status, {
    'content-type': typeof answer.body === 'string' ? 'text/plain' : 'application/json',
  });
  res.end(text);
}
