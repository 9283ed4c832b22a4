"""Races and crashes around decisions and award reports, reproduced the way they happened: real threads and a real
task worker process against PostgreSQL."""

import threading

import pytest
from django.db import connection

from accreditation.models import Assessment
from accreditation.services.assessments import assessment_start
from awards.models import Award
from awards.services import PanelSeat, decision_record
from tests.conftest import PANEL
from tests.factories import MembershipFactory, UserFactory

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent transactions and row locks need PostgreSQL"
)


def report_final_portfolio(administrator):
    """A portfolio of a service of its own whose review report is final (set directly: the review is not the point)."""
    lead = MembershipFactory(role="lead").user
    assessment = assessment_start(service=lead.memberships.get().service, by=lead)
    Assessment.objects.filter(pk=assessment.pk).update(status=Assessment.Status.REPORT_FINAL)
    return assessment


def award_at_once(assessments, administrator, today):
    """Each assessment decided Awarded in its own thread, all released at the same moment. Returns the errors."""
    start = threading.Barrier(len(assessments))
    errors = []

    def award(assessment):
        try:
            start.wait(timeout=10)
            decision_record(
                assessment=assessment,
                by=administrator,
                outcome="awarded",
                decided_on=today,
                rationale="Meets the standards.",
                override_reason="The panel read the evidence itself.",
                panel=[PanelSeat(*seat) for seat in PANEL],
            )
        except Exception as error:  # what a web worker would have turned into a 500
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=award, args=(assessment,)) for assessment in assessments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_services_awarded_at_the_same_moment_get_different_references(edition, settings):
    """30 attempts, each two decisions for different services at once: before, 16 of 30 ended in a 500 (duplicate
    reference; 27 of 30 when measured again). Every award now gets the next reference of its year, none twice."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    from django.utils import timezone

    administrator = UserFactory(is_administrator=True)
    today = timezone.localdate()
    attempts, collisions = 30, 0
    for _ in range(attempts):
        pair = [report_final_portfolio(administrator) for _ in range(2)]
        if award_at_once(pair, administrator, today):
            collisions += 1
    print(f"\nreference collisions: {collisions}/{attempts}")
    assert collisions == 0
    references = list(Award.objects.values_list("reference", flat=True))
    assert len(references) == 2 * attempts
    assert sorted(references) == [f"EE-{today.year}-{number:04d}" for number in range(1, 2 * attempts + 1)]
