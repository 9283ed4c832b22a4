"""A whole review, through the one transition service, with every state and audit event checked."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accreditation.models import Response, Submission
from accreditation.services.assessments import response_save
from reviews.models import ActionPoint, ConsensusScore, ReviewSubmission, ScoreChange
from reviews.services.report import (
    consensus_save,
    report_comment_answer,
    report_comments_send,
    report_save,
    visit_save,
)
from reviews.services.rounds import portfolio_return
from reviews.services.scoring import review_submit, scores_save
from workflow.engine import transition
from workflow.models import AuditEvent

from .conftest import due

pytestmark = pytest.mark.django_db


def score_all(assignment, by, score="met", exceptions=None):
    exceptions = exceptions or {}
    entries = {
        response.pk: (exceptions.get(response.standard.code, score), f"{by.full_name} on {response.standard.code}")
        for response in assignment.assessment.responses.select_related("standard")
    }
    scores_save(assignment=assignment, entries=entries, by=by)


def test_a_full_round_trip(
    client,
    in_review,
    team_lead,
    team_member,
    administrator,
    lead_reviewer,
    second_reviewer,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    assessment = in_review
    lead = assessment.assignments.get(reviewer=lead_reviewer)
    other = assessment.assignments.get(reviewer=second_reviewer)
    codes = list(
        assessment.responses.order_by("standard__value__order", "standard__order").values_list(
            "standard__code", flat=True
        )
    )

    # Round 1: both reviewers score, disagreeing on two standards, and submit.
    score_all(lead, lead_reviewer)
    score_all(other, second_reviewer, exceptions={codes[0]: "partly_met", codes[1]: "not_met"})
    review_submit(assignment=lead, by=lead_reviewer)
    review_submit(assignment=other, by=second_reviewer)

    # The lead returns the portfolio with action points, overall and for one standard.
    first = assessment.responses.select_related("standard").get(standard__code=codes[0])
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        portfolio_return(
            assessment=assessment,
            by=lead_reviewer,
            overall="Show more involvement of residents.",
            per_standard=[(first, "Add minutes.")],
        )
    assessment.refresh_from_db()
    assert assessment.status == "returned"
    assert sorted(mail.to[0] for mail in mailoutbox) == sorted([team_lead.email, team_member.email])
    assert ActionPoint.objects.filter(assessment=assessment, round__number=1).count() == 2

    # The team sees the action point beside the standard, edits and resubmits.
    client.force_login(team_member)
    page = client.get(reverse("portfolio:standard", args=[assessment.pk, codes[0]])).content.decode()
    assert "Add minutes." in page
    response = Response.objects.select_related("assessment", "standard").get(pk=first.pk)
    response_save(
        response=response,
        rating="partly_met",
        narrative="We now minute every meeting.",
        expected_version=response.version,
        by=team_member,
    )
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        transition(assessment, to="resubmitted", by=team_lead)
    assessment.refresh_from_db()
    assert assessment.status == "resubmitted"
    assert sorted(mail.to[0] for mail in mailoutbox) == sorted([lead_reviewer.email, second_reviewer.email])
    assert list(Submission.objects.filter(assessment=assessment).values_list("number", flat=True)) == [1, 2]
    assert not ReviewSubmission.objects.filter(assignment=lead).current().exists(), "a new round is submitted afresh"
    assert ReviewSubmission.objects.filter(assignment=lead, round__number=1).exists(), "round 1's submission stays"

    # Reviewers and administrators see what changed between rounds.
    client.force_login(lead_reviewer)
    page = client.get(reverse("reviews:rounds", args=[assessment.pk])).content.decode()
    assert "What changed from round 1 to round 2" in page
    assert "<ins>now minute every meeting.</ins>" in page or "now minute every meeting." in page

    # Round 2: the lead resumes, both re-score and submit.
    transition(assessment, to="in_review", by=lead_reviewer)
    score_all(lead, lead_reviewer, exceptions={codes[0]: "partly_met"})
    other.refresh_from_db()
    review_submit(assignment=lead, by=lead_reviewer)
    review_submit(assignment=other, by=second_reviewer)
    assert ScoreChange.objects.filter(
        score__assignment=lead, score__round__number=2, old_score="met", new_score="partly_met"
    ).exists()

    # Consensus: a reason is required where reviewers disagreed.
    entries = {response.pk: ("met", "") for response in assessment.responses.all()}
    with pytest.raises(ValidationError, match="give the reason"):
        consensus_save(assessment=assessment, entries=entries, by=lead_reviewer)
    disputed = assessment.responses.get(standard__code=codes[1])
    entries[disputed.pk] = ("partly_met", "Evidence shows it is patchy at weekends.")
    assert consensus_save(assessment=assessment, entries=entries, by=lead_reviewer) == len(codes)
    entries = {response.pk: ("met", "Agreed at the review meeting.") for response in assessment.responses.all()}
    consensus_save(assessment=assessment, entries=entries, by=lead_reviewer)
    assert ConsensusScore.objects.filter(response__assessment=assessment).count() == len(codes)

    # Not ready to release until the visit and report are in.
    with pytest.raises(ValidationError) as problems:
        transition(assessment, to="report_draft", by=lead_reviewer)
    assert "Record the award visit." in problems.value.messages
    visit_save(
        assessment=assessment,
        by=lead_reviewer,
        visited_on=due(),
        mode="in_person",
        met="4 residents, 2 staff",
        findings="Warm.",
    )
    report_save(
        assessment=assessment,
        by=lead_reviewer,
        strengths="Warm.",
        areas_for_development="Weekends.",
        action_points="Minute.",
    )
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        transition(assessment, to="report_draft", by=lead_reviewer)
    assessment.refresh_from_db()
    assert assessment.status == "report_draft"
    assert sorted(mail.to[0] for mail in mailoutbox) == sorted([team_lead.email, team_member.email])

    # The team reads the draft (consensus only) and the team lead comments.
    client.force_login(team_member)
    page = client.get(reverse("reviews:team_report", args=[assessment.pk])).content.decode()
    assert "Draft review report" in page and "Agreed at the review meeting." in page
    assert "Sam Second on" not in page, "individual reviewer comments never reach the team"
    with pytest.raises(PermissionDenied):
        report_comments_send(assessment=assessment, by=team_member, text="x")
    with pytest.raises(ValidationError):
        transition(assessment, to="report_final", by=lead_reviewer)
    report = report_comments_send(assessment=assessment, by=team_lead, text="We have eight residents, not four.")
    with pytest.raises(ValidationError, match="Answer each of the team's comments first"):
        transition(assessment, to="report_final", by=lead_reviewer)
    report_comment_answer(
        comment=report.comments.get(), by=lead_reviewer, answer="accepted", text="Corrected to eight residents."
    )

    # The lead finalises; administrators are told.
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        transition(assessment, to="report_final", by=lead_reviewer)
    assessment.refresh_from_db()
    assert assessment.status == "report_final"
    assert [mail.to for mail in mailoutbox] == [[administrator.email]]

    steps = list(
        AuditEvent.objects.filter(target_id=str(assessment.pk), action__startswith="accreditation.assessment.")
        .order_by("created_at", "id")
        .values_list("from_state", "to_state")
    )
    assert steps == [
        ("", "draft"),
        ("draft", "submitted"),
        ("submitted", "in_review"),
        ("in_review", "returned"),
        ("returned", "resubmitted"),
        ("resubmitted", "in_review"),
        ("in_review", "report_draft"),
        ("report_draft", "report_final"),
    ]
    for action in (
        "reviews.review.submitted",
        "reviews.consensus.saved",
        "reviews.visit.recorded",
        "reviews.report.team_commented",
        "reviews.report.comment_answered",
    ):
        assert AuditEvent.objects.filter(action=action).exists(), action


def test_returning_needs_an_overall_action_point_and_the_right_person(
    in_review, lead_reviewer, second_reviewer, team_lead
):
    with pytest.raises(ValidationError):
        portfolio_return(assessment=in_review, by=lead_reviewer, overall="  ", per_standard=[])
    for person in (second_reviewer, team_lead):
        with pytest.raises(PermissionDenied):
            portfolio_return(assessment=in_review, by=person, overall="Do more.", per_standard=[])


def test_a_review_cannot_be_submitted_with_standards_unscored(in_review, lead_reviewer):
    lead = in_review.assignments.get(reviewer=lead_reviewer)
    first = in_review.responses.first()
    scores_save(assignment=lead, entries={first.pk: ("met", "")}, by=lead_reviewer)
    with pytest.raises(ValidationError, match="Still to score"):
        review_submit(assignment=lead, by=lead_reviewer)


def test_scores_are_locked_once_submitted_for_the_round(in_review, lead_reviewer):
    lead = in_review.assignments.get(reviewer=lead_reviewer)
    score_all(lead, lead_reviewer)
    review_submit(assignment=lead, by=lead_reviewer)
    with pytest.raises(PermissionDenied):
        score_all(lead, lead_reviewer, score="not_met")


def test_an_administrator_can_return_and_resume(in_review, administrator, team_lead):
    portfolio_return(assessment=in_review, by=administrator, overall="Please add evidence.", per_standard=[])
    in_review.refresh_from_db()
    assert in_review.status == "returned"
    transition(in_review, to="resubmitted", by=team_lead)
    transition(in_review, to="in_review", by=administrator)


def test_no_email_about_a_return_once_work_has_moved_on(in_review, lead_reviewer, team_lead, mailoutbox):
    from reviews.tasks import notify_returned

    portfolio_return(assessment=in_review, by=lead_reviewer, overall="More.", per_standard=[])
    transition(in_review, to="resubmitted", by=team_lead)
    mailoutbox.clear()
    assert notify_returned.call(in_review.pk, "returned") == 0
    assert mailoutbox == []
