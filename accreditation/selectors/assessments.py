"""Reads about portfolios: progress, responses, what is missing, and what the team sent each round."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Prefetch, Q

from standards.models import Rating, Standard

from ..models import Assessment, EvidenceLink, Response, Service, User


def assessment_for_portfolio(*, pk: int) -> Assessment | None:
    """The assessment, with `last_decision` (the panel's latest, or None) once the panel has decided or deferred, so
    its pages can say what became of it; an open portfolio costs no read for it."""
    assessment = Assessment.objects.select_related("service__organisation", "edition").filter(pk=pk).first()
    if assessment is not None:
        decided = assessment.status in (Assessment.Status.DEFERRED, Assessment.Status.DECIDED)
        # Decisions belong to the awards app above this one: read through the reverse relation.
        assessment.last_decision = assessment.decisions.order_by("-recorded_at", "-id").first() if decided else None
        assessment.status_in_words = _status_in_words(assessment)
    return assessment


def _status_in_words(assessment: Assessment) -> str:
    """What is true of a portfolio the team cannot edit, in the words its pages show."""
    decision, status = assessment.last_decision, assessment.status
    on = f" on {decision.decided_on:%-d %B %Y}" if decision else ""
    if status == Assessment.Status.DECIDED and decision and decision.outcome == "awarded":
        return f"This portfolio was awarded{on}; it is kept as it was decided."
    if status == Assessment.Status.DECIDED and decision:
        return f"The panel decided{on} not to make an award; the portfolio is kept as it was decided."
    if status in Assessment.CLOSED_STATES:
        return "This portfolio is closed; it is kept as it was."
    if status == Assessment.Status.DEFERRED:
        return f"The panel deferred its decision{on} until conditions are met; the portfolio is kept as it saw it."
    if status == Assessment.Status.REPORT_FINAL:
        return "The review report is final and waits for the panel's decision; the portfolio is kept as reviewed."
    if status == Assessment.Status.REPORT_DRAFT:
        return "The reviewers' draft report is with your team; the portfolio is kept as reviewed."
    return "The portfolio is read-only while the reviewers have it."


@dataclass(frozen=True)
class ValueRef:
    pk: int
    code: str
    name: str


@dataclass(frozen=True)
class StandardRef:
    code: str
    title: str


@dataclass(frozen=True)
class ProgressRow:
    value: ValueRef
    standard: StandardRef
    rating: str
    has_narrative: bool
    has_evidence: bool


def _portfolio_rows(assessment: Assessment) -> list[ProgressRow]:
    """Per standard, just what progress needs, as plain rows: the overview is read often and must stay cheap."""
    rows = (
        Response.objects.filter(assessment=assessment)
        .annotate(
            has_narrative=ExpressionWrapper(~Q(narrative=""), output_field=BooleanField()),
            has_evidence=Exists(EvidenceLink.objects.filter(response=OuterRef("pk"))),
        )
        .order_by("standard__value__order", "standard__order", "standard__code")
        .values_list(
            "standard__value_id",
            "standard__value__code",
            "standard__value__name",
            "standard__code",
            "standard__title",
            "rating",
            "has_narrative",
            "has_evidence",
        )
    )
    values: dict[int, ValueRef] = {}
    result = []
    for value_id, value_code, value_name, code, title, rating, has_narrative, has_evidence in rows:
        value = values.setdefault(value_id, ValueRef(pk=value_id, code=value_code, name=value_name))
        result.append(ProgressRow(value, StandardRef(code, title), rating, has_narrative, has_evidence))
    return result


def response_missing(response) -> list[str]:
    """What a response still needs before the portfolio can be submitted."""
    missing = []
    if not response.rating:
        missing.append("self-rating")
    if not response.has_narrative:
        missing.append("narrative")
    if not (getattr(response, "has_evidence", None) or getattr(response, "n_links", 0)):
        missing.append("evidence")
    return missing


@dataclass(frozen=True)
class MissingItem:
    standard: StandardRef
    missing: list[str]


@dataclass
class ValueProgress:
    value: ValueRef
    total: int = 0
    complete: int = 0
    started: int = 0  # standards with anything at all: a rating, a narrative or evidence
    codes: list[str] = field(default_factory=list)
    ratings: dict[str, int] = field(default_factory=lambda: dict.fromkeys(Rating.values, 0))
    missing: list[MissingItem] = field(default_factory=list)

    @property
    def percent(self) -> int:
        return round(100 * self.complete / self.total) if self.total else 0


@dataclass(frozen=True)
class PortfolioProgress:
    values: list[ValueProgress]
    total: int
    complete: int
    ratings: dict[str, int]

    @property
    def percent(self) -> int:
        return round(100 * self.complete / self.total) if self.total else 0

    @property
    def missing(self) -> list[MissingItem]:
        return [item for value in self.values for item in value.missing]


def portfolio_progress(*, assessment: Assessment) -> PortfolioProgress:
    """Per value and overall: standards complete, ratings given, and exactly what is missing. One query."""
    by_value: dict[int, ValueProgress] = {}
    for response in _portfolio_rows(assessment):
        value = response.value
        progress = by_value.setdefault(value.pk, ValueProgress(value=value))
        progress.total += 1
        progress.codes.append(response.standard.code)
        if response.rating or response.has_narrative or response.has_evidence:
            progress.started += 1
        if response.rating:
            progress.ratings[response.rating] += 1
        if missing := response_missing(response):
            progress.missing.append(MissingItem(standard=response.standard, missing=missing))
        else:
            progress.complete += 1
    values = list(by_value.values())
    ratings = {rating: sum(value.ratings[rating] for value in values) for rating in Rating.values}
    return PortfolioProgress(
        values=values,
        total=sum(value.total for value in values),
        complete=sum(value.complete for value in values),
        ratings=ratings,
    )


@dataclass(frozen=True)
class ValueTask:
    """One row of the portfolio's task list: a value, how far it has gone, and the tag that says so."""

    progress: ValueProgress
    tag: str  # returned, not_started, in_progress or completed
    label: str


TASK_LABELS = {
    "returned": "Returned: action needed",
    "not_started": "Not started",
    "in_progress": "In progress",
    "completed": "Completed",
}


def portfolio_task_list(*, progress: PortfolioProgress, returned_standards: set[str] = frozenset()) -> list[ValueTask]:
    """The portfolio as a task list: a status per value, from the progress already read (no query). A value with a
    standard the reviewers asked the team to work on (`returned_standards`, codes, while the portfolio is back with
    the team) needs action whatever else is true of it."""
    tasks = []
    for value in progress.values:
        if returned_standards.intersection(value.codes):
            tag = "returned"
        elif value.total and value.complete == value.total:
            tag = "completed"
        elif value.started:
            tag = "in_progress"
        else:
            tag = "not_started"
        tasks.append(ValueTask(progress=value, tag=tag, label=TASK_LABELS[tag]))
    return tasks


def portfolio_missing(*, assessment: Assessment) -> list[MissingItem]:
    return portfolio_progress(assessment=assessment).missing


def portfolio_value_responses(*, assessment: Assessment, value_code: str) -> list[Response]:
    """The responses under one value, with narratives and evidence counts, for the value page."""
    return list(
        Response.objects.filter(assessment=assessment, standard__value__code=value_code.upper())
        .select_related("standard__value", "updated_by")
        .annotate(n_links=Count("links"), has_narrative=ExpressionWrapper(~Q(narrative=""), BooleanField()))
        .order_by("standard__order", "standard__code")
    )


def portfolio_response(*, assessment: Assessment, standard_code: str) -> Response | None:
    return (
        Response.objects.filter(assessment=assessment, standard__code=standard_code.upper())
        .select_related("standard__value", "updated_by", "assessment__service", "assessment__edition")
        .first()
    )


def standard_neighbours(*, assessment: Assessment, standard: Standard) -> tuple[Standard | None, Standard | None]:
    """The standards before and after this one in the portfolio, for previous/next links."""
    codes = list(
        Standard.objects.filter(edition_id=assessment.edition_id)
        .order_by("value__order", "order", "code")
        .only("code", "title")
    )
    index = next(i for i, other in enumerate(codes) if other.pk == standard.pk)
    return (codes[index - 1] if index else None, codes[index + 1] if index + 1 < len(codes) else None)


def assessments_for_service(*, service: Service, user: User) -> list[Assessment]:
    return list(
        Assessment.objects.visible_to(user).filter(service=service).select_related("edition").order_by("-started_at")
    )


def open_assessment(*, service: Service) -> Assessment | None:
    return service.assessments.exclude(status__in=Assessment.CLOSED_STATES).select_related("edition").first()


def open_assessments_progress(*, service_ids: list[int], user: User) -> dict[int, Assessment]:
    """Each service's open assessment with `n_complete` and `n_total` standards, in one query."""
    complete = Q(responses__rating__gt="") & ~Q(responses__narrative="") & Q(responses__links__isnull=False)
    assessments = (
        Assessment.objects.visible_to(user)
        .filter(service_id__in=service_ids)
        .exclude(status__in=Assessment.CLOSED_STATES)
        .annotate(
            n_total=Count("responses", distinct=True),
            n_complete=Count("responses", filter=complete, distinct=True),
        )
    )
    return {assessment.service_id: assessment for assessment in assessments}


def assessment_standards(*, assessment: Assessment) -> list[Response]:
    """Every standard of an assessment, for choosing which ones a piece of evidence supports."""
    return list(
        Response.objects.filter(assessment=assessment)
        .select_related("standard__value")
        .only(
            "id",
            "assessment_id",
            "standard__code",
            "standard__title",
            "standard__value__code",
            "standard__value__name",
            "standard__value__order",
        )
        .order_by("standard__value__order", "standard__order", "standard__code")
    )


def portfolio_snapshot(*, assessment: Assessment) -> dict[str, dict]:
    """What the team is sending, per standard code: rating, narrative and the exact evidence versions."""
    responses = (
        Response.objects.filter(assessment=assessment)
        .select_related("standard")
        .prefetch_related(Prefetch("links", queryset=EvidenceLink.objects.select_related("evidence")))
    )
    return {
        response.standard.code: {
            "rating": response.rating,
            "narrative": response.narrative,
            "evidence": sorted(
                (
                    {
                        "id": link.evidence_id,
                        "title": link.evidence.title,
                        "version": link.evidence.version,
                        "sha256": link.evidence.sha256,
                    }
                    for link in response.links.all()
                ),
                key=lambda item: item["id"],
            ),
        }
        for response in responses
    }
