"""The review's part of the assessment's lifecycle (review, return, resubmission, the report) and the reviewer's
assignment lifecycle. Registered from `ReviewsConfig.ready()`: the assessment's table is defined by accreditation,
which knows nothing of reviews, so the review adds its moves and its guards here."""

from accreditation.models import Assessment
from workflow.engine import Transition, add, define, extend

from .models import Assignment
from .services.assignments import conflict_record, review_team_problems
from .services.report import (
    report_finalise_note,
    report_finalise_problems,
    report_release_problems,
    report_stamp_finalised,
    report_stamp_released,
)
from .services.rounds import return_problems, round_open

S = Assessment.Status
A = Assignment.Status


def _assignment_url(assignment: Assignment, move: Transition) -> dict:
    if move.name == "remove":
        return {"pk": assignment.assessment_id, "assignment_id": assignment.pk}
    return {"pk": assignment.pk}


def register() -> None:
    # Each (re)submission opens a round of the review; accreditation's own record of what was sent comes first.
    extend(Assessment, S.DRAFT, S.SUBMITTED, on_enter=(round_open,))
    extend(
        Assessment,
        S.RETURNED,
        S.RESUBMITTED,
        on_enter=(round_open,),
        notify=("reviews.tasks.notify_resubmitted",),
    )
    add(
        Assessment,
        # The review starts when the administrator names a lead reviewer (see `assignment_create`).
        Transition(
            S.SUBMITTED,
            S.IN_REVIEW,
            action="accreditation.assessment.review_started",
            permission="reviews.start_review",
            guards=(review_team_problems,),
        ),
        Transition(
            S.IN_REVIEW,
            S.RETURNED,
            action="accreditation.assessment.returned",
            permission="reviews.return_portfolio",
            guards=(return_problems,),
            notify=("reviews.tasks.notify_returned",),
            label="Return the portfolio to the team for further work",
            name="return",
            url_name="reviews:return",
            method="get",
            style="outline-secondary",
        ),
        Transition(
            S.RESUBMITTED,
            S.IN_REVIEW,
            action="accreditation.assessment.review_resumed",
            permission="reviews.resume_review",
            label="Start reviewing the revised portfolio",
            name="resume",
            url_name="reviews:resume",
        ),
        Transition(
            S.IN_REVIEW,
            S.REPORT_DRAFT,
            action="accreditation.assessment.report_released",
            permission="reviews.lead_review",
            guards=(report_release_problems,),
            on_enter=(report_stamp_released,),
            notify=("reviews.tasks.notify_report_released",),
            label="Release the draft report",
            name="release",
            url_name="reviews:release",
            method="get",  # to the check page
        ),
        Transition(
            S.REPORT_DRAFT,
            S.REPORT_FINAL,
            action="accreditation.assessment.report_finalised",
            permission="reviews.finalise_report",
            guards=(report_finalise_problems,),
            notes=(report_finalise_note,),
            on_enter=(report_stamp_finalised,),
            notify=("reviews.tasks.notify_report_finalised",),
            label="Finalise the report",
            name="finalise",
            url_name="reviews:finalise",
            method="get",  # to the check page
        ),
    )

    define(
        Assignment,
        noun="This review request",
        select_related=("assessment__service__organisation", "reviewer"),
        url_kwargs=_assignment_url,
    )
    respond = {"permission": "reviews.respond_to_assignment", "url_name": "reviews:assignment", "method": "get"}
    add(
        Assignment,
        Transition(
            A.INVITED,
            A.ACCEPTED,
            action="reviews.assignment.accepted",
            label="I accept, and I have no conflict of interest with this service or its organisation",
            name="accept",
            **respond,
        ),
        Transition(
            A.INVITED,
            A.WITHDRAWN,
            action="reviews.assignment.withdrawn",
            on_enter=(conflict_record,),
            notify=("reviews.tasks.notify_conflict_declared",),
            label="I have a conflict of interest (I will be withdrawn and the administrator told)",
            name="conflict",
            **respond,
        ),
        Transition(
            A.INVITED,
            A.DECLINED,
            action="reviews.assignment.declined",
            label="I cannot do this review",
            name="decline",
            **respond,
        ),
        *(
            Transition(
                source,
                A.REMOVED,
                action="reviews.assignment.removed",
                permission="reviews.remove_reviewer",
                label="Remove from the team",
                name="remove",
                url_name="reviews:remove",
                style="outline-danger",
                reason="Why is this reviewer leaving the team? (kept in the history)",
            )
            for source in Assignment.ACTIVE_STATES
        ),
    )
