"""The assessment workflow: start, save responses with optimistic locking, submit through the transition table."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accreditation.models import Assessment, Response
from accreditation.services.assessments import (
    ResponseConflict,
    assessment_start,
    response_save,
)
from standards.models import Edition
from tests.conftest import complete
from tests.factories import edition_with
from workflow.engine import transition
from workflow.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_starting_a_portfolio_creates_a_response_for_every_standard(assessment, edition, team_lead):
    assert assessment.edition == edition
    assert assessment.status == Assessment.Status.DRAFT
    assert assessment.due_on == assessment.service.portfolio_due_on
    assert assessment.responses.count() == edition.standards.count() == 20
    assert AuditEvent.objects.filter(action="accreditation.assessment.started", actor=team_lead).exists()


def test_a_service_has_one_open_portfolio_at_a_time(assessment, team_lead):
    with pytest.raises(ValidationError, match="already has an open portfolio"):
        assessment_start(service=assessment.service, by=team_lead)


def test_a_portfolio_keeps_its_edition_when_a_new_one_is_published(assessment, edition):
    newer = edition_with(standards_per_value=3)
    assert Edition.objects.filter(status="published").count() == 2
    assessment.refresh_from_db()
    assert assessment.edition == edition
    assert newer != edition


def test_only_the_team_lead_or_an_administrator_starts_a_portfolio(edition, service, team_member, administrator):
    with pytest.raises(PermissionDenied):
        assessment_start(service=service, by=team_member)
    assert assessment_start(service=service, by=administrator).service == service


def test_without_a_published_edition_a_portfolio_cannot_start(service, team_lead):
    with pytest.raises(ValidationError, match="No edition"):
        assessment_start(service=service, by=team_lead)


def test_saving_a_response_bumps_its_version_and_is_audited(assessment, team_member):
    response = assessment.responses.first()
    saved = response_save(
        response=response, rating="partly_met", narrative="Line one\r\nLine two", expected_version=0, by=team_member
    )
    assert (saved.rating, saved.narrative, saved.version, saved.updated_by) == (
        "partly_met",
        "Line one\nLine two",
        1,
        team_member,
    )
    event = AuditEvent.objects.get(action="accreditation.response.saved")
    assert (event.actor, event.from_state, event.to_state) == (team_member, "", "partly_met")


def test_a_save_based_on_an_old_version_is_refused_not_lost(assessment, team_member, team_lead):
    response = assessment.responses.first()
    response_save(response=response, rating="met", narrative="Lead's words", expected_version=0, by=team_lead)
    stale = Response.objects.get(pk=response.pk)
    with pytest.raises(ResponseConflict) as conflict:
        response_save(response=stale, rating="not_met", narrative="Member's words", expected_version=0, by=team_member)
    assert conflict.value.current.narrative == "Lead's words"
    assert conflict.value.current.updated_by == team_lead
    response.refresh_from_db()
    assert (response.narrative, response.version) == ("Lead's words", 1)


def test_a_narrative_over_the_limit_is_refused(assessment, team_member):
    response = assessment.responses.first()
    with pytest.raises(ValidationError):
        response_save(response=response, rating="met", narrative="x" * 10_001, expected_version=0, by=team_member)
    response.refresh_from_db()
    assert response.version == 0


def test_people_outside_the_team_cannot_save(assessment, other_member, administrator):
    response = assessment.responses.first()
    for person in (other_member, administrator):
        with pytest.raises(PermissionDenied):
            response_save(response=response, rating="met", narrative="x", expected_version=0, by=person)


def test_an_incomplete_portfolio_cannot_be_submitted_and_says_what_is_missing(assessment, team_lead, make_evidence):
    response = assessment.responses.select_related("standard", "assessment").first()
    response_save(response=response, rating="met", narrative="", expected_version=0, by=team_lead)
    with pytest.raises(ValidationError) as error:
        transition(assessment, to="submitted", by=team_lead)
    assert len(error.value.messages) == 20
    assert f"{response.standard.code}: narrative, evidence missing" in error.value.messages
    assessment.refresh_from_db()
    assert assessment.status == "draft"


def test_the_team_lead_submits_a_complete_portfolio(
    assessment, team_lead, administrator, mailoutbox, django_capture_on_commit_callbacks
):
    complete(assessment, team_lead)
    with django_capture_on_commit_callbacks(execute=True):
        transition(assessment, to="submitted", by=team_lead, note="Ready")
    assessment.refresh_from_db()
    assert assessment.status == "submitted"
    assert assessment.submitted_at is not None
    event = AuditEvent.objects.get(action="accreditation.assessment.submitted")
    assert (event.actor, event.from_state, event.to_state, event.note) == (team_lead, "draft", "submitted", "Ready")
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [administrator.email]
    assert f"/reviews/assessments/{assessment.pk}/" in mailoutbox[0].body


def test_a_team_member_who_is_not_the_lead_cannot_submit(assessment, team_lead, team_member):
    complete(assessment, team_lead)
    with pytest.raises(PermissionDenied):
        transition(assessment, to="submitted", by=team_member)


def test_a_submitted_portfolio_is_frozen(assessment, team_lead):
    complete(assessment, team_lead)
    transition(assessment, to="submitted", by=team_lead)
    response = assessment.responses.select_related("assessment").first()
    with pytest.raises(PermissionDenied):
        response_save(
            response=response, rating="not_met", narrative="x", expected_version=response.version, by=team_lead
        )
    with pytest.raises(ValidationError, match="cannot become submitted"):
        transition(assessment, to="submitted", by=team_lead)


def test_every_transition_in_the_table_names_an_audit_action_and_a_real_permission():
    import rules
    from django.utils.module_loading import import_string

    from workflow.engine import workflows

    assert {workflow.model.__name__ for workflow in workflows()} >= {
        "Assessment",
        "Assignment",
        "Award",
        "AwardReport",
        "Appeal",
        "Edition",
    }
    for workflow in workflows():
        states = {value for value, _ in workflow.model._meta.get_field(workflow.field).choices}
        for (start, end), move in workflow.transitions.items():
            assert {start, end} <= states, (workflow.model, start, end)
            assert start != end
            assert move.action.count(".") >= 2, move.action
            assert move.permission is None or rules.perm_exists(move.permission), move.permission
            for task_path in move.notify:
                assert callable(import_string(task_path).enqueue)
            if move.label:
                assert move.url_name and move.name, move
