"""A real task worker (`manage.py db_worker`) in a subprocess, on the test database, for tests that kill it."""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.db import connection

DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def worker_environment(media_root=None, **extra: str) -> dict:
    """The environment of a task worker subprocess on the test database (and `extra` settings from the environment)."""
    database = connection.settings_dict
    url = (
        f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/{database['NAME']}"
    )
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "accreditation.settings.dev",
        "DATABASE_URL": url,
        "LOG_LEVEL": "WARNING",
        **({"MEDIA_ROOT": str(media_root)} if media_root is not None else {}),
        **extra,
    }


def start_worker(media_root, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-startup-delay", "--no-reload", "--interval", "0.05", *extra],
        cwd=settings.BASE_DIR,
        env=worker_environment(media_root),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def run_worker_until_idle(media_root) -> None:
    """A worker that does every task waiting now, then stops."""
    worker = start_worker(media_root, "--batch")
    _, errors = worker.communicate(timeout=120)
    assert worker.returncode == 0, errors.decode()


def kill_when(worker: subprocess.Popen, condition, *, timeout: float = 60) -> None:
    """SIGKILL the worker the moment `condition()` holds (polled on the database), as a machine going down would."""
    deadline = time.monotonic() + timeout
    try:
        while not condition():
            assert worker.poll() is None, f"the worker stopped by itself: {worker.stderr.read().decode()}"
            assert time.monotonic() < deadline, "the worker never got there"
            time.sleep(0.005)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
