#!/usr/bin/env bash
# Idempotent: installs the real MLflow tracking server (pinned) into a virtualenv outside the
# clone, so CI runs on the same machine reuse it. Prints the path of the `mlflow` executable.
set -euo pipefail
MLFLOW_VERSION=${MLFLOW_VERSION:-3.17.2}
VENV=${DMP_MLFLOW_VENV:-$HOME/.cache/databricks-ml-pipe/mlflow-$MLFLOW_VERSION}
if ! "$VENV/bin/mlflow" --version 2>/dev/null | grep -q "$MLFLOW_VERSION"; then
  python3 -m venv "$VENV" >&2
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "mlflow==$MLFLOW_VERSION" >&2
fi
echo "$VENV/bin/mlflow"
