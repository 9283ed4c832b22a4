"""The assessment's lifecycle as far as the team's portfolio goes: it starts as a draft and is submitted (and, after a
return, resubmitted). The review moves are added by reviews/workflows.py and the decision moves by
awards/workflows.py, each from its app's `ready()`, because each checks data that only its own layer knows."""

from workflow.engine import Transition, add, define

from .models import Assessment
from .services.assessments import submission_problems, submission_record

S = Assessment.Status


def register() -> None:
    define(Assessment, noun="This portfolio", select_related=("service__organisation", "edition"))
    add(
        Assessment,
        Transition(
            S.DRAFT,
            S.SUBMITTED,
            action="accreditation.assessment.submitted",
            permission="accreditation.submit_portfolio",
            guards=(submission_problems,),
            on_enter=(submission_record,),
            notify=("accreditation.tasks.notify_portfolio_submitted",),
            label="Submit the portfolio",
            name="submit",
            url_name="portfolio:submit",
            method="get",
        ),
        Transition(
            S.RETURNED,
            S.RESUBMITTED,
            action="accreditation.assessment.resubmitted",
            permission="accreditation.submit_portfolio",
            guards=(submission_problems,),
            on_enter=(submission_record,),
            label="Resubmit the portfolio",
            name="resubmit",
            url_name="portfolio:submit",
            method="get",
        ),
    )
