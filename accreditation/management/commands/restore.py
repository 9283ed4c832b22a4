"""`manage.py restore ARCHIVE`: a backup put back into an empty database and storage, every hash checked first."""

import gzip
import json
import tarfile
import zlib
from collections import Counter
from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.core.files import File
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from ..archive import DATABASE_MEMBER, FORMAT, MANIFEST_MEMBER, FileRef, sha256_of


class Command(BaseCommand):
    help = (
        "Restore an archive written by `manage.py backup`: checks the SHA-256 of every member before writing anything, "
        "migrates the database, refuses one that already holds data (unless --into-non-empty), inserts every row "
        "keeping its id, writes the files to storage and reports what it restored."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="An archive written by `manage.py backup`.")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="The database to restore into.")
        parser.add_argument(
            "--into-non-empty",
            action="store_true",
            help="Restore even though the database already holds rows (a row with an id already taken stops the "
            "restore and nothing is written to the database).",
        )

    def handle(self, *, archive, database, into_non_empty, **options):
        if not Path(archive).is_file():
            raise CommandError(f"There is no archive at {archive}.")
        try:
            with tarfile.open(archive, "r:gz") as tar:
                manifest, inserted, written, present = self.restore(tar, database, into_non_empty)
        except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile) as error:
            raise CommandError(
                f"{archive} cannot be read as a backup archive ({error}); nothing was restored."
            ) from None
        for label, count in sorted(inserted.items()):
            self.stdout.write(f"  {label}: {count}")
        self.stdout.write(
            f"Restored {sum(inserted.values())} rows into {len(inserted)} tables, and {written} files "
            f"({present} were already in storage with the same SHA-256); every hash matched."
        )
        if manifest["missing"]:
            self.stderr.write(f"{len(manifest['missing'])} files were already missing when the backup was made.")

    def restore(self, tar: tarfile.TarFile, database: str, into_non_empty: bool) -> tuple[dict, Counter, int, int]:
        manifest = self.verified_manifest(tar)
        call_command("migrate", database=database, interactive=False, verbosity=0)
        counts = manifest["database"]["counts"]
        if not into_non_empty and (occupied := self.occupied(database, counts)):
            raise CommandError(
                f"The database already holds data ({len(occupied)} tables, e.g. {', '.join(occupied[:3])}). Restore "
                "into an empty database, or add --into-non-empty if you mean to add the archive's rows to it."
            )
        with transaction.atomic(using=database):
            inserted = self.insert_rows(tar, database)
            if dict(inserted) != counts:
                raise CommandError("The rows restored do not match the counts in the manifest; nothing was kept.")
            written, present = self.write_files(tar, manifest["files"])
        return manifest, inserted, written, present

    def verified_manifest(self, tar: tarfile.TarFile) -> dict:
        """The manifest, once every member has been read and matched its SHA-256 and nothing is missing or extra."""
        try:
            manifest = json.load(tar.extractfile(MANIFEST_MEMBER))
        except (KeyError, ValueError, AttributeError):
            raise CommandError("The archive has no readable manifest.json: it was not written by `backup`.") from None
        if manifest.get("format") != FORMAT:
            raise CommandError(f"The archive is in format {manifest.get('format')!r}; this version reads {FORMAT}.")
        expected = {entry["member"]: entry["sha256"] for entry in manifest["files"]}
        expected[manifest["database"]["member"]] = manifest["database"]["sha256"]
        seen = set()
        for member in tar:
            if member.name == MANIFEST_MEMBER:
                continue
            if member.name not in expected or not member.isfile():
                raise CommandError(f"The archive holds {member.name}, which its manifest does not list.")
            sha256, _ = sha256_of(tar.extractfile(member))
            if sha256 != expected[member.name]:
                raise CommandError(f"{member.name} does not match its SHA-256 in the manifest: the archive is damaged.")
            seen.add(member.name)
        if missing := sorted(set(expected) - seen):
            raise CommandError(f"The archive lacks {len(missing)} members its manifest lists, e.g. {missing[0]}.")
        return manifest

    def occupied(self, database: str, counts: dict) -> list[str]:
        return [label for label in counts if apps.get_model(label)._default_manager.using(database).exists()]

    def insert_rows(self, tar: tarfile.TarFile, database: str) -> Counter:
        """Every row with a plain INSERT keeping its id: nothing is updated, so the append-only audit table (and a
        trigger refusing UPDATE on it) takes its events back exactly as they were."""
        inserted = Counter()
        deferred = []
        stream = tar.extractfile(DATABASE_MEMBER)
        for row in serializers.deserialize("json", stream, using=database, handle_forward_references=True):
            row.save(using=database, force_insert=True)
            inserted[row.object._meta.label_lower] += 1
            if row.deferred_fields:
                deferred.append(row)
        for row in deferred:
            row.save_deferred_fields(using=database)
        connection = connections[database]
        if sql := connection.ops.sequence_reset_sql(no_style(), [apps.get_model(label) for label in inserted]):
            with connection.cursor() as cursor:
                for statement in sql:
                    cursor.execute(statement)
        return inserted

    def write_files(self, tar: tarfile.TarFile, entries: list[dict]) -> tuple[int, int]:
        """Each file under its old name. One already there with the same SHA-256 is left (a second run after an
        interrupted one); one with other content stops the restore: nothing is overwritten."""
        written = present = 0
        for entry in entries:
            ref = FileRef(entry["model"], entry["field"], entry["name"])
            storage = ref.storage()
            if storage.exists(ref.name):
                with storage.open(ref.name, "rb") as handle:
                    if sha256_of(handle)[0] != entry["sha256"]:
                        raise CommandError(f"Storage already holds a different {ref.name}; restore into empty storage.")
                present += 1
                continue
            saved = storage.save(ref.name, File(tar.extractfile(ref.member), name=ref.name))
            if saved != ref.name:
                storage.delete(saved)
                raise CommandError(f"Storage would not keep the name {ref.name} (it chose {saved}).")
            written += 1
        return written, present
