"""`manage.py backup` and `manage.py restore`: one archive, every hash checked, and a restored site that works."""

import contextlib
import hashlib
import io
import json
import tarfile
import uuid

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections
from django.urls import reverse

from accreditation.models import Evidence
from awards.models import AwardReport
from workflow.models import AuditEvent

from ..files import pdf, upload


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@contextlib.contextmanager
def another_empty_database(tmp_path):
    """The app's "default" database swapped for a new, empty one (a second PostgreSQL database, or an SQLite file)
    until the block ends; the test's own database is left as it was."""
    original = connections["default"]
    settings_dict = {**original.settings_dict}
    maintenance = None
    if original.vendor == "postgresql":
        settings_dict["NAME"] = f"{original.settings_dict['NAME']}_restored_{uuid.uuid4().hex[:8]}"
        maintenance = original.__class__({**original.settings_dict, "NAME": "postgres"}, alias="maintenance")
        with maintenance.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{settings_dict["NAME"]}"')
    else:
        settings_dict["NAME"] = str(tmp_path / "restored.sqlite3")
    restored = original.__class__(settings_dict, alias="default")
    connections["default"] = restored
    try:
        yield
    finally:
        restored.close()
        connections["default"] = original
        if maintenance is not None:
            with maintenance.cursor() as cursor:
                cursor.execute(f'DROP DATABASE "{settings_dict["NAME"]}"')
            maintenance.close()


@pytest.fixture
def site(awarded, make_evidence, team_member):
    """A finished cycle (evidence files, an award with its PDF report) and one more upload."""
    make_evidence(title="Staff rota", upload=upload("minutes.pdf", pdf(b"<</Rota(" + b"x" * 5000 + b")>>")))
    return awarded


def read_archive(path) -> tuple[dict, dict[str, bytes]]:
    with tarfile.open(path, "r:gz") as tar:
        members = {member.name: tar.extractfile(member).read() for member in tar if member.isfile()}
    return json.loads(members["manifest.json"]), members


def test_a_backup_restored_into_an_empty_database_and_storage_serves_the_same_files(
    site, client, settings, tmp_path, team_member, make_evidence
):
    archive = tmp_path / "backup.tar.gz"
    out = io.StringIO()
    call_command("backup", str(archive), stdout=out)
    assert "Backed up" in out.getvalue()

    evidence = {e.pk: sha256(e.file.read()) for e in Evidence.objects.exclude(file="")}
    reports = {r.pk: sha256(r.file.read()) for r in AwardReport.objects.exclude(file="")}
    assert len(evidence) >= 2 and len(reports) == 1
    audit = list(AuditEvent.objects.order_by("pk").values_list("pk", "action", "created_at"))
    code = site.verification_code

    manifest, members = read_archive(archive)
    assert len(manifest["files"]) == len(evidence) + len(reports)
    for entry in manifest["files"]:
        assert sha256(members[entry["member"]]) == entry["sha256"]
    assert manifest["database"]["counts"]["workflow.auditevent"] == len(audit)

    settings.MEDIA_ROOT = tmp_path / "restored-media"
    with another_empty_database(tmp_path):
        out = io.StringIO()
        call_command("restore", str(archive), stdout=out)
        assert "every hash matched" in out.getvalue()
        assert f"workflow.auditevent: {len(audit)}" in out.getvalue()

        assert list(AuditEvent.objects.order_by("pk").values_list("pk", "action", "created_at")) == audit
        # The chain still verifies: it names kinds of object by name, not by this database's content type ids.
        verified = io.StringIO()
        call_command("audit_verify", stdout=verified)
        assert f"{len(audit)} events verified" in verified.getvalue()
        client.force_login(team_member)
        for pk, digest in evidence.items():
            response = client.get(reverse("evidence:download", args=[pk]))
            assert response.status_code == 200
            assert sha256(b"".join(response.streaming_content)) == digest
        for pk, digest in reports.items():
            assert sha256(AwardReport.objects.get(pk=pk).file.read()) == digest
        client.logout()
        response = client.get(reverse("public:verify", args=[code]))
        assert response.status_code == 200
        assert site.service.name in response.content.decode()
        # New rows carry on after the restored ones (the id sequences were moved on).
        added = make_evidence(title="After the restore", upload=upload("minutes.pdf", pdf(b"<</New(after)>>")))
        assert added.pk > max(evidence)

        with pytest.raises(CommandError, match="already holds data"):
            call_command("restore", str(archive), stdout=io.StringIO())


def test_a_damaged_archive_is_refused_before_anything_is_written(site, settings, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    manifest, members = read_archive(archive)
    victim = manifest["files"][0]["member"]
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(damaged, "w:gz") as tar:
        for name, data in members.items():
            data = data + b"tampered" if name == victim else data
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    settings.MEDIA_ROOT = tmp_path / "restored-media"
    with another_empty_database(tmp_path), pytest.raises(CommandError, match="does not match its SHA-256"):
        call_command("restore", str(damaged), stdout=io.StringIO())
    assert not (tmp_path / "restored-media").exists()


def test_something_that_is_not_an_archive_is_refused_in_words(tmp_path):
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not an archive")
    with pytest.raises(CommandError, match="cannot be read as a backup archive"):
        call_command("restore", str(junk))
    with pytest.raises(CommandError, match="There is no archive"):
        call_command("restore", str(tmp_path / "missing.tar.gz"))


def test_a_backup_never_overwrites_an_earlier_one(db, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    archive.write_bytes(b"last week's")
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", str(archive))
    assert archive.read_bytes() == b"last week's"


def test_a_file_missing_from_storage_is_reported_not_fatal(site, tmp_path):
    evidence = Evidence.objects.exclude(file="").first()
    evidence.file.storage.delete(evidence.file.name)
    err = io.StringIO()
    call_command("backup", str(tmp_path / "backup.tar.gz"), stdout=io.StringIO(), stderr=err)
    assert f"Missing from storage, not in the archive: {evidence.file.name}" in err.getvalue()
    manifest, _ = read_archive(tmp_path / "backup.tar.gz")
    assert [entry["name"] for entry in manifest["missing"]] == [evidence.file.name]
