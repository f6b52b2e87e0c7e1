import { PIPE_VERSION } from '../../version.js';

/**
 * The registration script the pipe ships for Unity Catalog (DESIGN §3). UC makes the client
 * upload the model files itself (reference §4.3), so the version is created inside the
 * workspace by MLflow's own `register_model`, run as a one-time serverless task. It is a
 * string constant so that esbuild bundles it into dist/pipe.js: nothing is read at runtime.
 */

/** The line the script prints last; the pipe reads the new version from it. */
export const RESULT_MARKER = 'DATABRICKS_ML_PIPE_RESULT';

const SCRIPT_NAME = 'register_model.py';
const SCRIPT_FOLDER = `.databricks-ml-pipe/${PIPE_VERSION}`;

/**
 * Where the script is uploaded: the pipe identity's own home folder (`userName` from SCIM
 * "Me"; a service principal's is its application id), one folder per pipe version so upgrades
 * never mix. A home folder is writable only by its owner and workspace admins; a folder under
 * /Workspace/Shared is writable by every user, any of whom could swap the script that the
 * identity then runs with its registry privileges.
 */
export function registerScriptPath(userName: string): string {
  return `/Workspace/Users/${userName}/${SCRIPT_FOLDER}/${SCRIPT_NAME}`;
}

/** Where it goes when the workspace cannot say who the identity is (no SCIM "Me"). */
export const SHARED_REGISTER_SCRIPT_PATH = `/Workspace/Shared/${SCRIPT_FOLDER}/${SCRIPT_NAME}`;

/** The serverless environment the task runs in: MLflow with UC registration and tags. */
export const REGISTER_ENVIRONMENT = {
  environment_key: 'default',
  spec: { client: '1', dependencies: ['mlflow>=2.16'] },
} as const;

export const REGISTER_SCRIPT = `"""Registers a model version in Unity Catalog for databricks-ml-pipe ${PIPE_VERSION}.

Uploaded and run by the pipe as a one-time serverless task:
  register_model.py --name <catalog.schema.model> --source <model uri>
                    [--run-id <run id>] [--tags <JSON object>] [--registry-uri <uri>]
Creates the registered model when missing, registers the version with its tags, waits for
READY and prints, last, the line the pipe reads:
  ${RESULT_MARKER} {"name": "<name>", "version": "<version>"}
A version an earlier attempt of the same pipeline step registered from the same run is reused.
"""
import argparse
import json
import sys
import time

import mlflow
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException

RESULT_MARKER = "${RESULT_MARKER}"
# Tags naming the pipeline, step and plan action that register; the pipe always sends them.
KEY_TAGS = ("bitbucket.pipeline_uuid", "bitbucket.step_uuid", "bitbucket.action")
READY_TIMEOUT_SECONDS = 600
POLL_SECONDS = 3


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="register_model.py")
    parser.add_argument("--name", required=True)
    parser.add_argument("--source", required=True)
    parser.add_argument("--run-id", default=None)
    parser.add_argument("--tags", type=json.loads, default={})
    parser.add_argument("--registry-uri", default="databricks-uc")
    args = parser.parse_args(argv)
    if not isinstance(args.tags, dict):
        parser.error("argument --tags: must be a JSON object")
    args.tags = {str(k): str(v) for k, v in args.tags.items()}
    return args


def find_earlier(client, name, run_id, tags):
    """Returns the version this pipeline step already registered from run_id, if any."""
    key = {k: tags[k] for k in KEY_TAGS if k in tags}
    if not run_id or "bitbucket.pipeline_uuid" not in key:
        return None
    try:
        candidates = client.search_model_versions("name='%s'" % name.replace("'", "\\\\'"))
    except MlflowException as error:
        if error.error_code in ("RESOURCE_DOES_NOT_EXIST", "NOT_FOUND"):
            return None
        raise
    for candidate in sorted(candidates, key=lambda v: -int(v.version)):
        if candidate.run_id != run_id:
            continue
        full = client.get_model_version(name, candidate.version)
        same_step = all(full.tags.get(k) == v for k, v in key.items())
        if same_step and full.status != "FAILED_REGISTRATION":
            return full
    return None


def wait_ready(client, name, version):
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while True:
        mv = client.get_model_version(name, version)
        if mv.status == "READY":
            return mv
        if mv.status == "FAILED_REGISTRATION":
            sys.exit("registration of version %s of %s failed: %s" % (version, name, mv.status_message))
        if time.monotonic() > deadline:
            sys.exit("version %s of %s was still %s after %d s" % (version, name, mv.status, READY_TIMEOUT_SECONDS))
        time.sleep(POLL_SECONDS)


def main(argv):
    args = parse_args(argv)
    mlflow.set_registry_uri(args.registry_uri)
    client = MlflowClient()
    mv = find_earlier(client, args.name, args.run_id, args.tags)
    if mv is not None:
        print("Version %s of %s was already registered by this pipeline step; reusing it." % (mv.version, args.name))
    else:
        mv = mlflow.register_model(
            model_uri=args.source,
            name=args.name,
            tags=args.tags,
            await_registration_for=READY_TIMEOUT_SECONDS,
        )
    mv = wait_ready(client, args.name, mv.version)
    print("%s %s" % (RESULT_MARKER, json.dumps({"name": args.name, "version": str(mv.version)})), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
`;
