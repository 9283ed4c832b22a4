"""The backup archive shared by `manage.py backup` and `manage.py restore`.

One gzipped tar file holding:
- `database.json`: every table that matters, as Django's dumpdata writes it (foreign keys to content types and users
  by natural key, so the archive loads into a database whose automatic rows were numbered differently);
- `files/<model>/<field>/<name>`: each file a row points to (evidence, award reports), read through its storage, so
  an object store works as well as a folder;
- `manifest.json`: the SHA-256 and size of every other member, the row counts, and what was missing at backup time.

Our own command over dumpdata, not django-dbbackup: it works the same on SQLite and PostgreSQL (no pg_dump binary of
the server's exact version on the machine), the archive moves between them, and restore can insert every row with a
plain INSERT keeping its id, which the append-only audit table requires.
"""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from dataclasses import dataclass
from typing import IO

from django.apps import apps
from django.db import models

FORMAT = 1
DATABASE_MEMBER = "database.json"
MANIFEST_MEMBER = "manifest.json"
# Left out: rows Django makes itself on migrate (content types, permissions), and state that is only true while the
# old site runs (sessions, sign-in lockouts and logs, queued tasks, worker heartbeats, scheduler slots).
EXCLUDED = [
    "contenttypes",
    "auth.permission",
    "sessions",
    "axes",
    "django_tasks_database",
    "workflow.workerheartbeat",
    "workflow.scheduledrun",
]
CHUNK = 1024 * 1024


@dataclass(frozen=True)
class FileRef:
    model: str  # app_label.model_name
    field: str
    name: str  # the name in the field's storage

    @property
    def member(self) -> str:
        return f"files/{self.model}/{self.field}/{self.name}"

    def storage(self):
        return apps.get_model(self.model)._meta.get_field(self.field).storage


def file_fields() -> list[tuple[type[models.Model], models.FileField]]:
    return [
        (model, field)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, models.FileField)
    ]


def file_refs(using: str) -> list[FileRef]:
    """Every stored file some row points to, once each."""
    refs = set()
    for model, field in file_fields():
        names = model._default_manager.using(using).exclude(**{field.name: ""}).values_list(field.name, flat=True)
        refs |= {FileRef(model._meta.label_lower, field.name, name) for name in names.iterator() if name}
    return sorted(refs, key=lambda ref: ref.member)


class HashingReader(io.RawIOBase):
    """Reads through to `source`, hashing what passes; tarfile reads exactly the size it was told."""

    def __init__(self, source: IO[bytes]):
        self.source = source
        self.digest = hashlib.sha256()
        self.size = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self.source.read(size)
        self.digest.update(data)
        self.size += len(data)
        return data


def sha256_of(handle: IO[bytes]) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    while chunk := handle.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    archive.addfile(info, io.BytesIO(data))


def add_stream(archive: tarfile.TarFile, name: str, handle: IO[bytes], size: int) -> tuple[str, int]:
    info = tarfile.TarInfo(name)
    info.size = size
    reader = HashingReader(handle)
    archive.addfile(info, reader)
    if reader.size != size:
        raise OSError(f"{name} changed size while it was being copied.")
    return reader.digest.hexdigest(), reader.size


def manifest_json(manifest: dict) -> bytes:
    return json.dumps(manifest, indent=2, sort_keys=True).encode()
