"""The factual-accuracy step: the team's comments on the draft report, their deadline, the lead reviewer's corrections
and answers, and when the report may be finalised (issue 13).

The draft is released on 23 November 2026, so the team's comments are due by 7 December 2026 (14 days)."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from reviews.models import ReportComment, ReviewReport
from reviews.services.report import (
    consensus_save,
    report_comment_add,
    report_comment_answer,
    report_comments_send,
    report_save,
    visit_save,
)
from reviews.services.scoring import review_submit, scores_save
from workflow.engine import transition
from workflow.models import AuditEvent

pytestmark = pytest.mark.django_db

RELEASED = datetime.date(2026, 11, 23)
DUE = "7 December 2026"


def on(day: datetime.date):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(12)), tick=False)


def days_after_release(days: int):
    return on(RELEASED + datetime.timedelta(days=days))


@pytest.fixture
def released(in_review, lead_reviewer, team_lead):
    """Scored, agreed, visited and written; the draft went to the team on 23 November 2026."""
    with on(RELEASED):
        for assignment in in_review.assignments.select_related("reviewer"):
            entries = {response.pk: ("met", "Good.") for response in in_review.responses.all()}
            scores_save(assignment=assignment, entries=entries, by=assignment.reviewer)
            review_submit(assignment=assignment, by=assignment.reviewer)
        consensus_save(
            assessment=in_review, entries={r.pk: ("met", "") for r in in_review.responses.all()}, by=lead_reviewer
        )
        visit_save(
            assessment=in_review,
            by=lead_reviewer,
            visited_on=RELEASED - datetime.timedelta(days=3),
            mode="online",
            met="Four residents, two staff",
            findings="Good.",
        )
        report_save(
            assessment=in_review,
            by=lead_reviewer,
            strengths="Four residents run the house meeting.",
            areas_for_development="More.",
            action_points="Do.",
        )
        transition(in_review, to="report_draft", by=lead_reviewer)
    in_review.refresh_from_db()
    return in_review


def page(client, person, url) -> str:
    client.force_login(person)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def team_page(assessment):
    return reverse("reviews:team_report", args=[assessment.pk])


def lead_page(assessment):
    return reverse("reviews:report", args=[assessment.pk])


def send_one(assessment, team_lead, text="We have eight residents, not four."):
    return report_comments_send(assessment=assessment, by=team_lead, about="Strengths", text=text)


# The deadline ----------------------------------------------------------------------------------------------------


def test_the_team_and_the_lead_see_when_comments_are_due(client, released, team_lead, lead_reviewer):
    with days_after_release(0):
        assert f"Comments are due by <strong>{DUE}</strong> (in 14 days)." in page(
            client, team_lead, team_page(released)
        )
        assert f"Comments are due by <strong>{DUE}</strong> (in 14 days)." in page(
            client, lead_reviewer, lead_page(released)
        )
    with days_after_release(13):
        assert f"{DUE}</strong> (tomorrow)" in page(client, team_lead, team_page(released))


def test_the_team_is_e_mailed_the_deadline_with_the_draft(released, mailoutbox):
    from reviews.tasks import notify_report_released

    mailoutbox.clear()
    assert notify_report_released.call(released.pk, "report_draft") == 2
    assert f"by {DUE}. After that date the report can be finalised without them." in mailoutbox[0].body


def test_after_the_deadline_the_team_is_told_it_can_no_longer_comment(client, released, team_lead):
    with days_after_release(14):  # the last day
        assert "Send our comments" in page(client, team_lead, team_page(released))
    with days_after_release(15):
        text = page(client, team_lead, team_page(released))
        assert f"The deadline for comments was {DUE}, so comments can no longer be sent." in text
        assert "Send our comments" not in text and "Add this comment" not in text
        response = client.post(team_page(released), {"text": "Late.", "add": ""}, follow=True)
        assert response.status_code == 200, "told why, not refused blankly"
        assert f"The deadline for comments was {DUE}" in response.content.decode()
        with pytest.raises(ValidationError, match="deadline for comments was"):
            report_comments_send(assessment=released, by=team_lead)
    assert not ReportComment.objects.exists()


# The team's comments ---------------------------------------------------------------------------------------------


def test_the_team_lead_adds_several_comments_then_sends_them_at_once(
    client, released, team_lead, lead_reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    url = team_page(released)
    with days_after_release(2):
        client.force_login(team_lead)
        client.post(url, {"about": "Strengths", "text": "We have eight residents, not four.", "add": ""})
        client.post(url, {"about": "", "text": "The visit was in person.", "add": ""})
        text = page(client, team_lead, url)
        assert "Comment 1: about Strengths" in text and "Comment 2: about the report as a whole" in text
        assert "Add another comment" in text
        assert "We have eight residents" not in page(client, lead_reviewer, lead_page(released)), "not sent yet"

        client.force_login(team_lead)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, {"text": "", "confirm": "on", "send": ""}, follow=True)
        assert "Your comments have gone to the lead reviewer" in response.content.decode()

    report = ReviewReport.objects.get(assessment=released)
    assert report.team_commented_by == team_lead and report.team_commented_at is not None
    assert list(report.comments.values_list("about", "text")) == [
        ("Strengths", "We have eight residents, not four."),
        ("", "The visit was in person."),
    ]
    assert AuditEvent.objects.filter(action="reviews.report.comment_added").count() == 2
    assert AuditEvent.objects.get(action="reviews.report.team_commented").note == "2 comments sent."
    assert [mail.to for mail in mailoutbox] == [[lead_reviewer.email]]
    assert "They sent 2 factual-accuracy comments" in mailoutbox[0].body


def test_a_comment_typed_when_sending_goes_with_the_others(client, released, team_lead):
    with days_after_release(1):
        client.force_login(team_lead)
        client.post(team_page(released), {"text": "The house has a garden.", "confirm": "on", "send": ""})
    assert list(ReportComment.objects.values_list("text", flat=True)) == ["The house has a garden."]


def test_no_corrections_is_one_action(client, released, team_lead):
    with days_after_release(1):
        client.force_login(team_lead)
        response = client.post(team_page(released), {"text": "", "confirm": "on", "send": ""}, follow=True)
        assert "The lead reviewer knows there is nothing to correct" in response.content.decode()
        assert "No corrections." in response.content.decode()
    assert AuditEvent.objects.get(action="reviews.report.team_commented").note == "No corrections."
    assert not ReportComment.objects.exists()


def test_the_comment_form_says_what_to_do(client, released, team_lead):
    with days_after_release(1):
        client.force_login(team_lead)
        added = client.post(team_page(released), {"text": "  ", "add": ""}).content.decode()
        assert "There is a problem" in added
        assert "Enter your comment: what is wrong in the report, and what it should say." in added
        assert 'href="#id_text"' in added
        sent = client.post(team_page(released), {"text": "A point.", "send": ""}).content.decode()
        assert "Tick the box to confirm you have read the draft report with the team." in sent
        assert "A point." in sent, "what was typed is kept"
    assert not ReportComment.objects.exists()
    assert ReviewReport.objects.get(assessment=released).team_commented_at is None


def test_a_comment_can_be_removed_until_the_comments_are_sent(client, released, team_lead):
    with days_after_release(1):
        comment = report_comment_add(assessment=released, by=team_lead, about="", text="Wrong.")
        client.force_login(team_lead)
        client.post(team_page(released), {"remove": comment.pk})
        assert not ReportComment.objects.exists()
        assert AuditEvent.objects.filter(action="reviews.report.comment_removed").exists()
        send_one(released, team_lead)
        sent = ReportComment.objects.get()
        client.post(team_page(released), {"remove": sent.pk})
    assert ReportComment.objects.filter(pk=sent.pk).exists(), "sent comments stay"


def test_once_sent_the_comments_cannot_change(client, released, team_lead):
    with days_after_release(1):
        send_one(released, team_lead)
        with pytest.raises(ValidationError, match="cannot be changed now"):
            report_comment_add(assessment=released, by=team_lead, about="", text="One more.")
        text = page(client, team_lead, team_page(released))
    assert "Add this comment" not in text and "Remove comment" not in text
    assert "Sent to the lead reviewer by" in text and "Not answered yet." in text


def test_only_the_team_lead_comments(client, released, team_member, lead_reviewer):
    with days_after_release(1):
        for person in (team_member,):
            with pytest.raises(PermissionDenied):
                report_comment_add(assessment=released, by=person, about="", text="x")
            assert "Add this comment" not in page(client, person, team_page(released))
            assert client.post(team_page(released), {"text": "x", "add": ""}).status_code == 403
        with pytest.raises(PermissionDenied):
            report_comments_send(assessment=released, by=lead_reviewer)


# The lead reviewer's corrections and answers ---------------------------------------------------------------------


def test_the_lead_corrects_the_report_while_the_draft_is_with_the_team(
    client, released, lead_reviewer, team_lead, team_member
):
    """Failed before: the report was locked once released (403), so a comment could never lead to a correction."""
    with days_after_release(3):
        send_one(released, team_lead)
        assert "Save the report" in page(client, lead_reviewer, lead_page(released))
        response = client.post(
            lead_page(released),
            {
                "strengths": "Eight residents run the house meeting.",
                "areas_for_development": "More.",
                "action_points": "Do.",
            },
        )
        assert response.status_code == 302
        assert "Eight residents run the house meeting." in page(client, team_member, team_page(released))
    assert AuditEvent.objects.filter(action="reviews.report.updated", actor=lead_reviewer).exists()


def test_the_lead_corrects_the_consensus_while_the_draft_is_with_the_team(client, released, lead_reviewer, team_lead):
    """Failed before: the consensus was locked once the draft was released."""
    first = released.responses.order_by("standard__value__order", "standard__order").first()
    with days_after_release(3):
        consensus_save(assessment=released, entries={first.pk: ("partly_met", "Corrected.")}, by=lead_reviewer)
        assert 'name="consensus-' in page(client, lead_reviewer, reverse("reviews:consensus", args=[released.pk]))
    first.consensus.refresh_from_db()
    assert first.consensus.score == "partly_met"
    with pytest.raises(PermissionDenied):  # another reviewer still may not
        consensus_save(assessment=released, entries={first.pk: ("met", "")}, by=released.assignments.last().reviewer)


def test_the_lead_answers_each_comment_and_the_team_sees_the_answers(client, released, lead_reviewer, team_lead):
    with days_after_release(3):
        send_one(released, team_lead)
        comment = ReportComment.objects.get()
        url = lead_page(released)
        text = page(client, lead_reviewer, url)
        assert "We have eight residents, not four." in text and "Save your answer to comment 1" in text
        prefix = f"comment-{comment.pk}"
        for data, problem in (
            ({}, "Choose whether you accept the comment"),
            ({f"{prefix}-answer": "not_accepted"}, "Give the reason you do not accept the comment"),
            ({f"{prefix}-answer": "accepted"}, "Say what you corrected in the report or the consensus"),
        ):
            answered = client.post(url, {"comment": comment.pk, **data}).content.decode()
            assert "There is a problem" in answered and problem in answered, problem
        response = client.post(
            url,
            {
                "comment": comment.pk,
                f"{prefix}-answer": "accepted",
                f"{prefix}-answer_text": "Strengths now say eight.",
            },
        )
        assert response.status_code == 302
        team_text = page(client, team_lead, team_page(released))
    assert "Accepted: the report is corrected" in team_text and "Strengths now say eight." in team_text
    event = AuditEvent.objects.get(action="reviews.report.comment_answered")
    assert event.actor == lead_reviewer and event.note == "Accepted: the report is corrected: Strengths now say eight."


def test_only_the_lead_answers_and_only_sent_comments(client, released, lead_reviewer, second_reviewer, team_lead):
    with days_after_release(3):
        unsent = report_comment_add(assessment=released, by=team_lead, about="", text="Wrong.")
        with pytest.raises(PermissionDenied):
            report_comment_answer(comment=unsent, by=lead_reviewer, answer="accepted", text="Done.")
        report_comments_send(assessment=released, by=team_lead)
        for person in (second_reviewer, team_lead):
            with pytest.raises(PermissionDenied):
                report_comment_answer(comment=unsent, by=person, answer="accepted", text="Done.")
        text = page(client, second_reviewer, lead_page(released))
        assert "Wrong." in text and "Save your answer" not in text
        assert client.post(lead_page(released), {"comment": unsent.pk}).status_code == 403


# Finalising ------------------------------------------------------------------------------------------------------


def test_finalising_waits_for_every_answer(client, released, lead_reviewer, team_lead):
    """Failed before: the report could be finalised as soon as the team had said anything, answered or not."""
    with days_after_release(3):
        send_one(released, team_lead)
        text = page(client, lead_reviewer, lead_page(released))
        assert "Answer each of the team&#x27;s comments first: 1 still needs an answer" in text
        assert "Finalise the report</button>" not in text
        with pytest.raises(ValidationError, match="Answer each of the team's comments first"):
            transition(released, to="report_final", by=lead_reviewer)
        report_comment_answer(
            comment=ReportComment.objects.get(), by=lead_reviewer, answer="not_accepted", text="The visit saw four."
        )
        transition(released, to="report_final", by=lead_reviewer)
    event = AuditEvent.objects.get(action="accreditation.assessment.report_finalised")
    assert event.note == ""


def test_without_comments_the_lead_waits_for_the_deadline_then_may_finalise(client, released, lead_reviewer):
    """Failed before: a team that never commented blocked finalising for ever."""
    with days_after_release(14):
        text = page(client, lead_reviewer, lead_page(released))
        assert f"The team has until {DUE} to comment." in text
        with pytest.raises(ValidationError, match=f"The team has until {DUE} to comment"):
            transition(released, to="report_final", by=lead_reviewer)
    with days_after_release(15):
        text = page(client, lead_reviewer, lead_page(released))
        assert f"The team's comments were due by {DUE} (yesterday) and none came" in text
        finalise = reverse("reviews:finalise", args=[released.pk])
        assert f'href="{finalise}"' in text
        client.post(finalise, {"confirmed": "yes"})
    released.refresh_from_db()
    assert released.status == "report_final"
    event = AuditEvent.objects.get(action="accreditation.assessment.report_finalised")
    assert event.note == f"Finalised after the comments deadline ({DUE}) without comments from the team."


def test_no_corrections_lets_the_lead_finalise_at_once(released, lead_reviewer, team_lead):
    with days_after_release(1):
        report_comments_send(assessment=released, by=team_lead)
        transition(released, to="report_final", by=lead_reviewer)
    assert AuditEvent.objects.get(action="accreditation.assessment.report_finalised").note == ""


def test_after_finalising_nothing_changes_and_everyone_reads_the_answers(
    client, released, lead_reviewer, team_lead, team_member
):
    with days_after_release(3):
        send_one(released, team_lead)
        report_comment_answer(
            comment=ReportComment.objects.get(), by=lead_reviewer, answer="accepted", text="Now eight."
        )
        transition(released, to="report_final", by=lead_reviewer)
        lead_text = page(client, lead_reviewer, lead_page(released))
        assert "Now eight." in lead_text and "Save your answer" not in lead_text and "Save the report" not in lead_text
        assert "Now eight." in page(client, team_member, team_page(released))
        with pytest.raises(PermissionDenied):
            report_save(
                assessment=released, by=lead_reviewer, strengths="x", areas_for_development="y", action_points="z"
            )
