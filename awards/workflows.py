"""The decision's part of the assessment's lifecycle, and the lifecycles of awards, their PDF reports and appeals.
Registered from `AwardsConfig.ready()`."""

from accreditation.models import Assessment
from workflow.engine import Transition, add, define

from .models import Appeal, Award, AwardReport
from .services import decision_problems, report_lease_problems

S = Assessment.Status


def _award_refusal(award: Award, to: str) -> str | None:
    """The words administrators have always seen for a move an award cannot make."""
    W = Award.State
    if to == W.SUSPENDED:
        return "This award is already suspended or revoked."
    if to == W.REVOKED:
        return "This award is already revoked."
    if to == W.IN_FORCE:
        return "Only a suspended award can be reinstated."
    return None


def _report_refusal(report: AwardReport, to: str) -> str | None:
    if to == AwardReport.Status.QUEUED:
        return "Only a failed report, or one whose making has stopped, can be retried."
    return None


def _appeal_refusal(appeal: Appeal, to: str) -> str | None:
    return "This appeal already has an outcome." if appeal.status != Appeal.Status.LODGED else None


def register() -> None:
    # The panel's decision is recorded through `decision_record`, which makes the decision record first and then the
    # move; both moves start on the decision page.
    decide = {"permission": "awards.decide", "guards": (decision_problems,), "url_name": "awards:decision"}
    add(
        Assessment,
        Transition(
            S.REPORT_FINAL,
            S.DECIDED,
            action="accreditation.assessment.decided",
            label="Record the panel's decision",
            name="decide",
            method="get",
            **decide,
        ),
        Transition(S.REPORT_FINAL, S.DEFERRED, action="accreditation.assessment.deferred", **decide),
        Transition(
            S.DEFERRED,
            S.DECIDED,
            action="accreditation.assessment.decided",
            label="Record the decision on the conditions",
            name="decide",
            method="get",
            **decide,
        ),
    )

    define(
        Award,
        field="state",
        noun="This award",
        select_related=("service__organisation",),
        url_kwargs=lambda award, move: {"reference": award.reference, "action": move.name},
        refusal=_award_refusal,
    )
    W = Award.State
    manage = {
        "permission": "awards.manage_award",
        "url_name": "awards:action",
        "reason": "Why? (recorded, and shown to the service)",
    }
    suspend = {"label": "Suspend the award", "name": "suspend", "style": "outline-danger"}
    revoke = {"label": "Revoke the award", "name": "revoke", "style": "danger"}
    add(
        Award,
        Transition(W.IN_FORCE, W.SUSPENDED, action="accreditation.award.suspended", **suspend, **manage),
        Transition(
            W.SUSPENDED,
            W.IN_FORCE,
            action="accreditation.award.reinstated",
            label="Lift the suspension",
            name="reinstate",
            style="outline-primary",
            **manage,
        ),
        Transition(W.IN_FORCE, W.REVOKED, action="accreditation.award.revoked", **revoke, **manage),
        Transition(W.SUSPENDED, W.REVOKED, action="accreditation.award.revoked", **revoke, **manage),
    )

    define(
        AwardReport,
        noun="This report",
        select_related=("award",),
        url_kwargs=lambda report, move: {"reference": report.award.reference, "version": report.version},
        refusal=_report_refusal,
    )
    R = AwardReport.Status
    retry = {
        "permission": "awards.manage_award",
        "notify": ("awards.tasks.render_award_report",),
        "label": "Try again",
        "name": "retry",
        "url_name": "awards:report_retry",
        "style": "outline-primary",
    }
    add(
        AwardReport,
        # The task worker's moves (no permission: only the system makes them).
        Transition(R.QUEUED, R.GENERATING, action="accreditation.award_report.generating"),
        Transition(R.GENERATING, R.READY, action="accreditation.award_report.ready"),
        Transition(R.GENERATING, R.FAILED, action="accreditation.award_report.failed"),
        Transition(R.FAILED, R.QUEUED, action="accreditation.award_report.retried", **retry),
        # A report whose worker stopped (its lease is over) is queued again by the recovery task or by the next
        # worker asked to make it (awards/tasks.py), or by an administrator who sees it is taking too long.
        Transition(
            R.GENERATING,
            R.QUEUED,
            action="accreditation.award_report.requeued",
            guards=(report_lease_problems,),
            **retry,
        ),
    )

    define(Appeal, noun="This appeal", select_related=("decision__assessment",), refusal=_appeal_refusal)
    P = Appeal.Status
    for outcome in (P.UPHELD, P.DISMISSED):
        add(
            Appeal,
            Transition(P.LODGED, outcome, action=f"accreditation.appeal.{outcome}", permission="awards.decide_appeal"),
        )
