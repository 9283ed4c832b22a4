"""The migration that makes review rounds records, run on a database made before it: today's scores, review
submissions, score history and action points land on the right round, and going back restores the old shape."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from accreditation.models import Submission
from accreditation.services.assessments import assessment_start
from reviews.models import ActionPoint, Assignment, ReviewerScore, ReviewRound, ReviewSubmission, ScoreChange
from tests.factories import MembershipFactory, UserFactory

BEFORE = ("reviews", "0001_initial")


def migrate(targets):
    """Migrate to `targets` and return the models as they then are (every app at the migration it is at)."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    loader = MigrationLoader(connection)
    applied = set(loader.applied_migrations)
    leaves = [key for key in applied if not any(child.key in applied for child in loader.graph.node_map[key].children)]
    return loader.project_state(leaves).apps


def migrate_to_latest():
    executor = MigrationExecutor(connection)
    return migrate(executor.loader.graph.leaf_nodes())


@pytest.fixture
def before_rounds(submitted):
    """The database as it was before review rounds were records, with a reviewed and returned portfolio."""
    other_service_lead = MembershipFactory(role="lead").user
    unsubmitted = assessment_start(service=other_service_lead.memberships.get().service, by=other_service_lead)
    people = {name: UserFactory(is_reviewer=True, full_name=name) for name in ("Lead", "Other", "Gone")}
    administrator = UserFactory(is_administrator=True)
    t1 = timezone.now() - datetime.timedelta(days=10)
    t2 = t1 + datetime.timedelta(days=5)
    Submission.objects.filter(assessment=submitted, number=1).update(submitted_at=t1)
    Submission.objects.create(assessment=submitted, number=2, submitted_by=submitted.started_by, snapshot={})
    Submission.objects.filter(assessment=submitted, number=2).update(submitted_at=t2)
    try:
        apps = migrate([BEFORE])
        yield apps, submitted, unsubmitted, people, administrator, t1, t2
    finally:
        migrate_to_latest()


@pytest.mark.django_db(transaction=True)
def test_todays_data_lands_on_the_right_rounds_and_comes_back(before_rounds):
    apps, assessment, unsubmitted, people, administrator, t1, t2 = before_rounds
    OldAssignment = apps.get_model("reviews", "Assignment")
    OldScore = apps.get_model("reviews", "ReviewerScore")
    OldChange = apps.get_model("reviews", "ScoreChange")
    OldActionPoint = apps.get_model("reviews", "ActionPoint")
    OldAuditEvent = apps.get_model("workflow", "AuditEvent")
    hour = datetime.timedelta(hours=1)
    r1, r2 = assessment.responses.order_by("standard__value__order", "standard__order")[:2]

    def assignment(name, status, submitted_at=None, **fields):
        return OldAssignment.objects.create(
            assessment_id=assessment.pk,
            reviewer_id=people[name].pk,
            status=status,
            due_on=t2.date(),
            assigned_by_id=administrator.pk,
            review_submitted_at=submitted_at,
            **fields,
        )

    lead = assignment("Lead", "accepted", t2 + hour, is_lead=True)  # submitted round 2
    other = assignment("Other", "accepted")  # submitted round 1 only (the audit trail says so)
    gone = assignment("Gone", "removed", t1 + hour)  # submitted round 1, then removed
    stray = OldAssignment.objects.create(
        assessment_id=unsubmitted.pk,
        reviewer_id=people["Other"].pk,
        status="invited",
        due_on=t2.date(),
        assigned_by_id=administrator.pk,
    )

    def scored(assignment, response, now, comment, history):
        row = OldScore.objects.create(assignment=assignment, response_id=response.pk, score=now, comment=comment)
        for round_number, old, new in history:
            OldChange.objects.create(
                score=row, changed_by_id=assignment.reviewer_id, round_number=round_number, old_score=old, new_score=new
            )
        return row

    scored(lead, r1, "partly_met", "Partly, now.", [(1, "", "met"), (2, "met", "partly_met")])
    scored(lead, r2, "met", "Met throughout.", [(1, "", "met")])
    scored(other, r1, "met", "Other on r1.", [(1, "", "met")])
    scored(gone, r1, "not_met", "Gone on r1.", [(1, "", "not_met")])
    for submitter in (lead, other):
        OldAuditEvent.objects.create(
            created_at=t1 + 2 * hour,
            action="reviews.review.submitted",
            target_type_id=ContentType.objects.get_for_model(Assignment).pk,
            target_id=str(submitter.pk),
            target_repr="x",
            to_state="submitted",
            data={"round": 1},
        )
    for response in (None, r1):
        OldActionPoint.objects.create(
            assessment_id=assessment.pk,
            round_number=1,
            response_id=getattr(response, "pk", None),
            text="Do more.",
            created_by_id=people["Lead"].pk,
        )

    migrate_to_latest()

    # A round per submission, numbered alike; the portfolio that had reviewers but no submission got one.
    rounds = {r.number: r for r in ReviewRound.objects.filter(assessment=assessment).select_related("submission")}
    assert sorted(rounds) == [1, 2]
    assert [(n, r.submission.number, r.opened_at) for n, r in sorted(rounds.items())] == [(1, 1, t1), (2, 2, t2)]
    assert ReviewRound.objects.filter(assessment=unsubmitted, number=1, submission__number=1).exists()
    assert Assignment.objects.get(pk=stray.pk).assessment_id == unsubmitted.pk

    # Action points on the round they were written in.
    assert set(ActionPoint.objects.filter(assessment=assessment).values_list("round__number", flat=True)) == {1}

    # Today's rows are the current round's for reviewers on the team; the removed reviewer's stay in their round.
    def rows(assignment):
        return {
            (s.round.number, s.response_id): (s.score, s.comment)
            for s in ReviewerScore.objects.filter(assignment_id=assignment.pk).select_related("round")
        }

    assert rows(lead) == {
        (2, r1.pk): ("partly_met", "Partly, now."),
        (2, r2.pk): ("met", "Met throughout."),
        (1, r1.pk): ("met", ""),  # rebuilt from the score history; comments of earlier rounds were never kept
        (1, r2.pk): ("met", ""),
    }
    assert rows(other) == {(2, r1.pk): ("met", "Other on r1."), (1, r1.pk): ("met", "")}
    assert rows(gone) == {(1, r1.pk): ("not_met", "Gone on r1.")}
    # Each change points at the score of its own round.
    assert set(
        ScoreChange.objects.filter(score__assignment_id=lead.pk).values_list(
            "score__round__number", "score__response_id", "old_score", "new_score"
        )
    ) == {(1, r1.pk, "", "met"), (2, r1.pk, "met", "partly_met"), (1, r2.pk, "", "met")}

    # Review submissions on the round they were made in.
    assert set(ReviewSubmission.objects.values_list("assignment_id", "round__number")) == {
        (lead.pk, 1),
        (lead.pk, 2),
        (other.pk, 1),
        (gone.pk, 1),
    }
    assert ReviewSubmission.objects.get(assignment_id=lead.pk, round__number=2).submitted_at == t2 + hour
    assert ReviewSubmission.objects.filter(round__assessment=assessment).current().count() == 1

    # And back: one row per reviewer and standard, the latest, with each change's round kept.
    apps = migrate([BEFORE])
    OldScore = apps.get_model("reviews", "ReviewerScore")
    assert set(OldScore.objects.filter(assignment_id=lead.pk).values_list("response_id", "score", "comment")) == {
        (r1.pk, "partly_met", "Partly, now."),
        (r2.pk, "met", "Met throughout."),
    }
    assert set(
        apps.get_model("reviews", "ScoreChange")
        .objects.filter(score__assignment_id=lead.pk)
        .values_list("round_number", "new_score")
    ) == {(1, "met"), (2, "partly_met")}
    assert apps.get_model("reviews", "Assignment").objects.get(pk=lead.pk).review_submitted_at == t2 + hour
    assert apps.get_model("reviews", "Assignment").objects.get(pk=other.pk).review_submitted_at is None
    assert set(apps.get_model("reviews", "ActionPoint").objects.values_list("round_number", flat=True)) == {1}


BEFORE_COMMENT_ITEMS = ("reviews", "0005_current_round_flag")


@pytest.fixture
def before_comment_items(submitted):
    try:
        yield migrate([BEFORE_COMMENT_ITEMS]), submitted
    finally:
        migrate_to_latest()


@pytest.mark.django_db(transaction=True)
def test_the_teams_single_text_of_comments_becomes_one_comment_and_comes_back(before_comment_items):
    """Issue 13: comments became separate items; what a team wrote before is carried over, not lost."""
    apps, assessment = before_comment_items
    OldReport = apps.get_model("reviews", "ReviewReport")
    sent_at = timezone.now() - datetime.timedelta(days=3)
    team_lead_id = assessment.started_by_id
    OldReport.objects.create(
        assessment_id=assessment.pk,
        strengths="Warm.",
        released_at=sent_at - datetime.timedelta(days=2),
        team_comments="We have eight residents, not four.",
        team_commented_by_id=team_lead_id,
        team_commented_at=sent_at,
    )
    other = MembershipFactory(role="lead").user
    silent = assessment_start(service=other.memberships.get().service, by=other)
    OldReport.objects.create(assessment_id=silent.pk, team_comments="", team_commented_at=sent_at)

    apps = migrate_to_latest()
    Comment = apps.get_model("reviews", "ReportComment")
    assert list(Comment.objects.values_list("report__assessment_id", "about", "text", "by_id", "at", "answer")) == [
        (assessment.pk, "", "We have eight residents, not four.", team_lead_id, sent_at, "")
    ]
    Comment.objects.update(answer="accepted", answer_text="Corrected.")

    apps = migrate([BEFORE_COMMENT_ITEMS])
    texts = dict(apps.get_model("reviews", "ReviewReport").objects.values_list("assessment_id", "team_comments"))
    assert texts == {assessment.pk: "We have eight residents, not four.\n(Accepted: Corrected.)", silent.pk: ""}
