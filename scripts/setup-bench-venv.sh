#!/usr/bin/env bash
# Installs the official Databricks Python SDK into a local virtualenv for `npm run bench`
# (the side-by-side waiting benchmark). Idempotent: a venv that already imports the pinned
# version is left alone. Prints the venv's python path as its last line.
#
#   BENCH_VENV            where the venv lives (default: .venv-bench/ in the repository root)
#   DATABRICKS_SDK_VERSION the version to install (default below; the bench reports it)
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${BENCH_VENV:-$repo_root/.venv-bench}"
version="${DATABRICKS_SDK_VERSION:-0.162.0}"
python="$venv/bin/python"

installed_version() {
  "$python" -c 'import importlib.metadata as m; print(m.version("databricks-sdk"))' 2>/dev/null || true
}

if [[ -x "$python" && "$(installed_version)" == "$version" ]]; then
  echo "$python"
  exit 0
fi

host_python="$(command -v python3 || true)"
if [[ -z "$host_python" ]]; then
  echo "setup-bench-venv: python3 is required (apt-get install python3 python3-venv)" >&2
  exit 1
fi

if [[ ! -x "$python" ]]; then
  echo "setup-bench-venv: creating $venv" >&2
  "$host_python" -m venv "$venv"
fi
echo "setup-bench-venv: installing databricks-sdk==$version" >&2
"$python" -m pip install --quiet --disable-pip-version-check "databricks-sdk==$version" >&2
echo "$python"
