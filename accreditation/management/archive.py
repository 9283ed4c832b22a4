"""The backup archive shared by `manage.py backup` and `manage.py restore`.

One gzipped tar file holding:
- `database.json`: every table that matters, in Django's JSON serialisation (foreign keys to content types and users
  by natural key, so the archive loads into a database whose automatic rows were numbered differently; times to the
  microsecond, where dumpdata would cut them to milliseconds and change what the audit trail recorded);
- `files/<model>/<field>/<name>`: each file a row points to (evidence, award reports), read through its storage, so
  an object store works as well as a folder;
- `manifest.json`: the SHA-256 and size of every other member, the row counts, and what was missing at backup time.

Our own command over dumpdata, not django-dbbackup: it works the same on SQLite and PostgreSQL (no pg_dump binary of
the server's exact version on the machine), the archive moves between them, and restore can insert every row with a
plain INSERT keeping its id, which the append-only audit table requires.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import tarfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from django.apps import apps
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, router

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


class PreciseEncoder(DjangoJSONEncoder):
    """Django's encoder, but keeping microseconds: a restored row must equal the one backed up."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def backed_up_models() -> list[type[models.Model]]:
    """The models the archive holds, each after those its natural keys refer to (as dumpdata orders them)."""
    excluded_apps = {label for label in EXCLUDED if "." not in label}
    excluded_models = {label for label in EXCLUDED if "." in label}
    app_list = {config: None for config in apps.get_app_configs() if config.label not in excluded_apps}
    return [
        model
        for model in serializers.sort_dependencies(app_list.items(), allow_cycles=True)
        if model._meta.label_lower not in excluded_models and not model._meta.proxy and model._meta.managed
    ]


def dump_database(stream: IO[str], using: str) -> Counter:
    """Every row of every backed-up model, as JSON, into `stream`; returns how many rows of each model."""
    counts: Counter = Counter()

    def rows() -> Iterator[models.Model]:
        for model in backed_up_models():
            if not router.allow_migrate_model(using, model):
                continue
            for row in model._base_manager.using(using).order_by(model._meta.pk.name).iterator():
                counts[model._meta.label_lower] += 1
                yield row

    serializers.serialize("json", rows(), stream=stream, use_natural_foreign_keys=True, cls=PreciseEncoder)
    return counts


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
