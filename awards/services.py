"""Decisions, conditions, appeals, awards and their reports. Every change of state goes through
`workflow.engine.transition`; the moves are in awards/workflows.py."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from accreditation.models import Assessment, EvidenceLink, Response, User, add_months
from accreditation.services.assessments import assessment_start
from reviews.services.locks import locked_assessment
from workflow.audit import audit_log, lock_audit_trail
from workflow.engine import check_permission, enqueue_on_commit, transition

from .models import Appeal, Award, AwardReferenceCounter, AwardReport, Condition, Decision, Outcome, PanelMember
from .recommendation import recommendation_for

S = Assessment.Status


@dataclass(frozen=True)
class PanelSeat:
    name: str
    role: str


@dataclass(frozen=True)
class ConditionDraft:
    text: str
    due_on: datetime.date


def decision_problems(assessment: Assessment) -> list[str]:
    """A decision state needs a decision record made in the same transaction (see `decision_record`)."""
    if not assessment.decisions.exists():
        return ["Record the panel's decision first."]
    return []


def _check_panel(panel: list[PanelSeat]) -> None:
    if not panel:
        raise ValidationError({"panel": "Name the members of the award panel."})
    if not any(seat.role == PanelMember.Role.LIVED_EXPERIENCE for seat in panel):
        raise ValidationError({"panel": "The panel must include a lived-experience member. Add them to the panel."})


def decision_in_words(decision: Decision) -> str:
    """Who recorded a decision, what and when, for someone about to record another."""
    return (
        f"{decision.recorded_by.full_name} recorded the panel's decision "
        f"({Outcome(decision.outcome).label}, panel of {decision.decided_on:%-d %B %Y}) "
        f"at {timezone.localtime(decision.recorded_at):%H:%M on %-d %B %Y}."
    )


def _check_decision_date(assessment: Assessment, decided_on: datetime.date, previous: Decision | None) -> None:
    """The panel sat on a real day: not after today, not before the portfolio was started (nor before the decision
    it follows). Dates far off would also run past the last date an award's validity can be counted to."""
    if decided_on > timezone.localdate():
        raise ValidationError({"decided_on": "The date of the panel cannot be in the future. Give the day it met."})
    started = timezone.localdate(assessment.started_at)
    if decided_on < started:
        raise ValidationError(
            {"decided_on": f"The panel cannot have met before the portfolio was started on {started:%-d %B %Y}."}
        )
    if previous is not None and decided_on < previous.decided_on:
        raise ValidationError(
            {
                "decided_on": "The panel cannot have met before its previous decision, "
                f"on {previous.decided_on:%-d %B %Y}."
            }
        )


# `latest_seen_id` left out: the caller shows no page (a loader, a script), so there is nothing to have missed.
UNSEEN = object()


@transaction.atomic
def decision_record(
    *,
    assessment: Assessment,
    by: User,
    outcome: str,
    decided_on: datetime.date,
    rationale: str,
    panel: list[PanelSeat],
    override_reason: str = "",
    conditions: list[ConditionDraft] | None = None,
    latest_seen_id: int | object | None = UNSEEN,
) -> Decision:
    """Record the panel's decision. Awarded issues the award (and queues its PDF report); Deferred sets conditions.

    `latest_seen_id` is the latest decision the administrator saw on the page (None: none). If another was recorded
    since, nothing is saved and they are told whose it is: two administrators deciding at once do not overrule
    each other unseen."""
    lock_audit_trail()
    assessment = (
        Assessment.objects.select_for_update(of=("self",)).select_related("service", "edition").get(pk=assessment.pk)
    )
    if not by.has_perm("awards.decide", assessment):
        raise PermissionDenied
    previous = assessment.decisions.select_related("recorded_by").first()
    if previous is not None and latest_seen_id is not UNSEEN and previous.pk != latest_seen_id:
        raise ValidationError(f"{decision_in_words(previous)} Yours was not recorded.")
    if assessment.status == S.DECIDED and previous is not None:
        raise ValidationError(f"This portfolio is already decided. {decision_in_words(previous)}")
    if assessment.status not in (S.REPORT_FINAL, S.DEFERRED):
        raise ValidationError("A decision can be recorded once the review report is final.")
    _check_decision_date(assessment, decided_on, previous)
    if assessment.status == S.DEFERRED and outcome == Outcome.DEFERRED:
        raise ValidationError("This assessment is already deferred. Record the award, or Not awarded.")
    if assessment.status == S.DEFERRED and outcome == Outcome.AWARDED:
        waiting = Condition.objects.filter(decision__assessment=assessment, met_at__isnull=True).count()
        if waiting:
            raise ValidationError(
                f"{waiting} condition{'s' if waiting != 1 else ''} of the deferral still "
                f"{'need' if waiting != 1 else 'needs'} the lead reviewer's check."
            )
    recommendation = recommendation_for(assessment=assessment)
    if outcome != recommendation.outcome and not override_reason.strip():
        raise ValidationError(
            {
                "override_reason": f"The rule recommends {Outcome(recommendation.outcome).label}. "
                "Say why the panel decided otherwise."
            }
        )
    if not rationale.strip():
        raise ValidationError({"rationale": "Give the panel's rationale."})
    _check_panel(panel)
    conditions = conditions or []
    if outcome == Outcome.DEFERRED:
        if not conditions:
            raise ValidationError(
                {"conditions": "A deferral needs at least one condition. Enter the condition and its due date."}
            )
        if any(condition.due_on <= decided_on for condition in conditions):
            raise ValidationError({"conditions": "Give each condition a due date after the date of the panel."})
    decision = Decision.objects.create(
        assessment=assessment,
        outcome=outcome,
        recommended=recommendation.outcome,
        override_reason=override_reason.strip(),
        decided_on=decided_on,
        rationale=rationale.strip(),
        recorded_by=by,
    )
    PanelMember.objects.bulk_create(PanelMember(decision=decision, name=seat.name, role=seat.role) for seat in panel)
    if outcome == Outcome.DEFERRED:
        Condition.objects.bulk_create(
            Condition(decision=decision, text=condition.text, due_on=condition.due_on) for condition in conditions
        )
    audit_log(
        actor=by,
        action="accreditation.decision.recorded",
        target=decision,
        to_state=outcome,
        note=decision.override_reason,
        data={"recommended": recommendation.outcome, "assessment": assessment.pk},
    )
    to = S.DEFERRED if outcome == Outcome.DEFERRED else S.DECIDED
    transition(assessment, to=to, by=by, note=f"Panel decision: {Outcome(outcome).label}.")
    if outcome == Outcome.AWARDED:
        award_issue(decision=decision, by=by)
    return decision


def _existing_last_number(year: int) -> int:
    prefix = f"EE-{year}-"
    numbers = [
        int(reference.removeprefix(prefix))
        for reference in Award.objects.filter(reference__startswith=prefix).values_list("reference", flat=True)
        if reference.removeprefix(prefix).isdigit()
    ]
    return max(numbers, default=0)


def _next_reference(year: int) -> str:
    """The year's next reference (EE-2026-0042), from the year's counter row, locked until the award commits: the
    largest number so far plus one, read without a lock, let two decisions at the same moment take the same one. A
    year's row starts from the awards already made in it (those made before the counter existed)."""
    lock_audit_trail()
    counter = AwardReferenceCounter.objects.select_for_update().filter(year=year).first()
    if counter is None:  # the year's first award: two at once insert one row between them, then both wait on it
        AwardReferenceCounter.objects.bulk_create(
            [AwardReferenceCounter(year=year, last=_existing_last_number(year))], ignore_conflicts=True
        )
        counter = AwardReferenceCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"EE-{year}-{counter.last:04d}"


def award_issue(*, decision: Decision, by: User) -> Award:
    """Make the award: a public reference (EE-2026-0042), a random verification code, dates from settings."""
    assessment = decision.assessment
    valid_from = decision.decided_on
    award = Award.objects.create(
        assessment=assessment,
        service=assessment.service,
        decision=decision,
        reference=_next_reference(valid_from.year),
        valid_from=valid_from,
        valid_until=add_months(valid_from, settings.AWARD_VALID_MONTHS) - datetime.timedelta(days=1),
        interim_due_on=add_months(valid_from, settings.AWARD_INTERIM_MONTHS),
    )
    audit_log(actor=by, action="accreditation.award.issued", target=award, to_state=award.state)
    report_request(award=award, by=by, reason="Award issued")
    return award


def report_request(*, award: Award, by: User | None, reason: str) -> AwardReport:
    """Queue a new version of the award's PDF report; it is rendered in the background once this commits."""
    version = (award.reports.aggregate(latest=Max("version"))["latest"] or 0) + 1
    report = AwardReport.objects.create(award=award, version=version, reason=reason, requested_by=by)
    audit_log(
        actor=by, action="accreditation.award_report.requested", target=report, to_state=report.status, note=reason
    )
    enqueue_on_commit(RENDER_TASK, report.pk)
    return report


RENDER_TASK = "awards.tasks.render_award_report"
R = AwardReport.Status
# How long a worker holds a report it is making. A full report takes about a second; a worker still at it after
# ten minutes has stopped (killed, out of memory, its machine gone), and its report is taken over.
REPORT_LEASE = datetime.timedelta(minutes=10)
# A report whose worker stopped is queued again once; stopping a worker twice, it is failed for a person to retry.
REPORT_STARTS = 2


def report_lease_problems(report: AwardReport) -> list[str]:
    """Guard of the moves that take a report from the worker making it: only once that worker's lease is over."""
    if report.lease_is_over:
        return []
    return [
        "This report is still being made. "
        f"Wait until {timezone.localtime(report.lease_expires_at):%H:%M}, then try again if it is not ready."
    ]


def report_start(*, report: AwardReport) -> AwardReport | None:
    """A worker takes a queued report for the length of a lease. Returns it as taken (its `attempts` says which start
    this is), or None if another worker took it first."""
    now = timezone.now()
    try:
        taken = transition(
            report,
            to=R.GENERATING,
            by=None,
            fields={"started_at": now, "lease_expires_at": now + REPORT_LEASE, "attempts": F("attempts") + 1},
        )
    except ValidationError:
        return None  # another worker took it between the read and the lock, or holds its lease
    taken.refresh_from_db(fields=["attempts"])
    return taken


def report_is_still_mine(*, report: AwardReport, attempt: int) -> bool:
    """Lock the report and say whether the worker that took it at `attempt` still holds it (a worker that overran
    its lease may have been taken over; its work is then not recorded)."""
    lock_audit_trail()
    return AwardReport.objects.select_for_update().filter(pk=report.pk, status=R.GENERATING, attempts=attempt).exists()


@transaction.atomic
def report_recover(*, report_id: int) -> AwardReport | None:
    """A report whose worker's lease is over: queued again on its first stop, failed (for a person to retry) after
    that. Skips a report another recovery is handling. Returns the report as recovered, or None."""
    lock_audit_trail()
    report = (
        AwardReport.objects.select_for_update(skip_locked=True)
        .filter(Q(lease_expires_at__lte=timezone.now()) | Q(lease_expires_at__isnull=True), status=R.GENERATING)
        .filter(pk=report_id)
        .first()
    )
    if report is None:
        return None
    if report.attempts < REPORT_STARTS:
        return transition(
            report,
            to=R.QUEUED,
            by=None,
            note="The worker making the report stopped before finishing; it is queued again.",
            fields={"lease_expires_at": None},
        )
    return transition(
        report,
        to=R.FAILED,
        by=None,
        note="The worker making the report stopped before finishing, again.",
        fields={
            "error": "The report was started twice and the worker making it stopped both times before finishing "
            "(it may have run out of memory). Try again; if it stops again, tell the people who run the site.",
            "finished_at": timezone.now(),
            "lease_expires_at": None,
        },
    )


@transaction.atomic
def report_retry(*, report: AwardReport, by: User) -> AwardReport:
    """Render again a failed report, or one whose worker stopped (its lease is over)."""
    return transition(
        report,
        to=R.QUEUED,
        by=by,
        fields={"error": "", "started_at": None, "finished_at": None, "lease_expires_at": None, "attempts": 0},
    )


# What each administrator's move on an award asks for, records beside the state, and says in the new report.
AWARD_MOVES = {
    Award.State.SUSPENDED: (
        "Say why the award is suspended; the service will see it.",
        lambda reason: {"suspended_at": timezone.now(), "suspension_reason": reason},
        "Award suspended",
    ),
    Award.State.REVOKED: (
        "Say why the award is revoked; the service will see it.",
        lambda reason: {"revoked_at": timezone.now(), "revocation_reason": reason},
        "Award revoked",
    ),
    Award.State.IN_FORCE: (
        "Say why the suspension is lifted.",
        lambda reason: {"suspended_at": None, "suspension_reason": ""},
        "Suspension lifted",
    ),
}


@transaction.atomic
def award_move(*, award: Award, to: str, by: User, reason: str) -> Award:
    """Suspend, revoke or reinstate an award, with the reason the service will read, and make a new version of
    its report. Outsiders are refused before their reason is looked at."""
    check_permission(award, to=to, by=by)
    missing, fields, report_reason = AWARD_MOVES[to]
    if not reason.strip():
        raise ValidationError({"reason": missing})
    reason = reason.strip()
    award = transition(award, to=to, by=by, note=reason, fields=fields(reason))
    report_request(award=award, by=by, reason=f"{report_reason}: {reason}")
    return award


def award_suspend(*, award: Award, by: User, reason: str) -> Award:
    return award_move(award=award, to=Award.State.SUSPENDED, by=by, reason=reason)


def award_revoke(*, award: Award, by: User, reason: str) -> Award:
    return award_move(award=award, to=Award.State.REVOKED, by=by, reason=reason)


def award_reinstate(*, award: Award, by: User, reason: str) -> Award:
    """Lift a suspension (a revoked award stays revoked)."""
    return award_move(award=award, to=Award.State.IN_FORCE, by=by, reason=reason)


@transaction.atomic
def interim_review_record(*, award: Award, by: User, completed_on: datetime.date) -> Award:
    """Record the interim review as done on the day it was completed, once (the page offers it only while it is
    pending; so does this). The day is a real one: not after today, not before the award began."""
    lock_audit_trail()
    Award.objects.select_for_update().only("pk").get(pk=award.pk)  # the row, locked: two clicks record it once
    award.refresh_from_db(fields=["interim_completed_on", "state"])
    if not by.has_perm("awards.manage_award", award):
        raise PermissionDenied
    if award.interim_completed_on is not None:
        raise ValidationError(
            f"The interim review is already recorded as completed on {award.interim_completed_on:%-d %B %Y}."
        )
    if not by.has_perm("awards.record_interim_review", award):
        raise PermissionDenied
    if completed_on > timezone.localdate():
        raise ValidationError(
            {"completed_on": "The date the interim review was completed cannot be in the future. Give the day it was."}
        )
    if completed_on < award.valid_from:
        raise ValidationError(
            {
                "completed_on": "The interim review cannot have been completed before the award began, "
                f"on {award.valid_from:%-d %B %Y}."
            }
        )
    previous = award.status
    award.interim_completed_on = completed_on
    award.save(update_fields=["interim_completed_on"])
    audit_log(
        actor=by,
        action="accreditation.award.interim_review_completed",
        target=award,
        from_state=previous,
        to_state=award.status,
    )
    return award


@transaction.atomic
def condition_check(*, condition: Condition, by: User, note: str) -> Condition:
    """The lead reviewer confirms a condition has been met, having looked at the new evidence."""
    locked_assessment(assessment_id=condition.decision.assessment_id, by=by, permission="awards.check_condition")
    if condition.met_at:
        raise ValidationError("This condition is already marked as met.")
    if not note.strip():
        raise ValidationError({"note": "Say what evidence shows the condition is met."})
    condition.met_at, condition.checked_by, condition.check_note = timezone.now(), by, note.strip()
    condition.save(update_fields=["met_at", "checked_by", "check_note"])
    audit_log(actor=by, action="accreditation.condition.met", target=condition, to_state="met", note=note.strip())
    return condition


@transaction.atomic
def appeal_lodge(*, decision: Decision, by: User, grounds: str) -> Appeal:
    """The team lead appeals against a decision, within the appeal window."""
    locked_assessment(assessment_id=decision.assessment_id, by=by, permission="awards.appeal")
    if timezone.localdate() > decision.appeal_deadline():
        raise ValidationError(f"The time to appeal ended on {decision.appeal_deadline():%-d %B %Y}.")
    if decision.appeals.filter(status=Appeal.Status.LODGED).exists():
        raise ValidationError("An appeal against this decision is already waiting for its outcome.")
    if not grounds.strip():
        raise ValidationError({"grounds": "Set out the grounds for the appeal."})
    appeal = Appeal.objects.create(decision=decision, grounds=grounds.strip(), lodged_by=by)
    audit_log(actor=by, action="accreditation.appeal.lodged", target=appeal, to_state="lodged", note=grounds.strip())
    return appeal


@transaction.atomic
def appeal_decide(*, appeal: Appeal, by: User, result: str, note: str) -> Appeal:
    locked_assessment(assessment_id=appeal.decision.assessment_id, by=by, permission="awards.decide_appeal")
    if result not in (Appeal.Status.UPHELD, Appeal.Status.DISMISSED):
        raise ValidationError({"result": "Choose Upheld or Dismissed."})
    if not note.strip():
        raise ValidationError({"note": "Explain the outcome of the appeal."})
    return transition(
        appeal,
        to=result,
        by=by,
        note=note.strip(),
        fields={"result_note": note.strip(), "decided_by": by, "decided_at": timezone.now()},
    )


@transaction.atomic
def assessment_renew(*, award: Award, by: User) -> Assessment:
    """Start a renewal: a new portfolio on the current edition, with the last portfolio's narratives and evidence
    links copied in (to the current version of each item) and every rating reset."""
    previous = award.assessment
    renewal = assessment_start(service=award.service, by=by, kind=Assessment.Kind.RENEWAL)
    old = {
        response.standard.code: response
        for response in Response.objects.filter(assessment=previous)
        .select_related("standard")
        .prefetch_related("links__evidence")
    }
    current_versions = {
        evidence.lineage: evidence for evidence in award.service.evidence.filter(superseded_at__isnull=True)
    }
    links = []
    for response in renewal.responses.select_related("standard"):
        before = old.get(response.standard.code)
        if before is None:
            continue
        Response.objects.filter(pk=response.pk).update(narrative=before.narrative)
        for link in before.links.all():
            current = current_versions.get(link.evidence.lineage)
            if current is not None:
                links.append(EvidenceLink(response=response, evidence=current, linked_by=by))
    EvidenceLink.objects.bulk_create(links, ignore_conflicts=True)
    audit_log(actor=by, action="accreditation.assessment.renewal_started", target=renewal, data={"from": previous.pk})
    return renewal
