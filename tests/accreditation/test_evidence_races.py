"""Uploads at the same moment, and a web worker killed between writing the file and committing the row: real threads
and a real process against PostgreSQL (SQLite takes one writer at a time, so it cannot show these)."""

import threading
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from accreditation.models import Evidence
from accreditation.services.evidence import evidence_create
from tests.files import upload

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def at_once(count: int, call) -> list[str]:
    """Run `call(index)` in `count` threads released together; each thread's refusal (or "ok")."""
    start = threading.Barrier(count)
    outcomes: list[str] = [""] * count

    def run(index: int) -> None:
        try:
            start.wait()
            call(index)
            outcomes[index] = "ok"
        except ValidationError as error:
            outcomes[index] = " ".join(error.messages)
        except Exception as error:
            outcomes[index] = f"CRASH {type(error).__name__}: {error}"
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def add(service, person, name, content, title="Minutes"):
    return evidence_create(
        service=service, by=person, owner=person, no_personal_data=True, title=title, upload=upload(name, content)
    )


def test_the_same_file_uploaded_twice_at_once_is_stored_once(service, team_member, team_lead):
    duplicates = 0
    for attempt in range(10):
        content = f"Minutes of meeting {attempt}\n".encode()
        people = [team_member, team_lead]
        outcomes = at_once(
            2,
            lambda index, people=people, content=content: add(
                service, people[index], "minutes.txt", content, f"Copy {index}"
            ),
        )
        assert not any(outcome.startswith("CRASH") for outcome in outcomes), outcomes
        stored = Evidence.objects.filter(service=service, title__startswith="Copy").count()
        duplicates += stored > 1
        if stored == 1:
            [refusal] = [outcome for outcome in outcomes if outcome != "ok"]
            assert "already in your library as “Copy" in refusal
        Evidence.objects.filter(service=service).delete()
    print(f"same file twice at once: stored twice in {duplicates} of 10")
    assert duplicates == 0


def test_the_service_quota_holds_when_uploads_arrive_together(service, team_member, settings):
    settings.EVIDENCE_MAX_SERVICE_BYTES = 1000
    over = 0
    for attempt in range(5):
        outcomes = at_once(
            4,
            lambda index, attempt=attempt: add(
                service, team_member, "notes.txt", f"{attempt}-{index}".encode() + b"n" * 400
            ),
        )
        assert not any(outcome.startswith("CRASH") for outcome in outcomes), outcomes
        used = sum(Evidence.objects.filter(service=service).values_list("size", flat=True))
        over += used > settings.EVIDENCE_MAX_SERVICE_BYTES
        refusals = [outcome for outcome in outcomes if outcome != "ok"]
        assert all("does not fit" in refusal for refusal in refusals), refusals
        Evidence.objects.filter(service=service).delete()
    print(f"quota exceeded in {over} of 5 rounds")
    assert over == 0


CHILD = """
import os, sys, time
import django

django.setup()
from django.conf import settings

settings.MEDIA_ROOT = sys.argv[1]
from accreditation.models import Service, User
from accreditation.services.evidence import library
from django.core.files.uploadedfile import SimpleUploadedFile


def stop_here(**kwargs):
    # The file is written and the row inserted, not committed: the moment a killed web worker leaves an orphan.
    open(sys.argv[2], "w").close()
    time.sleep(600)


library.audit_log = stop_here
person = User.objects.get(pk=int(sys.argv[4]))
library.evidence_create(
    service=Service.objects.get(pk=int(sys.argv[3])), by=person, owner=person, no_personal_data=True,
    title="Killed mid-upload", upload=SimpleUploadedFile("minutes.txt", b"Minutes of a meeting nobody saved.\\n"),
)
"""


def test_a_worker_killed_between_file_and_commit_leaves_an_orphan_the_check_quarantines(
    service, team_member, settings, tmp_path
):
    import os
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    from django.core.management import call_command

    database = connection.settings_dict
    ready = tmp_path / "written"
    environment = os.environ | {
        "DJANGO_SETTINGS_MODULE": "accreditation.settings.test",
        "DATABASE_URL": f"postgres://{database['USER']}:{database['PASSWORD'] or ''}@{database['HOST']}:"
        f"{database['PORT'] or 5432}/{database['NAME']}",
    }
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(settings.MEDIA_ROOT), str(ready), str(service.pk), str(team_member.pk)],
        env=environment,
        cwd=settings.BASE_DIR,
    )
    try:
        deadline = time.monotonic() + 60
        while not ready.exists():
            assert child.poll() is None, "the child process ended before it wrote the file"
            assert time.monotonic() < deadline, "the child process did not reach the commit"
            time.sleep(0.05)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    media = Path(settings.MEDIA_ROOT)
    [orphan] = [path for path in media.rglob("*") if path.is_file()]
    assert not Evidence.objects.exists(), "the row was never committed"

    call_command("storage_check", "--fix", "--min-age", "0")

    relative = orphan.relative_to(media)
    assert not orphan.exists()
    assert (media / "quarantine" / relative).read_bytes() == b"Minutes of a meeting nobody saved.\n"


def test_two_storage_checks_at_once_take_turns(service, team_member, settings):
    from awards.tasks import storage_check

    storage = Path(settings.MEDIA_ROOT) / "evidence" / str(service.pk)
    storage.mkdir(parents=True)
    for number in range(20):
        (storage / f"orphan{number}").write_bytes(b"x")
    results: list[dict] = []
    at_once(2, lambda index: results.append(storage_check.call(min_age_seconds=0)))
    moved = sum(result["quarantined"] for result in results)
    assert moved == 20
    assert len(list((Path(settings.MEDIA_ROOT) / "quarantine").rglob("orphan*"))) == 20
