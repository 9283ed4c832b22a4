"""Reviewers see each other's scores only after submitting their own; the team never sees individual scores."""

import pytest
from django.urls import URLResolver, get_resolver, reverse

from reviews.services.report import consensus_save, report_save, visit_save
from reviews.services.scoring import review_submit
from workflow.engine import transition

from .conftest import due
from .test_workflow import score_all

pytestmark = pytest.mark.django_db

SECRET = "Lee Lead-Reviewer on"  # the lead's comments all start like this


def body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def every_get_url(assessment, assignments, evidence_id) -> list[str]:
    """Every GET page of the app that concerns this assessment, from the URL configuration."""
    values = {
        "service_id": assessment.service_id,
        "value_code": "BEL",
        "standard_code": "BEL.1",
        "evidence_id": evidence_id,
        "assignment_id": assignments[0].pk,
    }
    urls = [reverse("home")]
    for entry in get_resolver().url_patterns:
        if not isinstance(entry, URLResolver) or entry.namespace not in (
            "services",
            "portfolio",
            "evidence",
            "reviews",
        ):
            continue
        for pattern in entry.url_patterns:
            params = list(pattern.pattern.converters)
            name = f"{entry.namespace}:{pattern.name}"
            if pattern.name.startswith("assignment") or pattern.name in ("score", "score_value", "submit"):
                candidates = [{"pk": a.pk} for a in assignments]
            elif entry.namespace == "evidence" and "pk" in params:
                candidates = [{"pk": evidence_id}]
            else:
                candidates = [{"pk": assessment.pk}] if "pk" in params else [{}]
            for extra in candidates:
                kwargs = {param: values[param] for param in params if param != "pk"} | extra
                urls.append(reverse(name, kwargs=kwargs))
    return urls


def test_before_submitting_a_reviewer_sees_no_other_scores_anywhere(client, in_review, lead_reviewer, second_reviewer):
    lead = in_review.assignments.get(reviewer=lead_reviewer)
    other = in_review.assignments.get(reviewer=second_reviewer)
    score_all(lead, lead_reviewer, score="not_met")
    review_submit(assignment=lead, by=lead_reviewer)
    evidence_id = in_review.responses.first().evidence.first().pk
    client.force_login(second_reviewer)
    for url in every_get_url(in_review, [lead, other], evidence_id):
        assert SECRET not in body(client.get(url, follow=True)), url
    # Once they submit, they do see them.
    score_all(other, second_reviewer)
    review_submit(assignment=other, by=second_reviewer)
    page = client.get(reverse("reviews:score_value", args=[other.pk, "BEL"])).content.decode()
    assert SECRET in page


def test_the_team_never_sees_individual_scores(
    client, in_review, lead_reviewer, second_reviewer, team_lead, team_member, administrator
):
    lead = in_review.assignments.get(reviewer=lead_reviewer)
    other = in_review.assignments.get(reviewer=second_reviewer)
    score_all(lead, lead_reviewer, score="not_met")
    score_all(other, second_reviewer)
    review_submit(assignment=lead, by=lead_reviewer)
    review_submit(assignment=other, by=second_reviewer)
    evidence_id = in_review.responses.first().evidence.first().pk
    urls = every_get_url(in_review, [lead, other], evidence_id)

    def check():
        for person in (team_lead, team_member):
            client.force_login(person)
            for url in urls:
                page = body(client.get(url, follow=True))
                assert SECRET not in page, (person, url)
                assert "Sam Second on" not in page, (person, url)

    check()
    consensus_save(
        assessment=in_review,
        entries={r.pk: ("met", "Agreed.") for r in in_review.responses.all()},
        by=lead_reviewer,
    )
    visit_save(assessment=in_review, by=lead_reviewer, visited_on=due(), mode="online", met="Staff", findings="Good.")
    report_save(assessment=in_review, by=lead_reviewer, strengths="a", areas_for_development="b", action_points="c")
    transition(in_review, to="report_draft", by=lead_reviewer)
    check()


def test_outsiders_get_404_on_every_review_url(
    client, in_review, lead_reviewer, other_member, same_organisation_reviewer
):
    from tests.factories import UserFactory

    lead = in_review.assignments.get(reviewer=lead_reviewer)
    urls = []
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and entry.namespace == "reviews":
            for pattern in entry.url_patterns:
                params = list(pattern.pattern.converters)
                kwargs = {
                    "pk": lead.pk if pattern.name in ("assignment", "score", "score_value", "submit") else in_review.pk
                }
                if "assignment_id" in params:
                    kwargs["assignment_id"] = lead.pk
                if "value_code" in params:
                    kwargs["value_code"] = "BEL"
                urls.append(reverse(f"reviews:{pattern.name}", kwargs={k: v for k, v in kwargs.items() if k in params}))
    unassigned = UserFactory(is_reviewer=True)
    for person in (other_member, unassigned, same_organisation_reviewer):
        client.force_login(person)
        for url in urls:
            if url == reverse("reviews:programme"):
                continue
            assert client.get(url).status_code == 404, (person, url)
            assert client.post(url, {"reason": "x", "overall": "x"}).status_code == 404, (person, url)
    client.logout()
    for url in urls:
        assert client.get(url).status_code == 302, url


def test_a_same_organisation_reviewer_gets_404_on_the_portfolio_and_its_evidence(
    client, in_review, same_organisation_reviewer
):
    evidence = in_review.responses.first().evidence.first()
    client.force_login(same_organisation_reviewer)
    for url in (
        reverse("reviews:review", args=[in_review.pk]),
        reverse("portfolio:overview", args=[in_review.pk]),
        reverse("evidence:download", args=[evidence.pk]),
        reverse("evidence:detail", args=[evidence.pk]),
    ):
        assert client.get(url).status_code == 404, url
