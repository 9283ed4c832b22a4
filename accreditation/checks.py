"""Deployment checks (`manage.py check --deploy`): what would make the site fail in production, said at start-up
rather than on the first upload or the first brute-force attempt."""

import tempfile
from pathlib import Path

from django.conf import settings
from django.core.checks import Tags, Warning, register
from django.core.files.storage import FileSystemStorage, storages

# Caches that live inside one process (or on one machine's disk): limits kept in them do not add up across processes.
LOCAL_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
    "django.core.cache.backends.filebased.FileBasedCache",
}


def _nearest_existing(path: Path) -> Path:
    """The folder itself, or the closest parent that exists (storage makes the missing ones on the first save)."""
    while not path.exists() and path.parent != path:
        path = path.parent
    return path


@register(Tags.files, deploy=True)
def check_evidence_storage_writable(app_configs=None, **kwargs) -> list[Warning]:
    storage = storages["evidence"]
    if not isinstance(storage, FileSystemStorage):
        return []  # an object store is checked by /readyz/, which writes to it
    try:
        # Trying is the only reliable test: permission bits say nothing about a read-only mount, or to root.
        with tempfile.TemporaryFile(dir=_nearest_existing(Path(storage.location))):
            return []
    except OSError:
        pass
    return [
        Warning(
            "Evidence and reports cannot be saved: the web server cannot write to the evidence folder.",
            hint="Set MEDIA_ROOT to a folder the server's user can write to (and back it up), or configure an "
            "S3-compatible storage.",
            id="accreditation.W001",
        )
    ]


@register(Tags.caches, deploy=True)
def check_shared_cache(app_configs=None, **kwargs) -> list[Warning]:
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend not in LOCAL_CACHES:
        return []
    return [
        Warning(
            "The cache is kept inside each process, so the certificate-check limit does not add up across "
            "processes or machines.",
            hint="Leave CACHES to the default (a table in the database), or set REDIS_URL to a Redis or Valkey server.",
            id="accreditation.W002",
        )
    ]
