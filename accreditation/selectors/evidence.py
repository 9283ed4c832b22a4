"""Reads about a service's evidence library and what each item supports."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from ..models import Assessment, Evidence, EvidenceLink, Response, Service, User


def response_links(*, response: Response) -> list[EvidenceLink]:
    return list(
        EvidenceLink.objects.filter(response=response)
        .select_related("evidence", "linked_by")
        .order_by("evidence__title", "evidence_id")
    )


def evidence_linkable(*, response: Response) -> QuerySet[Evidence]:
    """Current items of the service's library not yet linked to this standard, for the 'link evidence' list: grouped
    by kind, newest first within each kind."""
    return (
        Evidence.objects.filter(service_id=response.assessment.service_id, superseded_at__isnull=True)
        .exclude(links__response=response)
        .only("id", "title", "kind", "effective_on")
        .order_by("kind", "-effective_on", "title", "id")
    )


def evidence_library(
    *, service: Service, user: User, query: str = "", kind: str = "", include_superseded: bool = False
) -> QuerySet[Evidence]:
    """A service's evidence, newest first, with how many standards each item supports in the open portfolio."""
    items = Evidence.objects.visible_to(user).filter(service=service).select_related("owner")
    if not include_superseded:
        items = items.filter(superseded_at__isnull=True)
    if query:
        items = items.filter(Q(title__icontains=query) | Q(description__icontains=query))
    if kind:
        items = items.filter(kind=kind)
    open_states = ~Q(links__response__assessment__status__in=Assessment.CLOSED_STATES)
    return items.annotate(n_links=Count("links", filter=open_states)).order_by("-effective_on", "title", "id")


def evidence_item(*, pk: int) -> Evidence | None:
    return Evidence.objects.select_related("service__organisation", "owner", "created_by").filter(pk=pk).first()


def evidence_history(*, evidence: Evidence) -> list[Evidence]:
    return list(
        Evidence.objects.filter(lineage=evidence.lineage, service_id=evidence.service_id)
        .select_related("created_by")
        .order_by("-version")
    )


def evidence_links_by_assessment(*, evidence: Evidence) -> list[EvidenceLink]:
    return list(
        EvidenceLink.objects.filter(evidence=evidence)
        .select_related("response__standard", "response__assessment__edition")
        .order_by("-response__assessment__started_at", "response__standard__value__order", "response__standard__order")
    )
