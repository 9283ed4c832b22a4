"""`manage.py backup ARCHIVE`: the database and every evidence and report file, in one archive with their hashes."""

import os
import tarfile
import tempfile
from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

from ..archive import (
    DATABASE_MEMBER,
    FORMAT,
    MANIFEST_MEMBER,
    add_bytes,
    add_stream,
    dump_database,
    file_refs,
    manifest_json,
    sha256_of,
)


class Command(BaseCommand):
    help = (
        "Write the database and every evidence and report file to one archive (.tar.gz) with a manifest of SHA-256 "
        "hashes. The archive holds personal data and password hashes: keep it as safe as the database."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="Where to write the archive, e.g. backups/2026-11-23.tar.gz.")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="The database to back up.")

    def handle(self, *, archive, database, verbosity, **options):
        target = Path(archive)
        if target.exists():
            raise CommandError(f"{target} already exists; choose a new name so no backup is overwritten.")
        partial = target.with_name(f".{target.name}.partial")
        try:
            counts, files, missing = self.write(partial, database)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        os.replace(partial, target)
        self.stdout.write(
            f"Backed up {sum(counts.values())} rows from {len(counts)} tables and {len(files)} files "
            f"({sum(entry['size'] for entry in files)} bytes) to {target}."
        )
        for entry in missing:
            self.stderr.write(
                f"Missing from storage, not in the archive: {entry['name']} ({entry['model']}.{entry['field']})."
            )

    def write(self, partial: Path, database: str) -> tuple[Counter, list[dict], list[dict]]:
        connection = connections[database]
        # Inside a transaction already (a test, a caller's atomic block) the snapshot is whatever that one gives.
        snapshot = connection.vendor == "postgresql" and not connection.in_atomic_block
        with tempfile.TemporaryDirectory() as scratch, transaction.atomic(using=database):
            if snapshot:
                # Every table read from one snapshot, so rows written during the backup cannot break references.
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            dump = Path(scratch) / DATABASE_MEMBER
            with dump.open("w", encoding="utf-8") as stream:
                counts = dump_database(stream, database)
            with dump.open("rb") as handle:
                database_sha256, database_size = sha256_of(handle)
            files, missing = [], []
            with tarfile.open(partial, "w:gz") as tar:
                tar.add(dump, arcname=DATABASE_MEMBER)
                for ref in file_refs(database):
                    storage = ref.storage()
                    try:
                        size = storage.size(ref.name)
                        with storage.open(ref.name, "rb") as handle:
                            sha256, size = add_stream(tar, ref.member, handle, size)
                    except FileNotFoundError:
                        missing.append({"model": ref.model, "field": ref.field, "name": ref.name})
                        continue
                    files.append(
                        {
                            "member": ref.member,
                            "model": ref.model,
                            "field": ref.field,
                            "name": ref.name,
                            "sha256": sha256,
                            "size": size,
                        }
                    )
                manifest = {
                    "format": FORMAT,
                    "created_at": timezone.now().isoformat(),
                    "database": {
                        "member": DATABASE_MEMBER,
                        "sha256": database_sha256,
                        "size": database_size,
                        "counts": dict(sorted(counts.items())),
                    },
                    "files": files,
                    "missing": missing,
                }
                add_bytes(tar, MANIFEST_MEMBER, manifest_json(manifest))
        return counts, files, missing
