"""The one transition mechanism: the table, the permission, the guards, the audit event, notices on commit, the moves a
person may make, and (on PostgreSQL) two people making the same move at the same moment."""

import threading

import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import connection

from accreditation.models import Assessment
from standards.models import Edition
from tests.conftest import complete
from tests.factories import EditionFactory, UserFactory, edition_with
from workflow.engine import Transition, add, available_transitions, extend, problems_for, transition, workflow_for
from workflow.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_a_move_changes_the_state_sets_its_fields_and_writes_one_audit_event(administrator):
    edition = edition_with(standards_per_value=1, status=Edition.Status.DRAFT)
    moved = transition(edition, to="published", by=administrator, note="Board approved.")
    edition.refresh_from_db()
    assert moved.status == edition.status == "published"
    assert edition.published_on is not None
    event = AuditEvent.objects.get(action="standards.edition.published")
    assert (event.actor, event.from_state, event.to_state, event.note) == (
        administrator,
        "draft",
        "published",
        "Board approved.",
    )
    assert event.target_id == str(edition.pk)


def test_a_move_not_in_the_table_is_refused_in_words(assessment, team_lead):
    with pytest.raises(ValidationError) as error:
        transition(assessment, to="decided", by=team_lead)
    assert error.value.messages == ["This portfolio is draft; it cannot become decided."]
    assessment.refresh_from_db()
    assert assessment.status == "draft"
    assert not AuditEvent.objects.filter(action__startswith="accreditation.assessment.decided").exists()


def test_the_permission_is_checked_on_the_object(assessment, team_member, team_lead):
    complete(assessment, team_lead)
    with pytest.raises(PermissionDenied):
        transition(assessment, to="submitted", by=team_member)  # only the team lead submits
    outsider = UserFactory()
    with pytest.raises(PermissionDenied):
        transition(assessment, to="submitted", by=outsider)
    assert transition(assessment, to="submitted", by=team_lead).status == "submitted"


def test_guards_say_what_stands_in_the_way_and_nothing_changes(administrator):
    empty = EditionFactory(status=Edition.Status.DRAFT)
    with pytest.raises(ValidationError) as error:
        transition(empty, to="published", by=administrator)
    assert "The edition has no values." in error.value.messages
    assert "The edition has no award rule." in error.value.messages
    empty.refresh_from_db()
    assert empty.status == "draft"
    assert problems_for(empty, "published") == error.value.messages


def test_the_system_may_make_any_move_and_only_the_system_makes_the_moves_without_a_permission(administrator):
    from awards.models import AwardReport

    edition = edition_with(standards_per_value=1, status=Edition.Status.DRAFT)
    assert transition(edition, to="published", by=None).status == "published"  # a loader
    assert AuditEvent.objects.get(action="standards.edition.published").actor is None
    move = workflow_for(AwardReport).transitions[("queued", "generating")]
    assert move.permission is None  # the task worker's move: no person may make it


def test_no_person_makes_the_systems_moves(awarded, administrator):
    report = awarded.reports.get()
    type(report).objects.filter(pk=report.pk).update(status="queued")  # as if just requested
    report.refresh_from_db()
    with pytest.raises(PermissionDenied):
        transition(report, to="generating", by=administrator)
    report.refresh_from_db()
    assert report.status == "queued"


def test_the_permission_is_checked_before_the_guards(administrator, team_lead):
    """Someone who may not make the move is refused outright, never told what else stands in the way."""
    empty = EditionFactory(status=Edition.Status.DRAFT)
    with pytest.raises(PermissionDenied):
        transition(empty, to="published", by=team_lead)


def test_services_refuse_outsiders_before_reading_what_they_typed(awarded, team_lead):
    from awards.services import award_revoke, award_suspend

    for service in (award_suspend, award_revoke):
        with pytest.raises(PermissionDenied):
            service(award=awarded, by=team_lead, reason="")


def test_apps_keep_their_own_words_for_a_move_that_cannot_be_made(awarded, administrator):
    from awards.services import award_reinstate, award_revoke

    with pytest.raises(ValidationError, match=r"Only a suspended award can be reinstated\."):
        award_reinstate(award=awarded, by=administrator, reason="Fine again.")
    award_revoke(award=awarded, by=administrator, reason="Closed.")
    with pytest.raises(ValidationError, match=r"This award is already revoked\."):
        award_revoke(award=awarded, by=administrator, reason="Again.")


def test_the_state_changes_only_through_to(administrator):
    edition = edition_with(standards_per_value=1, status=Edition.Status.DRAFT)
    with pytest.raises(TypeError):
        transition(edition, to="published", by=administrator, fields={"status": "retired"})


def test_notices_go_out_only_once_the_move_is_committed(
    assessment, team_lead, administrator, mailoutbox, django_capture_on_commit_callbacks
):
    complete(assessment, team_lead)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        transition(assessment, to="submitted", by=team_lead)
    assert mailoutbox == [] and len(callbacks) == 1
    callbacks[0]()
    assert [message.to for message in mailoutbox] == [[administrator.email]]


def test_available_transitions_are_the_moves_this_person_may_make_now(assessment, team_lead, team_member):
    lead_moves = available_transitions(assessment, team_lead)
    assert [(move.name, move.label, move.method, move.url) for move in lead_moves] == [
        ("submit", "Submit the portfolio", "get", f"/portfolio/{assessment.pk}/submit/")
    ]
    assert available_transitions(assessment, team_member) == []
    assert available_transitions(assessment, UserFactory()) == []
    # Problems are worked out only when a page asks for them.
    assert lead_moves[0].problems and all("missing" in problem for problem in lead_moves[0].problems)
    complete(assessment, team_lead)
    assessment = transition(assessment, to="submitted", by=team_lead)
    assert available_transitions(assessment, team_lead) == []


def test_a_table_takes_each_move_once_and_extends_only_moves_it_has():
    with pytest.raises(ImproperlyConfigured):
        add(Assessment, Transition("draft", "submitted", action="x.y.z"))
    with pytest.raises(ImproperlyConfigured):
        extend(Assessment, "draft", "decided", on_enter=[lambda obj, by: None])


def test_a_higher_layer_adds_its_records_to_a_lower_layers_move():
    """reviews extends accreditation's resubmission with its round reset; accreditation's own record runs first."""
    move = workflow_for(Assessment).transitions[("returned", "resubmitted")]
    names = [record.__name__ for record in move.on_enter]
    assert names[0] == "submission_record" and len(names) >= 2
    assert "reviews.tasks.notify_resubmitted" in move.notify


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_people_making_the_same_move_at_once_make_it_once():
    administrator = UserFactory(is_administrator=True)
    other = UserFactory(is_administrator=True)
    edition = edition_with(standards_per_value=1, status=Edition.Status.DRAFT)
    start = threading.Barrier(2)
    results = []

    def publish(by):
        try:
            start.wait(timeout=10)
            transition(edition, to="published", by=by)
            results.append("moved")
        except ValidationError as error:
            results.append(error.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=publish, args=(person,)) for person in (administrator, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results)[1] == "moved"
    assert sorted(results)[0] == f"The {edition.code} edition is published; it cannot become published."
    assert AuditEvent.objects.filter(action="standards.edition.published").count() == 1
