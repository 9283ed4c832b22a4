"""Who may review what: conflicts of interest refuse assignment through every path."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from reviews.models import Assignment, Conflict
from reviews.services.assignments import Reply, assignment_create, assignment_remove, assignment_respond
from tests.dates import date_fields
from tests.factories import MembershipFactory, UserFactory
from workflow.models import AuditEvent

from .conftest import due

pytestmark = pytest.mark.django_db


def test_assigning_a_lead_starts_the_review_and_tells_the_reviewer(
    submitted, administrator, lead_reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assignment = assignment_create(
            assessment=submitted, reviewer=lead_reviewer, is_lead=True, due_on=due(), by=administrator
        )
    submitted.refresh_from_db()
    assert submitted.status == "in_review"
    assert assignment.status == "invited"
    assert [mail.to for mail in mailoutbox] == [[lead_reviewer.email]]
    assert reverse("reviews:assignment", args=[assignment.pk]) in mailoutbox[0].body
    assert AuditEvent.objects.filter(action="reviews.assignment.created").exists()
    assert AuditEvent.objects.filter(action="accreditation.assessment.review_started", to_state="in_review").exists()


def test_a_reviewer_from_the_same_organisation_is_refused(submitted, administrator, same_organisation_reviewer):
    with pytest.raises(ValidationError, match="in the same organisation"):
        assignment_create(
            assessment=submitted, reviewer=same_organisation_reviewer, is_lead=True, due_on=due(), by=administrator
        )
    assert not Assignment.objects.exists()


@pytest.mark.parametrize("target", ["organisation", "service"])
def test_a_declared_conflict_is_refused(submitted, administrator, lead_reviewer, target):
    service = submitted.service
    Conflict.objects.create(
        reviewer=lead_reviewer,
        reason="Worked there until last year.",
        **({"organisation": service.organisation} if target == "organisation" else {"service": service}),
    )
    with pytest.raises(ValidationError, match="Worked there until last year"):
        assignment_create(assessment=submitted, reviewer=lead_reviewer, is_lead=True, due_on=due(), by=administrator)


def test_someone_who_is_not_a_reviewer_is_refused(submitted, administrator):
    with pytest.raises(ValidationError, match="not an active peer reviewer"):
        assignment_create(assessment=submitted, reviewer=UserFactory(), is_lead=True, due_on=due(), by=administrator)


def test_the_same_reviewer_twice_and_two_leads_are_refused(in_review, administrator, lead_reviewer):
    with pytest.raises(ValidationError, match="already on this review team"):
        assignment_create(assessment=in_review, reviewer=lead_reviewer, is_lead=False, due_on=due(), by=administrator)
    with pytest.raises(ValidationError, match="already has a lead reviewer"):
        assignment_create(
            assessment=in_review, reviewer=UserFactory(is_reviewer=True), is_lead=True, due_on=due(), by=administrator
        )


def test_only_administrators_assign(submitted, lead_reviewer, team_lead):
    for person in (lead_reviewer, team_lead):
        with pytest.raises(PermissionDenied):
            assignment_create(assessment=submitted, reviewer=lead_reviewer, is_lead=True, due_on=due(), by=person)


def test_the_assign_form_refuses_a_same_organisation_reviewer_by_direct_post(
    client, submitted, administrator, same_organisation_reviewer
):
    client.force_login(administrator)
    response = client.post(
        reverse("reviews:assign", args=[submitted.pk]),
        {"reviewer": same_organisation_reviewer.pk, "is_lead": "on", **date_fields("due_on", due())},
        follow=True,
    )
    assert "Choose a reviewer from the list" in response.content.decode()
    assert not Assignment.objects.exists()


def test_the_review_page_explains_why_a_reviewer_cannot_be_chosen(
    client, submitted, administrator, same_organisation_reviewer, lead_reviewer
):
    client.force_login(administrator)
    page = client.get(reverse("reviews:review", args=[submitted.pk])).content.decode()
    assert f'<option value="{lead_reviewer.pk}">' in page
    assert f'<option value="{same_organisation_reviewer.pk}">' not in page
    assert "Nina Neighbour: on the team of" in page


def test_declaring_a_conflict_withdraws_the_reviewer_and_tells_the_administrator(
    submitted, administrator, lead_reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    assignment = assignment_create(
        assessment=submitted, reviewer=lead_reviewer, is_lead=True, due_on=due(), by=administrator
    )
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assignment_respond(assignment=assignment, by=lead_reviewer, reply=Reply.CONFLICT, note="My sister works there.")
    assignment.refresh_from_db()
    assert assignment.status == "withdrawn"
    assert Conflict.objects.filter(reviewer=lead_reviewer, service=submitted.service).exists()
    assert [mail.to for mail in mailoutbox] == [[administrator.email]]
    assert "My sister works there." in mailoutbox[0].body
    with pytest.raises(ValidationError):
        assignment_create(assessment=submitted, reviewer=lead_reviewer, is_lead=True, due_on=due(), by=administrator)


def test_a_conflict_needs_a_description(submitted, administrator, lead_reviewer):
    assignment = assignment_create(
        assessment=submitted, reviewer=lead_reviewer, is_lead=True, due_on=due(), by=administrator
    )
    with pytest.raises(ValidationError):
        assignment_respond(assignment=assignment, by=lead_reviewer, reply=Reply.CONFLICT, note="")


def test_a_reviewer_sees_no_portfolio_content_before_declaring(client, submitted, administrator, lead_reviewer):
    assignment = assignment_create(
        assessment=submitted, reviewer=lead_reviewer, is_lead=True, due_on=due(), by=administrator
    )
    client.force_login(lead_reviewer)
    response = client.get(reverse("reviews:score", args=[assignment.pk]))
    assert response["Location"] == reverse("reviews:assignment", args=[assignment.pk])
    narrative = submitted.responses.first().narrative
    page = client.get(reverse("reviews:assignment", args=[assignment.pk])).content.decode()
    assert narrative not in page
    evidence = submitted.responses.first().evidence.first()
    assert client.get(reverse("evidence:download", args=[evidence.pk])).status_code == 404
    client.post(reverse("reviews:assignment", args=[assignment.pk]), {"reply": "accept"})
    assert client.get(reverse("evidence:download", args=[evidence.pk])).status_code == 200
    assert client.get(reverse("evidence:detail", args=[evidence.pk])).status_code == 404


def test_a_reviewer_can_be_removed_and_replaced_and_history_kept(in_review, administrator, second_reviewer):
    assignment = in_review.assignments.get(reviewer=second_reviewer)
    with pytest.raises(ValidationError):
        assignment_remove(assignment=assignment, by=administrator, reason="")
    assignment_remove(assignment=assignment, by=administrator, reason="Off sick for a month.")
    replacement = UserFactory(is_reviewer=True)
    assignment_create(assessment=in_review, reviewer=replacement, is_lead=False, due_on=due(), by=administrator)
    statuses = dict(in_review.assignments.values_list("reviewer__full_name", "status"))
    assert statuses[second_reviewer.full_name] == "removed"
    assert statuses[replacement.full_name] == "invited"
    assert AuditEvent.objects.filter(action="reviews.assignment.removed", note="Off sick for a month.").exists()


def test_a_reviewer_who_joins_the_same_organisation_later_loses_access(client, in_review, lead_reviewer):
    client.force_login(lead_reviewer)
    url = reverse("reviews:review", args=[in_review.pk])
    assert client.get(url).status_code == 200
    MembershipFactory(user=lead_reviewer, service__organisation=in_review.service.organisation)
    assert client.get(url).status_code == 404
    assignment = in_review.assignments.get(reviewer=lead_reviewer)
    assert client.get(reverse("reviews:score", args=[assignment.pk])).status_code == 404


def test_a_double_click_on_accept_lands_on_the_scoring_page_with_a_friendly_word(
    client, submitted, administrator, lead_reviewer
):
    """It used to show a 403 page."""
    assignment = assignment_create(
        assessment=submitted, reviewer=lead_reviewer, is_lead=True, due_on=due(), by=administrator
    )
    client.force_login(lead_reviewer)
    url = reverse("reviews:assignment", args=[assignment.pk])
    first = client.post(url, {"reply": "accept"})
    assert first["Location"] == reverse("reviews:score", args=[assignment.pk])
    second = client.post(url, {"reply": "accept"}, follow=True)
    assert second.redirect_chain == [(reverse("reviews:score", args=[assignment.pk]), 302)]
    assert "You accepted this review on " in second.content.decode()
    assert AuditEvent.objects.filter(action="reviews.assignment.accepted").count() == 1


def test_a_double_click_on_decline_goes_home_saying_it_was_declined(client, submitted, administrator, lead_reviewer):
    assignment = assignment_create(
        assessment=submitted, reviewer=lead_reviewer, is_lead=True, due_on=due(), by=administrator
    )
    client.force_login(lead_reviewer)
    url = reverse("reviews:assignment", args=[assignment.pk])
    client.post(url, {"reply": "decline"})
    second = client.post(url, {"reply": "decline"}, follow=True)
    assert second.redirect_chain == [(reverse("home"), 302)]
    assert "You declined this review on " in second.content.decode()
    assert AuditEvent.objects.filter(action="reviews.assignment.declined").count() == 1


def test_the_service_refuses_a_second_answer_in_words_and_a_stranger_as_before(
    submitted, administrator, lead_reviewer, second_reviewer
):
    assignment = assignment_create(
        assessment=submitted, reviewer=lead_reviewer, is_lead=True, due_on=due(), by=administrator
    )
    assignment_respond(assignment=assignment, by=lead_reviewer, reply=Reply.ACCEPT)
    with pytest.raises(ValidationError, match=r"You have already answered this invitation\."):
        assignment_respond(assignment=assignment, by=lead_reviewer, reply=Reply.ACCEPT)
    with pytest.raises(PermissionDenied):
        assignment_respond(assignment=assignment, by=second_reviewer, reply=Reply.ACCEPT)
