"""For load balancers and monitoring: is the process alive, and can it do its work? Plain JSON, no sign-in, and
nothing in it an outsider could use (no paths, hosts, versions or error texts)."""

import logging
import os
import socket
import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_tasks_db.models import DBTaskResult

from workflow.scheduler import heartbeat_age

logger = logging.getLogger(__name__)


@never_cache
@require_GET
def healthz(request):
    """Alive: the process answers. Touches nothing else, so a slow database never gets a healthy process killed."""
    return JsonResponse({"status": "ok"})


def _database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"ok": True}


def _storage() -> dict:
    """Writes, reads back and removes a tiny file where evidence goes: the only proof the storage takes uploads. It
    goes in the evidence folder so that one left by a process killed mid-probe is found by the storage check."""
    storage = storages["evidence"]
    name = storage.save(f"evidence/readyz-{uuid.uuid4().hex}.probe", ContentFile(b"ok"))
    try:
        with storage.open(name) as handle:
            ok = handle.read() == b"ok"
    finally:
        storage.delete(name)
    return {"ok": ok}


def _cache() -> dict:
    """A fresh value under this process's own key: overwritten on the next probe, so nothing needs deleting (one
    write fewer; on the database cache every write is a commit)."""
    key, value = f"readyz:{socket.gethostname()}:{os.getpid()}", uuid.uuid4().hex
    cache.set(key, value, timeout=60)
    return {"ok": cache.get(key) == value}


def _worker() -> dict:
    age = heartbeat_age()
    if age is None:
        return {"ok": False, "heartbeat_age_seconds": None}
    return {"ok": age <= settings.WORKER_STALE_SECONDS, "heartbeat_age_seconds": round(age, 1)}


def _queue() -> dict:
    """Tasks waiting to run now. Reported, not judged: a long queue is for a person to look at, not a reason to take
    a web process out of service."""
    return {"ok": True, "depth": DBTaskResult.objects.ready().count()}


CHECKS = {"database": _database, "storage": _storage, "cache": _cache, "worker": _worker, "queue": _queue}

# The last answer this process gave and when (time.monotonic()). The URL is public: a flood of probes is answered
# from here, and costs no file written to storage, no cache row and no query.
_last: tuple[float, dict, int] | None = None


@never_cache
@require_GET
def readyz(request):
    """Ready: 200 when every check passes, 503 naming those that failed. The checks run at most once every
    READYZ_REUSE_SECONDS in each process; in between, the last answer is given again."""
    global _last
    now = time.monotonic()
    if _last is None or now - _last[0] >= settings.READYZ_REUSE_SECONDS:
        _last = (now, *_run_checks())
    _, body, code = _last
    response = JsonResponse(body)
    response.status_code = code
    return response


def _run_checks() -> tuple[dict, int]:
    checks = {}
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            result = check()
        except Exception:
            # What went wrong goes to the log, never into the page: an exception's words can hold a path, a host
            # name or a password.
            logger.exception("The readiness check %r failed", name)
            result = {"ok": False}
        result["ms"] = round((time.perf_counter() - started) * 1000, 1)
        checks[name] = result
    failed = [name for name, result in checks.items() if not result["ok"]]
    return {"status": "failing" if failed else "ok", "failed": failed, "checks": checks}, 503 if failed else 200
