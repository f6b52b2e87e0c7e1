import { posix } from 'node:path';
import { invalidParameter, notFound } from './api-args.js';
import { ApiError } from './router.js';
import { getExtension, type EmulatorState } from './state.js';

/** The workspace file tree: directories, files and notebooks with their contents. */

export type ObjectType = 'DIRECTORY' | 'FILE' | 'NOTEBOOK';
export type Language = 'PYTHON' | 'SQL' | 'SCALA' | 'R';

export interface WorkspaceObject {
  path: string;
  object_type: ObjectType;
  object_id: number;
  language?: Language | undefined;
  content?: Buffer | undefined;
  created_at: number;
  modified_at: number;
}

const ROOTS = ['/', '/Shared', '/Users', '/Repos'];

/** Returns the workspace tree of an emulated workspace, created with its root folders. */
export function workspaceTree(state: EmulatorState): Map<string, WorkspaceObject> {
  return getExtension(state, 'workspace', () => {
    const tree = new Map<string, WorkspaceObject>();
    for (const path of ROOTS) {
      tree.set(path, {
        path,
        object_type: 'DIRECTORY',
        object_id: state.nextId(),
        created_at: 0,
        modified_at: 0,
      });
    }
    return tree;
  });
}

/**
 * Returns the canonical form of a workspace path: `/Workspace/Shared/x` and `/Shared/x` name
 * the same object (jobs reference workspace files with the `/Workspace` prefix, the
 * workspace API accepts both).
 * @throws ApiError INVALID_PARAMETER_VALUE for a relative path.
 */
export function canonicalPath(path: string): string {
  if (!path.startsWith('/')) throw invalidParameter(`Path (${path}) doesn't start with '/'`);
  const normal = posix.normalize(path).replace(/\/+$/, '') || '/';
  if (normal === '/Workspace') return '/';
  return normal.startsWith('/Workspace/') ? normal.slice('/Workspace'.length) : normal;
}

/** Returns the object at a path, if any. */
export function findObject(state: EmulatorState, path: string): WorkspaceObject | undefined {
  return workspaceTree(state).get(canonicalPath(path));
}

/**
 * Returns the object at a path.
 * @throws ApiError RESOURCE_DOES_NOT_EXIST (404) when there is none.
 */
export function requireObject(state: EmulatorState, path: string): WorkspaceObject {
  const object = findObject(state, path);
  if (!object) throw notFound(`Path (${path}) doesn't exist.`);
  return object;
}

/**
 * Creates a directory and its missing parents (existing directories are fine).
 * @throws ApiError RESOURCE_ALREADY_EXISTS when a file or notebook is in the way.
 */
export function makeDirectories(state: EmulatorState, path: string): void {
  const tree = workspaceTree(state);
  const target = canonicalPath(path);
  const parts = target.split('/').filter(Boolean);
  for (let i = 1; i <= parts.length; i += 1) {
    const prefix = `/${parts.slice(0, i).join('/')}`;
    const existing = tree.get(prefix);
    if (existing?.object_type === 'DIRECTORY') continue;
    if (existing) {
      throw new ApiError(
        400,
        'RESOURCE_ALREADY_EXISTS',
        `Cannot create directory ${target}: a ${existing.object_type.toLowerCase()} exists at ${prefix}.`,
      );
    }
    const now = state.clock.now();
    tree.set(prefix, {
      path: prefix,
      object_type: 'DIRECTORY',
      object_id: state.nextId(),
      created_at: now,
      modified_at: now,
    });
  }
}

export interface NewObject {
  path: string;
  object_type: 'FILE' | 'NOTEBOOK';
  language?: Language | undefined;
  content: Buffer;
  overwrite: boolean;
}

/**
 * Stores a file or notebook.
 * @throws ApiError RESOURCE_DOES_NOT_EXIST for a missing parent folder,
 *   RESOURCE_ALREADY_EXISTS for an existing path without overwrite (or a directory there).
 */
export function putObject(state: EmulatorState, spec: NewObject): WorkspaceObject {
  const tree = workspaceTree(state);
  const path = canonicalPath(spec.path);
  const parent = posix.dirname(path);
  if (tree.get(parent)?.object_type !== 'DIRECTORY') {
    throw notFound(`The parent folder (${parent}) does not exist.`);
  }
  const existing = tree.get(path);
  if (existing && (!spec.overwrite || existing.object_type === 'DIRECTORY')) {
    throw new ApiError(400, 'RESOURCE_ALREADY_EXISTS', `Path (${spec.path}) already exists.`);
  }
  const now = state.clock.now();
  const object: WorkspaceObject = {
    path,
    object_type: spec.object_type,
    object_id: existing?.object_id ?? state.nextId(),
    language: spec.language,
    content: spec.content,
    created_at: existing?.created_at ?? now,
    modified_at: now,
  };
  tree.set(path, object);
  return object;
}

/** Returns a stored file's or notebook's type, language and text, for tests to read back. */
export function readWorkspaceFile(
  state: EmulatorState,
  path: string,
): { object_type: ObjectType; language?: Language | undefined; content: string } | undefined {
  const object = findObject(state, path);
  if (!object?.content) return undefined;
  return {
    object_type: object.object_type,
    language: object.language,
    content: object.content.toString('utf8'),
  };
}

/** Stores a workspace file (creating its folders) for a test scenario. */
export function addWorkspaceFile(state: EmulatorState, path: string, content: string): void {
  makeDirectories(state, posix.dirname(canonicalPath(path)));
  putObject(state, {
    path,
    object_type: 'FILE',
    content: Buffer.from(content, 'utf8'),
    overwrite: true,
  });
}
