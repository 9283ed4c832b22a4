"""Review rounds are records: each (re)submission opens one, and what reviewers scored and submitted in a round, and
the action points it went back with, stay as they were when the next round starts."""

import pytest
from django.urls import reverse
from django.utils import timezone

from reviews.models import ActionPoint, ReviewerScore, ReviewRound, ReviewSubmission, ScoreChange
from reviews.selectors.assignments import assignments_for_reviewer
from reviews.services.assignments import assignment_remove
from reviews.services.report import (
    consensus_save,
    report_comments_send,
    report_release_problems,
    report_save,
    visit_save,
)
from reviews.services.rounds import portfolio_return
from reviews.services.scoring import review_submit, scores_save
from workflow.engine import transition

from .conftest import due

pytestmark = pytest.mark.django_db


def score(assignment, by, value, words, exceptions=None):
    exceptions = exceptions or {}
    entries = {
        response.pk: (exceptions.get(response.standard.code, value), f"{words} {response.standard.code}")
        for response in assignment.assessment.responses.select_related("standard")
    }
    scores_save(assignment=assignment, entries=entries, by=by)


@pytest.fixture
def round_two(in_review, lead_reviewer, second_reviewer, team_lead):
    """Round 1 scored and submitted by both reviewers, returned with action points, resubmitted and resumed."""
    lead = in_review.assignments.get(reviewer=lead_reviewer)
    other = in_review.assignments.get(reviewer=second_reviewer)
    score(lead, lead_reviewer, "met", "Round one, lead, on")
    score(other, second_reviewer, "partly_met", "Round one, second, on")
    review_submit(assignment=lead, by=lead_reviewer)
    review_submit(assignment=other, by=second_reviewer)
    bel = in_review.responses.select_related("standard").get(standard__code="BEL.1")
    portfolio_return(
        assessment=in_review,
        by=lead_reviewer,
        overall="Round one: involve residents.",
        per_standard=[(bel, "Minutes.")],
    )
    transition(in_review, to="resubmitted", by=team_lead)
    transition(in_review, to="in_review", by=lead_reviewer)
    in_review.refresh_from_db()
    return in_review


def test_each_submission_opens_a_round_with_its_submission(round_two):
    rounds = list(ReviewRound.objects.filter(assessment=round_two).select_related("submission").order_by("number"))
    assert [(r.number, r.submission.number) for r in rounds] == [(1, 1), (2, 2)]
    assert ActionPoint.objects.filter(round=rounds[0]).count() == 2
    assert not ActionPoint.objects.filter(round=rounds[1]).exists()
    assert [r.is_current for r in rounds] == [False, True]  # one current round: the latest


def test_a_new_round_starts_from_a_copy_and_the_earlier_round_stays(round_two, lead_reviewer):
    lead = round_two.assignments.get(reviewer=lead_reviewer)
    first, second = ReviewRound.objects.filter(assessment=round_two).order_by("number")
    n = round_two.responses.count()
    assert lead.scores.filter(round=first).count() == lead.scores.filter(round=second).count() == n
    assert set(lead.scores.filter(round=second).values_list("score", "comment")) == set(
        lead.scores.filter(round=first).values_list("score", "comment")
    )

    score(lead, lead_reviewer, "not_met", "Round two, lead, on")
    assert set(lead.scores.filter(round=first).values_list("score", flat=True)) == {"met"}
    assert set(lead.scores.filter(round=second).values_list("score", flat=True)) == {"not_met"}
    assert lead.scores.filter(round=first, comment__startswith="Round one").count() == n
    # Every change is the current round's, and starts from the copied score.
    changes = ScoreChange.objects.filter(score__assignment=lead, score__round=second)
    assert changes.count() == n and set(changes.values_list("old_score", "new_score")) == {("met", "not_met")}
    # The reviewer submits the new round on its own.
    assert ReviewSubmission.objects.filter(assignment=lead, round=first).exists()
    assert not ReviewSubmission.objects.filter(assignment=lead, round=second).exists()
    review_submit(assignment=lead, by=lead_reviewer)
    assert ReviewSubmission.objects.filter(assignment=lead, round=second).exists()


def test_a_removed_reviewer_does_not_carry_scores_into_the_next_round(
    in_review, administrator, lead_reviewer, second_reviewer, team_lead
):
    other = in_review.assignments.get(reviewer=second_reviewer)
    score(other, second_reviewer, "met", "Kept in round one:")
    assignment_remove(assignment=other, by=administrator, reason="Moved away.")
    portfolio_return(assessment=in_review, by=lead_reviewer, overall="More.", per_standard=[])
    transition(in_review, to="resubmitted", by=team_lead)
    assert other.scores.filter(round__number=1).count() == in_review.responses.count()
    assert not other.scores.filter(round__number=2).exists()


def test_the_pages_and_guards_read_the_current_round(client, round_two, lead_reviewer, second_reviewer):
    lead = round_two.assignments.get(reviewer=lead_reviewer)
    other = round_two.assignments.get(reviewer=second_reviewer)
    # Home page: round 1 was submitted, round 2 is not yet.
    mine = assignments_for_reviewer(user=lead_reviewer)
    assert [a.review_submitted_at for a in mine] == [None]
    assert mine[0].n_scored == round_two.responses.count(), "the copied scores count as scored"
    client.force_login(lead_reviewer)
    assert "your scores submitted" not in client.get(reverse("home")).content.decode()
    # Scoring is open again, and the others' scores are hidden again, until this round is submitted.
    client.force_login(lead_reviewer)
    page = client.get(reverse("reviews:score_value", args=[lead.pk, "BEL"])).content.decode()
    assert 'type="radio"' in page
    assert "Round one, second" not in page
    consensus = client.get(reverse("reviews:consensus", args=[round_two.pk]))
    assert consensus["Location"] == reverse("reviews:score", args=[lead.pk])
    # The release guard waits for both reviewers' round-2 scores.
    assert "Waiting for these reviewers to submit their scores: Lee Lead-Reviewer, Sam Second." in (
        report_release_problems(round_two)
    )
    score(lead, lead_reviewer, "not_met", "Round two, lead, on")
    review_submit(assignment=lead, by=lead_reviewer)
    review_submit(assignment=other, by=second_reviewer)
    assert not any("Waiting" in problem for problem in report_release_problems(round_two))
    # The consensus compares the round-2 scores: not_met against partly_met everywhere.
    page = client.get(reverse("reviews:consensus", args=[round_two.pk])).content.decode()
    assert page.count('consensus-standard disagreement"') == round_two.responses.count()
    assert "Round two, lead" in page and "Round one, lead" not in page


def test_the_rounds_page_keeps_every_rounds_scores(client, round_two, administrator, lead_reviewer, second_reviewer):
    lead = round_two.assignments.get(reviewer=lead_reviewer)
    score(lead, lead_reviewer, "not_met", "Round two, lead, on")
    client.force_login(administrator)
    page = client.get(reverse("reviews:rounds", args=[round_two.pk])).content.decode()
    first, second = page.index('id="round-1"'), page.index('id="round-2"')
    assert "Round one: involve residents." in page[first:second], "the action points under their round"
    assert "Round one, lead, on BEL.1" in page[first:second]
    assert "Round one, second, on BEL.1" in page[first:second]
    # Round 2's scores are still drafts: not even the administrator sees them, only who has not submitted (issue 13).
    assert "Round two, lead" not in page
    assert "have not submitted their scores for round 2" in page[second:]
    assert "What changed from round 1 to round 2" in page

    # A reviewer who has not yet submitted round 2 sees round 1 as they saw it then, and only their own round 2.
    client.force_login(second_reviewer)
    page = client.get(reverse("reviews:rounds", args=[round_two.pk])).content.decode()
    first, second = page.index('id="round-1"'), page.index('id="round-2"')
    assert "Round one, lead, on BEL.1" in page[first:second]
    assert "Round two, lead" not in page
    assert "Round one, second, on BEL.1" in page[second:], "their own copied scores"
    assert "once you have submitted your own" in page[second:]


def test_a_reviewer_who_never_submitted_sees_no_one_elses_scores_on_the_rounds_page(
    client, in_review, lead_reviewer, second_reviewer
):
    lead = in_review.assignments.get(reviewer=lead_reviewer)
    score(lead, lead_reviewer, "met", "Secret words on")
    review_submit(assignment=lead, by=lead_reviewer)
    client.force_login(second_reviewer)
    page = client.get(reverse("reviews:rounds", args=[in_review.pk])).content.decode()
    assert "Secret words on" not in page
    client.force_login(lead_reviewer)
    assert "Secret words on" in client.get(reverse("reviews:rounds", args=[in_review.pk])).content.decode()


def test_the_score_history_names_each_changes_round(client, round_two, administrator, lead_reviewer):
    lead = round_two.assignments.get(reviewer=lead_reviewer)
    bel = round_two.responses.get(standard__code="BEL.1")
    scores_save(assignment=lead, entries={bel.pk: ("partly_met", "Changed in round two.")}, by=lead_reviewer)
    client.force_login(administrator)
    page = client.get(reverse("reviews:history", args=[round_two.pk])).content.decode()
    newest = page.index("<tbody>")
    assert '<td data-label="Round">2</td><td data-label="Standard">BEL.1</td>' in page[newest:].replace("\n", "")
    assert '<td data-label="Round">1</td><td data-label="Standard">BEL.1</td>' in page[newest:].replace("\n", "")
    assert ReviewerScore.objects.filter(assignment=lead, response=bel).count() == 2


def test_the_award_report_shows_the_current_rounds_comments(
    round_two, administrator, lead_reviewer, second_reviewer, team_lead
):
    from awards.pdf import award_report_html
    from awards.services import PanelSeat, decision_record

    for assignment in round_two.assignments.select_related("reviewer"):
        score(assignment, assignment.reviewer, "met", f"Round two, {assignment.reviewer.full_name}, on")
        review_submit(assignment=assignment, by=assignment.reviewer)
    consensus_save(
        assessment=round_two, entries={r.pk: ("met", "") for r in round_two.responses.all()}, by=lead_reviewer
    )
    visit_save(assessment=round_two, by=lead_reviewer, visited_on=due(), mode="online", met="Staff", findings="Good.")
    report_save(assessment=round_two, by=lead_reviewer, strengths="a", areas_for_development="b", action_points="c")
    transition(round_two, to="report_draft", by=lead_reviewer)
    report_comments_send(assessment=round_two, by=team_lead)
    transition(round_two, to="report_final", by=lead_reviewer)
    decision_record(
        assessment=round_two,
        by=administrator,
        outcome="awarded",
        decided_on=timezone.localdate(),
        rationale="Meets the standards.",
        panel=[PanelSeat("Chris Chair", "chair"), PanelSeat("Lou Lived", "lived_experience")],
    )
    round_two.refresh_from_db()
    html = award_report_html(round_two.award)
    assert "Round two, Lee Lead-Reviewer, on BEL.1" in html
    assert "Round one" not in html
