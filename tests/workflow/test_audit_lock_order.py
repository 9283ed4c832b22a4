"""The audit trail's lock comes before any row lock: two ordinary writes that meet on the same rows wait for each
other instead of deadlocking (before: PostgreSQL aborted one of them, a 500 for that person). Real threads on
PostgreSQL; each audit write is slowed so the two transactions overlap the way they did when it happened."""

import threading
import time

import pytest
from django.db import connection

import awards.services
from accreditation.services import assessments
from accreditation.services.evidence import evidence_create
from tests.conftest import decide
from tests.files import upload
from workflow.audit import audit_log

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="deadlocks need PostgreSQL's row and advisory locks"),
    pytest.mark.django_db(transaction=True),
]


def run_together(first, second, started: threading.Event) -> dict[str, str]:
    """Run `first`, then `second` once `first` is inside its transaction; say how each ended."""
    outcomes: dict[str, str] = {}

    def run(name, action, wait):
        if wait:
            started.wait(10)
        try:
            action()
            outcomes[name] = "ok"
        except Exception as error:  # the outcome is the assertion
            outcomes[name] = f"{type(error).__name__}: {error}"
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=("first", first, False)),
        threading.Thread(target=run, args=("second", second, True)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return outcomes


def test_an_upload_linked_to_a_standard_while_a_colleague_saves_a_narrative(
    assessment, team_member, team_lead, monkeypatch
):
    """Before: the narrative locked the portfolio then waited for the trail; the upload held the trail (its audit
    event) and waited for the portfolio, to link the file: deadlock."""
    response = assessment.responses.select_related("standard").first()
    audited = threading.Event()

    def slow_audit(**event):
        audited.set()
        time.sleep(0.5)
        return audit_log(**event)

    monkeypatch.setattr(assessments, "audit_log", slow_audit)

    def narrative():
        assessments.response_save(
            response=response,
            rating="met",
            narrative="Our community meeting.",
            expected_version=response.version,
            by=team_lead,
        )

    def linked_upload():
        evidence_create(
            service=assessment.service,
            by=team_member,
            owner=team_member,
            no_personal_data=True,
            title="Minutes",
            upload=upload("notes.txt", b"Community meeting minutes\n"),
            link_to=response,
        )

    assert run_together(narrative, linked_upload, audited) == {"first": "ok", "second": "ok"}


def test_an_upload_while_the_portfolio_is_being_decided(
    report_final, administrator, team_member, monkeypatch, settings
):
    """Before: the decision held the trail and went on to rows of the service; the upload held the service's row
    (its storage quota) and waited for the trail: deadlock."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    issued = threading.Event()
    issue = awards.services.award_issue

    def slow_issue(**arguments):
        award = issue(**arguments)
        issued.set()
        time.sleep(0.5)
        return award

    monkeypatch.setattr(awards.services, "award_issue", slow_issue)

    def decision():
        decide(report_final, administrator, override_reason="The panel read the whole portfolio.")

    def another_upload():
        evidence_create(
            service=report_final.service,
            by=team_member,
            owner=team_member,
            no_personal_data=True,
            title="Rota",
            upload=upload("notes.txt", b"The staff rota for December\n"),
        )

    assert run_together(decision, another_upload, issued) == {"first": "ok", "second": "ok"}
