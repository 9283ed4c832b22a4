"""Each person's home: what needs them now, most urgent first, then the rest of their work.

The selectors read what is true (a fixed number of queries per role, whatever the data); this module turns it into
sentences with a direct link and a due date, and only where the thing is the person's own to do, on open work."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from awards.selectors import (
    appeals_lodged,
    award_reports_stuck,
    conditions_to_check,
    decisions_for_home,
    interim_reviews_overdue,
)
from reviews.selectors.assignments import assignments_for_reviewer, report_dates
from reviews.selectors.programme import awaiting_decision, invitations_to_chase, reviews_overdue, waiting_for_reviewers
from workflow.rules import is_administrator, is_reviewer

from ..models import Assessment
from ..rules import remember_memberships
from ..selectors.assessments import open_assessments_progress
from ..selectors.people import (
    Queue,
    award_in_force,
    memberships_for_user,
    portfolios_overdue,
    programme_summary,
    renewal_opens_on,
)

S = Assessment.Status


def _day(date: datetime.date) -> str:
    return f"{date:%-d %B %Y}"


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


@dataclass(frozen=True)
class Task:
    """One thing for the person to do: a sentence that is the link, what it is about, and when it is due."""

    text: str
    url: str
    about: str = ""
    due_on: datetime.date | None = None
    overdue: bool = False
    tag: str = ""  # a word that stands out instead of the date (e.g. "Failed")

    def urgency(self) -> tuple:
        """Overdue first (the longest overdue first), then flagged, then the soonest due, then the rest."""
        rank = 0 if self.overdue else 1 if self.tag else 2 if self.due_on else 3
        return (rank, self.due_on or datetime.date.max, self.text)


def _task(text: str, url: str, *, about: str = "", due_on=None, today: datetime.date, tag: str = "") -> Task:
    return Task(text, url, about, due_on, overdue=due_on is not None and due_on < today, tag=tag)


# The team -------------------------------------------------------------------------------------------------------


def _team_work(user, membership, report, decision, closed_decision, today) -> None:
    """Set `membership.tasks` (what the person must do for this service now) and `membership.where_it_stands` (the
    portfolio's state in words, and what happens next)."""
    service, portfolio, award = membership.service, membership.open_assessment, membership.award
    tasks: list[Task] = []
    state = ""
    about = ""  # the service is named in each sentence
    if portfolio is None:
        if membership.can_renew:
            tasks.append(
                _task(
                    f"Start the renewal portfolio for {service.name} before the award ends",
                    reverse("awards:award", args=[award.reference]),
                    about=about,
                    due_on=award.valid_until,
                    today=today,
                )
            )
        elif award is not None:
            state = (
                f"No portfolio is needed while the award is valid. The renewal portfolio can start from "
                f"{_day(membership.renewal_opens_on)}."
                if membership.renewal_opens_on > today
                else "The renewal window is open: your team lead can start the renewal portfolio."
            )
        elif membership.can_start:
            tasks.append(
                _task(
                    f"Start the portfolio for {service.name}",
                    reverse("services:detail", args=[service.pk]),
                    about=about,
                    due_on=service.portfolio_due_on,
                    today=today,
                )
            )
        else:
            state = (
                f"No portfolio has been started yet. Your team lead can start it; it is due by "
                f"{_day(service.portfolio_due_on)}."
            )
    elif portfolio.status == S.RETURNED:
        tasks.append(
            _task(
                f"Make the changes the reviewers asked for in the portfolio for {service.name}, then resubmit it",
                reverse("portfolio:overview", args=[portfolio.pk]),
                about=about,
                today=today,
            )
        )
        state = "The reviewers returned the portfolio with action points."
    elif portfolio.status == S.DRAFT:
        progress = f"{portfolio.n_complete} of {portfolio.n_total} standards complete"
        # A renewal is due before the award it renews ends; an initial portfolio by the service's deadline.
        renewing = portfolio.kind == Assessment.Kind.RENEWAL and award is not None
        due = award.valid_until if renewing else portfolio.due_on
        if portfolio.n_complete == portfolio.n_total and user.has_perm("accreditation.submit_portfolio", portfolio):
            tasks.append(
                _task(
                    f"Submit the portfolio for {service.name}: every standard is complete",
                    reverse("portfolio:submit", args=[portfolio.pk]),
                    about=about,
                    due_on=due,
                    today=today,
                )
            )
        elif portfolio.n_complete < portfolio.n_total:
            tasks.append(
                _task(
                    f"Finish the portfolio for {service.name}: {progress}",
                    reverse("portfolio:overview", args=[portfolio.pk]),
                    about=about,
                    due_on=due,
                    today=today,
                )
            )
        else:
            state = "Every standard is complete: your team lead can submit the portfolio."
    elif portfolio.status in (S.SUBMITTED, S.IN_REVIEW, S.RESUBMITTED):
        state = (
            "The reviewers have the portfolio. Nothing is needed from you until they return it or send "
            "their draft report; you will get an e-mail."
        )
    elif portfolio.status == S.REPORT_DRAFT:
        if report is not None:
            portfolio.report = report  # the comment permission reads it: no query of its own
        due = report.comments_due_on if report else None
        commented = report is not None and report.team_commented_at is not None
        if user.has_perm("reviews.comment_on_report", portfolio):
            tasks.append(
                _task(
                    f"Read the draft report on {service.name} and send any factual-accuracy comments",
                    reverse("reviews:team_report", args=[portfolio.pk]),
                    about=about,
                    due_on=due,
                    today=today,
                )
            )
        elif commented:
            state = (
                f"Your team sent its comments on the draft report on {_day(report.team_commented_at)}; the lead "
                "reviewer will answer them and finalise the report."
            )
        elif due is not None and due < today:
            state = (
                f"The time for comments on the draft report ended on {_day(due)}; the lead reviewer will finalise "
                "the report."
            )
        else:
            until = f" until {_day(due)}" if due else ""
            state = f"The draft report is with your team lead for factual-accuracy comments{until}."
        membership.report_url = reverse("reviews:team_report", args=[portfolio.pk])
    elif portfolio.status == S.REPORT_FINAL:
        state = "The review report is final. The award panel will decide, and you will get an e-mail."
        membership.report_url = reverse("reviews:team_report", args=[portfolio.pk])
    elif portfolio.status == S.DEFERRED:
        conditions = decision.open_conditions if decision else []
        for condition in conditions:
            tasks.append(
                _task(
                    f"Meet the panel's condition for {service.name}: {Truncator(condition.text).chars(90)}",
                    reverse("awards:decision", args=[portfolio.pk]),
                    about=about,
                    due_on=condition.due_on,
                    today=today,
                )
            )
        state = (
            "The panel deferred its decision until the conditions are met."
            if conditions
            else "Every condition is met: the panel will record its decision, and you will get an e-mail."
        )
    if closed_decision is not None:
        url = reverse("awards:decision", args=[closed_decision.assessment_id])
        if closed_decision.lodged_appeals:
            appeal = closed_decision.lodged_appeals[0]
            membership.appeal = (
                f"Your appeal against the decision of {_day(closed_decision.decided_on)}, lodged on "
                f"{_day(appeal.lodged_at)}, is waiting for its outcome.",
                url,
            )
        else:
            tasks.append(
                _task(
                    f"Read the panel's decision on {service.name} ({closed_decision.get_outcome_display().lower()}, "
                    f"{_day(closed_decision.decided_on)})",
                    url,
                    about=about,
                    today=today,
                )
            )
    membership.tasks = tasks
    membership.where_it_stands = state
    # The service's own portfolio deadline binds while the team owes its first portfolio (or a new one).
    membership.owes_portfolio = award is None and (portfolio is None or portfolio.is_editable)


def _team(user) -> tuple[list, dict, dict]:
    memberships = list(memberships_for_user(user=user))
    remember_memberships(user, memberships)
    portfolios = open_assessments_progress(service_ids=[membership.service_id for membership in memberships], user=user)
    reports = report_dates(assessment_ids=[p.pk for p in portfolios.values() if p.status == S.REPORT_DRAFT])
    return memberships, portfolios, reports


# The reviewer ---------------------------------------------------------------------------------------------------


def _reviewer_tasks(user, assignments, decisions, today) -> list[Task]:
    tasks = []
    for assignment in assignments:
        assessment = assignment.assessment
        service = assessment.service
        about = service.organisation.name
        due = assignment.due_on
        if user.has_perm("reviews.respond_to_assignment", assignment):
            assignment.to_answer = True
            tasks.append(
                _task(
                    f"Accept or decline the invitation to review {service.name}",
                    reverse("reviews:assignment", args=[assignment.pk]),
                    about=about,
                    due_on=due,
                    today=today,
                )
            )
            continue
        if not user.has_perm("reviews.open_assignment", assignment):
            continue
        status, submitted = assessment.status, assignment.review_submitted_at is not None
        if status == S.IN_REVIEW and not submitted:
            tasks.append(
                _task(
                    f"Score {service.name}: {assignment.n_scored} of {assignment.n_standards} standards scored",
                    reverse("reviews:score", args=[assignment.pk]),
                    about=about,
                    due_on=due,
                    today=today,
                )
            )
        if not assignment.is_lead:
            continue
        lead = _lead_tasks(assignment, decisions.get(assessment.pk), today)
        tasks.extend(_task(text, url, about=about, due_on=when, today=today) for text, url, when in lead)
    return tasks


def _lead_tasks(assignment, decision, today) -> list[tuple[str, str, datetime.date | None]]:
    """The lead reviewer's own work on one assessment, in the order it is done."""
    assessment = assignment.assessment
    name, pk, due = assessment.service.name, assessment.pk, assignment.due_on
    status, submitted = assessment.status, assignment.review_submitted_at is not None
    work = []
    if status == S.RESUBMITTED:
        work.append((f"Start reviewing the revised portfolio of {name}", reverse("reviews:review", args=[pk]), due))
    elif status == S.IN_REVIEW:
        if not assignment.has_visit:
            work.append((f"Record the visit to {name}", reverse("reviews:visit", args=[pk]), due))
        if submitted and assignment.n_without_consensus:
            need = _plural(assignment.n_without_consensus, "standard needs", "standards need")
            work.append(
                (f"Agree the consensus for {name}: {need} a score", reverse("reviews:consensus", args=[pk]), due)
            )
        if submitted and not assignment.report_written:
            work.append((f"Write the report on {name}", reverse("reviews:report", args=[pk]), due))
        ready = (
            assignment.has_visit
            and not assignment.n_without_consensus
            and assignment.report_written
            and not assignment.n_still_scoring
        )
        if ready:
            work.append((f"Release the draft report on {name} to the team", reverse("reviews:report", args=[pk]), due))
    elif status == S.REPORT_DRAFT:
        url = reverse("reviews:report", args=[pk])
        if assignment.team_commented_at is not None and assignment.n_unanswered:
            comments = _plural(assignment.n_unanswered, "comment", "comments")
            work.append((f"Answer the team's {comments} on the draft report on {name}", url, None))
        elif assignment.team_commented_at is not None:
            work.append((f"Finalise the report on {name}: every comment from the team is answered", url, None))
        elif assignment.comments_due_on is not None and assignment.comments_due_on < today:
            when = _day(assignment.comments_due_on)
            work.append((f"Finalise the report on {name}: the team sent no comments by {when}", url, None))
    elif status == S.DEFERRED and decision is not None and decision.open_conditions:
        conditions = _plural(len(decision.open_conditions), "condition", "conditions")
        first = decision.open_conditions[0].due_on
        work.append((f"Check whether {name} has met its {conditions}", reverse("awards:decision", args=[pk]), first))
    return work


# The administrator ----------------------------------------------------------------------------------------------


@dataclass
class QueueRow:
    service: str
    organisation: str
    url: str
    detail: str
    date: datetime.date | None = None
    overdue: bool = False


@dataclass
class AdminQueue:
    key: str
    title: str
    summary: str  # the sentence in "Needs you now"
    count: int
    rows: list[QueueRow] = field(default_factory=list)
    all_url: str = ""
    all_text: str = ""
    overdue: bool = False
    tag: str = ""

    @property
    def more(self) -> int:
        return self.count - len(self.rows)


def _row(service, url, detail, date=None, *, today, deadline=False) -> QueueRow:
    """A row of a queue; `date` is a deadline (shown overdue once past) or, without `deadline`, when it happened."""
    overdue = deadline and date is not None and date < today
    return QueueRow(service.name, service.organisation.name, url, detail, date, overdue)


def _admin_queues(today) -> list[AdminQueue]:
    """Open work waiting for an administrator, by what they must do. Nine queries, one per queue."""
    queues: list[AdminQueue] = []

    def add(key, title, queue: Queue, summary, rows, all_url="", all_text="", *, overdue=False, tag=""):
        if queue.count:
            queues.append(AdminQueue(key, title, summary, queue.count, rows, all_url, all_text, overdue, tag))

    programme = reverse("reviews:programme")
    q = reviews_overdue(today=today)
    add(
        "reviews-overdue",
        "Reviews overdue",
        q,
        f"{_plural(q.count, 'reviewer is', 'reviewers are')} past their due date",
        [
            _row(
                a.assessment.service,
                reverse("reviews:review", args=[a.assessment_id]),
                f"{a.reviewer.full_name} has not submitted their scores",
                a.due_on,
                today=today,
                deadline=True,
            )
            for a in q.rows
        ],
        f"{programme}?state=in_review",
        "All portfolios in review",
        overdue=True,
    )
    q = award_reports_stuck()
    add(
        "reports-failed",
        "Reports that failed or are stuck",
        q,
        f"{_plural(q.count, 'award report has', 'award reports have')} failed or stopped: try again",
        [
            _row(
                r.award.service,
                reverse("awards:award", args=[r.award.reference]),
                f"{r.award.reference}, version {r.version}: {r.get_status_display().lower()}",
                timezone.localdate(r.created_at),
                today=today,
            )
            for r in q.rows
        ],
        tag="Failed",
    )
    q = conditions_to_check(today=today)
    lapsed = any(a.first_due is not None and a.first_due < today for a in q.rows)
    add(
        "conditions",
        "Conditions due or lapsed",
        q,
        f"{_plural(q.count, 'deferred portfolio has', 'deferred portfolios have')} conditions to check or decide on",
        [
            _row(
                a.service,
                reverse("awards:decision", args=[a.pk]),
                f"{_plural(a.n_open, 'condition', 'conditions')} not yet met"
                if a.n_open
                else "Every condition is met: record the decision",
                a.first_due,
                today=today,
                deadline=True,
            )
            for a in q.rows
        ],
        f"{programme}?state=deferred",
        "All deferred portfolios",
        overdue=lapsed,
    )
    q = portfolios_overdue(today=today)
    add(
        "portfolios-overdue",
        "Portfolios past their deadline",
        q,
        f"{_plural(q.count, 'service has', 'services have')} not handed in a portfolio that is overdue",
        [
            _row(
                s,
                reverse("admin:accreditation_service_change", args=[s.pk]),
                "Portfolio not yet submitted",
                s.portfolio_due_on,
                today=today,
                deadline=True,
            )
            for s in q.rows
        ],
        reverse("admin:accreditation_service_changelist") + "?o=6",
        "All services",
        overdue=True,
    )
    q = interim_reviews_overdue(today=today)
    add(
        "interim-overdue",
        "Interim reviews overdue",
        q,
        f"{_plural(q.count, 'interim review is', 'interim reviews are')} overdue",
        [
            _row(
                w.service,
                reverse("awards:award", args=[w.reference]),
                f"Award {w.reference}: interim review not recorded",
                w.interim_due_on,
                today=today,
                deadline=True,
            )
            for w in q.rows
        ],
        reverse("admin:awards_award_changelist"),
        "All awards",
        overdue=True,
    )
    q = waiting_for_reviewers()
    add(
        "waiting-for-reviewers",
        "Portfolios waiting for reviewers",
        q,
        f"{_plural(q.count, 'portfolio is', 'portfolios are')} waiting for a lead reviewer",
        [
            _row(
                a.service,
                reverse("reviews:review", args=[a.pk]),
                "Submitted: name a lead reviewer",
                timezone.localdate(a.submitted_at) if a.submitted_at else None,
                today=today,
            )
            for a in q.rows
        ],
        f"{programme}?state=submitted",
        "All submitted portfolios",
    )
    q = invitations_to_chase()
    add(
        "invitations",
        "Invitations declined or not answered",
        q,
        f"{_plural(q.count, 'invitation to review was', 'invitations to review were')} declined or not answered",
        [
            _row(
                a.assessment.service,
                reverse("reviews:review", args=[a.assessment_id]),
                f"{a.reviewer.full_name}: {a.get_status_display().lower()}"
                if a.ended_at
                else f"{a.reviewer.full_name}: not answered yet",
                timezone.localdate(a.ended_at or a.assigned_at),
                today=today,
            )
            for a in q.rows
        ],
        reverse("admin:reviews_assignment_changelist") + "?status__exact=declined",
        "All declined invitations",
    )
    q = awaiting_decision()
    add(
        "awaiting-decision",
        "Awaiting the panel's decision",
        q,
        f"{_plural(q.count, 'portfolio is', 'portfolios are')} awaiting the panel's decision",
        [
            _row(
                a.service,
                reverse("awards:decision", args=[a.pk]),
                "Report final: record the panel's decision",
                timezone.localdate(a.report.finalised_at) if _finalised(a) else None,
                today=today,
            )
            for a in q.rows
        ],
        f"{programme}?state=report_final",
        "All portfolios awaiting a decision",
    )
    q = appeals_lodged()
    add(
        "appeals",
        "Appeals waiting for an outcome",
        q,
        f"{_plural(q.count, 'appeal is', 'appeals are')} waiting for an outcome",
        [
            _row(
                p.decision.assessment.service,
                reverse("awards:decision", args=[p.decision.assessment_id]),
                "Appeal lodged: record its outcome",
                timezone.localdate(p.lodged_at),
                today=today,
            )
            for p in q.rows
        ],
        reverse("admin:awards_appeal_changelist") + "?status__exact=lodged",
        "All appeals",
    )
    return queues


def _finalised(assessment) -> bool:
    report = getattr(assessment, "report", None)
    return report is not None and report.finalised_at is not None


# The page -------------------------------------------------------------------------------------------------------


def home(request):
    """Anonymous visitors get the introduction; signed-in people get what needs them now, then the rest."""
    if not request.user.is_authenticated:
        return render(request, "accreditation/landing.html")
    user = request.user
    today = timezone.localdate()
    memberships, portfolios, reports = _team(user)
    show_reviews = is_reviewer(user)
    assignments = assignments_for_reviewer(user=user) if show_reviews else []
    decisions = decisions_for_home(
        service_ids=[membership.service_id for membership in memberships],
        assessment_ids=[a.assessment_id for a in assignments if a.is_lead and a.assessment.status == S.DEFERRED],
        today=today,
    )
    tasks: list[Task] = []
    for membership in memberships:
        membership.open_assessment = portfolio = portfolios.get(membership.service_id)
        membership.can_start = user.has_perm("accreditation.start_assessment", membership.service)
        membership.award = award_in_force(service=membership.service, today=today)
        membership.renewal_opens_on = renewal_opens_on(membership.award) if membership.award else None
        membership.can_renew = user.has_perm("accreditation.start_renewal", membership.service)
        closed = [
            d
            for d in decisions.values()
            if d.assessment.service_id == membership.service_id and d.assessment.status in Assessment.CLOSED_STATES
        ]
        _team_work(
            user,
            membership,
            reports.get(portfolio.pk) if portfolio else None,
            decisions.get(portfolio.pk) if portfolio else None,
            closed[0] if closed else None,
            today,
        )
        tasks.extend(membership.tasks)
    tasks.extend(_reviewer_tasks(user, assignments, decisions, today))
    queues = _admin_queues(today) if is_administrator(user) else []
    tasks.extend(
        Task(
            queue.summary, f"#{queue.key}", overdue=queue.overdue, tag=queue.tag or ("Overdue" if queue.overdue else "")
        )
        for queue in queues
    )
    tasks.sort(key=Task.urgency)
    return render(
        request,
        "accreditation/home.html",
        {
            "tasks": tasks,
            "memberships": memberships,
            "show_reviews": show_reviews,
            "assignments": assignments,
            "queues": queues,
            "programme": programme_summary(today=today) if is_administrator(user) else None,
            "today": today,
        },
    )
