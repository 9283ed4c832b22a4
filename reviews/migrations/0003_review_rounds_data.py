"""Review rounds become records (2 of 3): today's data onto its rounds.

- Each submission of a portfolio opens a round, numbered like the submission.
- Action points go onto the round of their number.
- A score row is the reviewer's latest for that standard: it goes onto the latest round they scored in (the current
  round for a reviewer still on the team). Until now a new round overwrote the one before, so earlier rounds' scores
  are rebuilt from the score history, which kept every change with its round; the comments of those rounds were
  never kept, so they stay empty. Each change then points at the score of its own round.
- A review submission goes onto the round it was made in: from the audit trail, which names the round, and from
  `Assignment.review_submitted_at` (the submission of the round that was open at that moment).

Going back keeps each reviewer's latest score row per standard, as before.
"""

from collections import defaultdict

from django.db import migrations

ACTIVE = ("invited", "accepted")


def _fallback_submissions(apps, assessment_ids):
    """A round needs a submission. Review data always follows one, but an assessment that somehow has reviewers or
    action points without any gets an empty one rather than losing its scores."""
    Assessment = apps.get_model("accreditation", "Assessment")
    Submission = apps.get_model("accreditation", "Submission")
    Assignment = apps.get_model("reviews", "Assignment")
    ActionPoint = apps.get_model("reviews", "ActionPoint")
    for assessment in Assessment.objects.filter(pk__in=assessment_ids):
        first_assignment = Assignment.objects.filter(assessment=assessment).order_by("assigned_at", "pk").first()
        first_point = ActionPoint.objects.filter(assessment=assessment).order_by("pk").first()
        by = assessment.started_by_id or (
            first_assignment.assigned_by_id if first_assignment else first_point.created_by_id
        )
        submission = Submission.objects.create(assessment=assessment, number=1, submitted_by_id=by, snapshot={})
        Submission.objects.filter(pk=submission.pk).update(
            submitted_at=assessment.submitted_at or assessment.started_at
        )


def forwards(apps, schema_editor):
    Submission = apps.get_model("accreditation", "Submission")
    ReviewRound = apps.get_model("reviews", "ReviewRound")
    ReviewSubmission = apps.get_model("reviews", "ReviewSubmission")
    Assignment = apps.get_model("reviews", "Assignment")
    ReviewerScore = apps.get_model("reviews", "ReviewerScore")
    ScoreChange = apps.get_model("reviews", "ScoreChange")
    ActionPoint = apps.get_model("reviews", "ActionPoint")
    AuditEvent = apps.get_model("workflow", "AuditEvent")

    with_review = set(Assignment.objects.values_list("assessment_id", flat=True)) | set(
        ActionPoint.objects.values_list("assessment_id", flat=True)
    )
    _fallback_submissions(apps, with_review - set(Submission.objects.values_list("assessment_id", flat=True)))

    ReviewRound.objects.bulk_create(
        ReviewRound(
            assessment_id=submission.assessment_id,
            number=submission.number,
            submission_id=submission.pk,
            opened_at=submission.submitted_at,
        )
        for submission in Submission.objects.order_by("assessment_id", "number")
    )
    rounds = {}  # (assessment id, number) -> round
    opened = defaultdict(list)  # assessment id -> its rounds, in order
    for review_round in ReviewRound.objects.order_by("assessment_id", "number"):
        rounds[review_round.assessment_id, review_round.number] = review_round
        opened[review_round.assessment_id].append(review_round)

    def latest(assessment_id):
        return opened[assessment_id][-1]

    def open_at(assessment_id, moment):
        """The round that was open at that moment: the last one opened before it."""
        candidates = [r for r in opened[assessment_id] if r.opened_at <= moment]
        return candidates[-1] if candidates else opened[assessment_id][0]

    # Action points.
    points = list(ActionPoint.objects.all())
    for point in points:
        point.round = rounds.get((point.assessment_id, point.round_number)) or latest(point.assessment_id)
    ActionPoint.objects.bulk_update(points, ["round"], batch_size=1000)

    # Scores, and the rounds before the last one from their history.
    assignments = {assignment.pk: assignment for assignment in Assignment.objects.all()}
    history = defaultdict(list)  # score id -> [change], oldest first
    for change in ScoreChange.objects.order_by("changed_at", "id"):
        history[change.score_id].append(change)
    scores = list(ReviewerScore.objects.all())
    earlier_scores, moved_changes = [], []
    for score in scores:
        assignment = assignments[score.assignment_id]
        assessment_id = assignment.assessment_id
        numbers = [
            change.round_number for change in history[score.pk] if (assessment_id, change.round_number) in rounds
        ]
        if assignment.status in ACTIVE or not numbers:
            score.round = latest(assessment_id)
        else:
            score.round = rounds[assessment_id, max(numbers)]
        for number in range(min(numbers, default=score.round.number), score.round.number):
            if (assessment_id, number) not in rounds:
                continue
            changes = [change for change in history[score.pk] if (change.round_number or 0) <= number]
            earlier = ReviewerScore(
                assignment_id=score.assignment_id,
                response_id=score.response_id,
                round=rounds[assessment_id, number],
                score=changes[-1].new_score if changes else "",
            )
            earlier_scores.append(earlier)
            for change in history[score.pk]:
                if change.round_number == number:
                    change.score = earlier
                    moved_changes.append(change)
    ReviewerScore.objects.bulk_update(scores, ["round"], batch_size=1000)
    ReviewerScore.objects.bulk_create(earlier_scores, batch_size=1000)
    for change in moved_changes:
        change.score_id = change.score.pk
    ScoreChange.objects.bulk_update(moved_changes, ["score"], batch_size=1000)

    # Review submissions.
    submitted = {}  # (assignment id, round id) -> when
    for target_id, data, created_at in AuditEvent.objects.filter(action="reviews.review.submitted").values_list(
        "target_id", "data", "created_at"
    ):
        assignment = assignments.get(int(target_id)) if target_id.isdigit() else None
        if assignment is None or assignment.assessment_id not in opened:
            continue
        number = (data or {}).get("round")
        review_round = rounds.get((assignment.assessment_id, number)) or open_at(assignment.assessment_id, created_at)
        submitted[assignment.pk, review_round.pk] = created_at
    for assignment in assignments.values():
        if assignment.review_submitted_at is not None:
            review_round = open_at(assignment.assessment_id, assignment.review_submitted_at)
            submitted[assignment.pk, review_round.pk] = assignment.review_submitted_at
    ReviewSubmission.objects.bulk_create(
        ReviewSubmission(assignment_id=assignment_id, round_id=round_id, submitted_at=when)
        for (assignment_id, round_id), when in submitted.items()
    )


def backwards(apps, schema_editor):
    ReviewRound = apps.get_model("reviews", "ReviewRound")
    ReviewSubmission = apps.get_model("reviews", "ReviewSubmission")
    Assignment = apps.get_model("reviews", "Assignment")
    ReviewerScore = apps.get_model("reviews", "ReviewerScore")
    ScoreChange = apps.get_model("reviews", "ScoreChange")
    ActionPoint = apps.get_model("reviews", "ActionPoint")

    numbers = dict(ReviewRound.objects.values_list("pk", "number"))
    latest = {}
    for review_round in ReviewRound.objects.order_by("assessment_id", "number"):
        latest[review_round.assessment_id] = review_round.pk

    points = list(ActionPoint.objects.all())
    for point in points:
        point.round_number = numbers[point.round_id]
    ActionPoint.objects.bulk_update(points, ["round_number"], batch_size=1000)

    # One score row per reviewer and standard again: the latest round's; the history keeps every change's round.
    kept = {}  # (assignment id, response id) -> score id
    for score_id, assignment_id, response_id in ReviewerScore.objects.order_by("round__number").values_list(
        "pk", "assignment_id", "response_id"
    ):
        kept[assignment_id, response_id] = score_id
    changes = list(ScoreChange.objects.select_related("score"))
    for change in changes:
        change.round_number = numbers[change.score.round_id]
        change.score_id = kept[change.score.assignment_id, change.score.response_id]
    ScoreChange.objects.bulk_update(changes, ["round_number", "score"], batch_size=1000)
    ReviewerScore.objects.exclude(pk__in=kept.values()).delete()

    assignments = list(Assignment.objects.all())
    current = dict(
        ((assignment_id, round_id), when)
        for assignment_id, round_id, when in ReviewSubmission.objects.values_list(
            "assignment_id", "round_id", "submitted_at"
        )
    )
    for assignment in assignments:
        assignment.review_submitted_at = current.get((assignment.pk, latest.get(assignment.assessment_id)))
    Assignment.objects.bulk_update(assignments, ["review_submitted_at"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0002_review_rounds"),
        ("workflow", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
