"""gunicorn's settings, read from the working directory: `gunicorn accreditation.wsgi`.

One sync worker per core (the cores this process may use). Pages are CPU-bound, so workers beyond the cores add
no capacity, only memory (the measurements are in README's Benchmark section; `make bench` with
`BENCH_ARGS="--workers N"` repeats them). Override with WEB_CONCURRENCY, as on most hosting platforms.
"""

import math
import os
from pathlib import Path


def usable_cores() -> int:
    """The cores this process may run on, within a container's CPU quota (cgroup v2) if it has one."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    try:
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text().split()
        if quota != "max":
            cores = min(cores, max(1, math.ceil(int(quota) / int(period))))
    except (OSError, ValueError):
        pass
    return cores


bind = os.environ.get("BIND") or "127.0.0.1:8000"
workers = int(os.environ.get("WEB_CONCURRENCY") or usable_cores())
worker_class = "sync"
timeout = 30
# Restart each worker now and then, so a slow leak in a library can never grow without bound.
max_requests = 5000
max_requests_jitter = 500
# Access lines come from the proxy in front; ACCESS_LOG=- writes them to standard output as well.
accesslog = os.environ.get("ACCESS_LOG") or None
