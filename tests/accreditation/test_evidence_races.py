"""Uploads at the same moment, and a web worker killed between writing the file and committing the row: real threads
and a real process against PostgreSQL (SQLite takes one writer at a time, so it cannot show these)."""

import threading

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
        except Exception as error:  # noqa: BLE001 - the test reports what a 500 would have been
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
        outcomes = at_once(2, lambda index: add(service, people[index], "minutes.txt", content, f"Copy {index}"))
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
            4, lambda index: add(service, team_member, "notes.txt", f"{attempt}-{index}".encode() + b"n" * 400)
        )
        assert not any(outcome.startswith("CRASH") for outcome in outcomes), outcomes
        used = sum(Evidence.objects.filter(service=service).values_list("size", flat=True))
        over += used > settings.EVIDENCE_MAX_SERVICE_BYTES
        refusals = [outcome for outcome in outcomes if outcome != "ok"]
        assert all("does not fit" in refusal for refusal in refusals), refusals
        Evidence.objects.filter(service=service).delete()
    print(f"quota exceeded in {over} of 5 rounds")
    assert over == 0
