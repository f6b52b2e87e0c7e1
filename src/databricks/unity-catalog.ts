/**
 * Unity Catalog models (`/api/2.1/unity-catalog/models`, reference §4.3) and the workspace
 * calls the UC registration needs to ship its script: who the identity is (SCIM "Me", for its
 * home folder) and the two workspace file calls (`/api/2.0/workspace`). Maps typed requests
 * to paths and nothing more.
 */
import { PipeError } from '../errors.js';
import type { ApiClient } from './types.js';

const MODELS = '/api/2.1/unity-catalog/models';
const WORKSPACE = '/api/2.0/workspace';
const SCIM_ME = '/api/2.0/preview/scim/v2/Me';

export interface UcAlias {
  alias_name: string;
  version_num: number;
}

export interface UcModel {
  full_name: string;
  owner?: string;
  aliases?: UcAlias[];
}

export interface UcModelVersion {
  version: number;
  status?: string;
  status_message?: string;
  source?: string;
  run_id?: string;
}

/** The Unity Catalog and workspace-file calls of the registry actions. */
export interface UnityCatalogApi {
  /** @throws PipeError ERR_NOT_FOUND | ERR_PERMISSION_DENIED */
  getModel(fullName: string, includeAliases: boolean): Promise<UcModel>;
  /** @throws PipeError ERR_NOT_FOUND */
  getModelVersion(fullName: string, version: number): Promise<UcModelVersion>;
  listModelVersions(
    fullName: string,
    pageToken?: string,
  ): Promise<{ model_versions: UcModelVersion[]; next_page_token?: string }>;
  /** Idempotent: pointing an alias where it points changes nothing. */
  setAlias(fullName: string, alias: string, versionNum: number): Promise<void>;
  /** Creates a workspace folder and its parents; existing ones are fine. */
  mkdirs(path: string): Promise<void>;
  /** Writes a workspace file (overwriting), so jobs can run it. */
  importFile(path: string, content: string): Promise<void>;
  /** Returns who the token is: SCIM "Me"'s `userName` (a service principal's application id). */
  currentUserName(): Promise<string>;
}

function modelPath(fullName: string): string {
  return `${MODELS}/${encodeURIComponent(fullName)}`;
}

/** Returns the Unity Catalog calls bound to one client and abort signal. */
export function unityCatalogApi(api: ApiClient, signal?: AbortSignal): UnityCatalogApi {
  const call = <T>(req: Parameters<ApiClient['request']>[0]): Promise<T> =>
    api.request<T>(signal ? { ...req, signal } : req);
  return {
    getModel: (fullName, includeAliases) =>
      call<UcModel>({
        method: 'GET',
        path: modelPath(fullName),
        query: { include_aliases: includeAliases },
      }),
    getModelVersion: (fullName, version) =>
      call<UcModelVersion>({ method: 'GET', path: `${modelPath(fullName)}/versions/${version}` }),
    listModelVersions: async (fullName, pageToken) => {
      const res = await call<{ model_versions?: UcModelVersion[]; next_page_token?: string }>({
        method: 'GET',
        path: `${modelPath(fullName)}/versions`,
        ...(pageToken ? { query: { page_token: pageToken } } : {}),
      });
      return {
        model_versions: res.model_versions ?? [],
        ...(res.next_page_token ? { next_page_token: res.next_page_token } : {}),
      };
    },
    setAlias: async (fullName, alias, versionNum) => {
      await call({
        method: 'PUT',
        path: `${modelPath(fullName)}/aliases/${encodeURIComponent(alias)}`,
        body: { version_num: versionNum },
        idempotent: true,
      });
    },
    mkdirs: async (path) => {
      await call({ method: 'POST', path: `${WORKSPACE}/mkdirs`, body: { path }, idempotent: true });
    },
    currentUserName: async () => {
      const me = await call<{ userName?: unknown }>({ method: 'GET', path: SCIM_ME });
      if (typeof me.userName !== 'string' || me.userName === '' || me.userName.includes('/')) {
        throw new PipeError('ERR_API', 'the workspace did not say who the pipe is (SCIM Me has no userName)');
      }
      return me.userName;
    },
    importFile: async (path, content) => {
      // AUTO imports a .py without the notebook header as a workspace file, which is what
      // spark_python_task runs; SOURCE would turn it into a notebook.
      await call({
        method: 'POST',
        path: `${WORKSPACE}/import`,
        body: {
          path,
          format: 'AUTO',
          content: Buffer.from(content, 'utf8').toString('base64'),
          overwrite: true,
        },
        idempotent: true,
      });
    },
  };
}
