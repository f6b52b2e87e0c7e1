"""The official Databricks Python SDK waiting on one job run, for `npm run bench`.

Triggers `w.jobs.run_now(job_id=...)` and waits with `.result()`, exactly as a user of the SDK
would, against the local emulator (token auth from DATABRICKS_HOST/DATABRICKS_TOKEN in the
environment, never on the command line). Prints one JSON line: the run id, its result state and
the SDK version.

With --control URL the SDK's own clock is virtual: the `time` module its jobs waiter uses is
replaced by one whose sleep() asks the benchmark's control server to advance shared virtual
time (the emulator's clock) and whose time() returns that virtual time. The SDK's schedule
(min(attempt, 10) s + random.random() s between looks) runs unchanged; only the waiting is
instant.
"""

import argparse
import datetime
import json
import sys
import urllib.request

from databricks.sdk import WorkspaceClient
from databricks.sdk.service import jobs as jobs_service
import databricks.sdk.version


class VirtualTime:
    """Stands in for the `time` module inside databricks.sdk.service.jobs."""

    def __init__(self, control_url):
        self._control = control_url.rstrip("/")
        self._now_ms = self._call("/now")

    def _call(self, path):
        with urllib.request.urlopen(self._control + path, timeout=600) as response:
            return float(json.loads(response.read())["now_ms"])

    def time(self):
        return self._now_ms / 1000.0

    def sleep(self, seconds):
        self._now_ms = self._call(f"/sleep?ms={int(round(seconds * 1000))}")

    def __getattr__(self, name):
        import time

        return getattr(time, name)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--job-id", type=int, required=True)
    parser.add_argument("--timeout-s", type=float, default=3 * 3600)
    parser.add_argument("--control", default=None)
    args = parser.parse_args()
    if args.control:
        jobs_service.time = VirtualTime(args.control)
    w = WorkspaceClient(auth_type="pat")
    waiter = w.jobs.run_now(job_id=args.job_id)
    run = waiter.result(timeout=datetime.timedelta(seconds=args.timeout_s))
    print(
        json.dumps(
            {
                "run_id": run.run_id,
                "life_cycle_state": run.state.life_cycle_state.value if run.state else None,
                "result_state": run.state.result_state.value
                if run.state and run.state.result_state
                else None,
                "sdk_version": databricks.sdk.version.__version__,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
