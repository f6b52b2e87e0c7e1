import { posix } from 'node:path';
import {
  argsOf,
  invalidParameter,
  permissionDenied,
  optionalBoolean,
  optionalString,
  protoJson,
  requireString,
} from './api-args.js';
import { ApiError, type EmuRequest, type EmuResponse, type Router } from './router.js';
import type { EmulatorState } from './state.js';
import {
  makeDirectories,
  putObject,
  requireObject,
  type Language,
  type NewObject,
  type WorkspaceObject,
} from './workspace-store.js';

/** Workspace API (`/api/2.0/workspace/mkdirs`, `import`, `get-status`, `export`). */

const BASE = '/api/2.0/workspace';
/** Databricks refuses imports above 10 MB. */
export const MAX_IMPORT_BYTES = 10 * 1024 * 1024;
const FORMATS = ['SOURCE', 'HTML', 'JUPYTER', 'DBC', 'R_MARKDOWN', 'AUTO', 'RAW'] as const;
const LANGUAGES: readonly Language[] = ['PYTHON', 'SQL', 'SCALA', 'R'];
const EXTENSIONS: Record<string, Language> = {
  '.py': 'PYTHON',
  '.sql': 'SQL',
  '.scala': 'SCALA',
  '.r': 'R',
};
/** First line of a notebook exported in SOURCE format, per language. */
const NOTEBOOK_HEADERS: Record<Language, string> = {
  PYTHON: '# Databricks notebook source',
  SQL: '-- Databricks notebook source',
  SCALA: '// Databricks notebook source',
  R: '# Databricks notebook source',
};

const FILE_TYPES: Record<Language, string> = { PYTHON: 'py', SQL: 'sql', SCALA: 'scala', R: 'r' };

const ok = (body: object): EmuResponse => ({ status: 200, body });

function extensionLanguage(path: string): Language | undefined {
  return EXTENSIONS[posix.extname(path).toLowerCase()];
}

function decodeContent(args: Record<string, unknown>): Buffer {
  const content = optionalString(args, 'content') ?? '';
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(content.replace(/\s/g, ''))) {
    throw invalidParameter('The content must be base64 encoded.');
  }
  const bytes = Buffer.from(content, 'base64');
  if (bytes.length > MAX_IMPORT_BYTES) {
    throw new ApiError(
      400,
      'MAX_NOTEBOOK_SIZE_EXCEEDED',
      `File size imported is (${bytes.length} bytes), exceeded max size (${MAX_IMPORT_BYTES} bytes)`,
    );
  }
  return bytes;
}

/**
 * Returns what an import creates: AUTO makes a notebook only of a source file that starts
 * with the notebook header (dropping the extension, as Databricks does), else a file.
 */
function importedObject(
  path: string,
  format: string,
  language: string | undefined,
  content: Buffer,
): NewObject {
  const base = { content, overwrite: false };
  if (language !== undefined && !(LANGUAGES as readonly string[]).includes(language)) {
    throw invalidParameter(
      `Invalid language '${language}'. Valid values are ${LANGUAGES.join(', ')}.`,
    );
  }
  const lang = (language as Language | undefined) ?? extensionLanguage(path);
  if (format === 'RAW') return { ...base, path, object_type: 'FILE' };
  if (format === 'AUTO') {
    const detected = extensionLanguage(path);
    const isNotebook =
      detected !== undefined && content.toString('utf8').startsWith(NOTEBOOK_HEADERS[detected]);
    if (!isNotebook) return { ...base, path, object_type: 'FILE' };
    return {
      ...base,
      path: path.slice(0, -posix.extname(path).length),
      object_type: 'NOTEBOOK',
      language: detected,
    };
  }
  if (format === 'SOURCE' && lang === undefined) {
    throw invalidParameter('The language field is required when importing in SOURCE format.');
  }
  return { ...base, path, object_type: 'NOTEBOOK', language: lang };
}

function importObject(state: EmulatorState, req: EmuRequest): EmuResponse {
  const args = argsOf(req);
  const path = requireString(args, 'path');
  const format = optionalString(args, 'format') ?? 'SOURCE';
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw invalidParameter(`Invalid format '${format}'. Valid values are ${FORMATS.join(', ')}.`);
  }
  const object = importedObject(
    path,
    format,
    optionalString(args, 'language'),
    decodeContent(args),
  );
  putObject(state, { ...object, overwrite: optionalBoolean(args, 'overwrite') ?? false });
  return ok({});
}

function statusJson(object: WorkspaceObject, requestedPath: string): object {
  return protoJson({
    object_type: object.object_type,
    path: requestedPath.replace(/\/+$/, '') || '/',
    object_id: object.object_id,
    resource_id: String(object.object_id),
    language: object.language,
    created_at: object.created_at,
    modified_at: object.modified_at,
    size: object.content?.length,
  });
}

function exportObject(state: EmulatorState, req: EmuRequest): EmuResponse {
  const path = requireString(argsOf(req), 'path');
  const object = requireObject(state, path);
  if (object.object_type === 'DIRECTORY') {
    throw invalidParameter(`Path (${path}) is a directory; export it in DBC format.`);
  }
  const fileType = object.language ? FILE_TYPES[object.language] : undefined;
  return ok(
    protoJson({
      content: (object.content ?? Buffer.alloc(0)).toString('base64'),
      file_type: fileType,
    }),
  );
}

// A home folder (/Workspace/Users/<name>/…) is written only by its owner (admins aside, whom
// the emulator does not model); /Workspace/Shared is open to every user.
const HOME = /^\/(?:Workspace\/)?Users\/([^/]+)(?:\/|$)/;

function requireWritable(req: EmuRequest, path: string): void {
  const owner = HOME.exec(path)?.[1];
  if (owner !== undefined && req.principal !== undefined && owner !== req.principal) {
    throw permissionDenied(`${req.principal} does not have Manage permissions on ${path}`);
  }
}

/** SCIM "Me": the caller as a SCIM user; a service principal's userName is its application id. */
function me(state: EmulatorState, req: EmuRequest): EmuResponse {
  const name = req.principal ?? 'anonymous';
  const principal = state.principals.get(name);
  return ok({
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    id: String([...state.principals.keys()].indexOf(name) + 1000),
    userName: name,
    displayName: principal?.displayName ?? name,
    active: true,
  });
}

/** Registers the workspace API routes, and SCIM "Me". */
export function registerWorkspaceRoutes(router: Router, state: EmulatorState): void {
  router.add('GET', '/api/2.0/preview/scim/v2/Me', (req) => me(state, req));
  router.add('POST', `${BASE}/mkdirs`, (req) => {
    const path = requireString(argsOf(req), 'path');
    requireWritable(req, path);
    makeDirectories(state, path);
    return ok({});
  });
  router.add('POST', `${BASE}/import`, (req) => {
    requireWritable(req, requireString(argsOf(req), 'path'));
    return importObject(state, req);
  });
  router.add('GET', `${BASE}/get-status`, (req) => {
    const path = requireString(argsOf(req), 'path');
    return ok(statusJson(requireObject(state, path), path));
  });
  router.add('GET', `${BASE}/export`, (req) => exportObject(state, req));
}
