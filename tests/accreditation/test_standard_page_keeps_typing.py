"""What a person types on a standard's page survives linking, unlinking and moving to another standard. (Before: the
link and unlink buttons were forms of their own and the previous/next links plain links, so a typed narrative was
dropped without a word.)"""

import pytest
from django.urls import reverse

from accreditation.models import Response
from accreditation.services.assessments import response_save
from accreditation.services.evidence import evidence_link
from workflow.models import AuditEvent

pytestmark = pytest.mark.django_db


def saved(assessment, code="BEL.1") -> Response:
    return Response.objects.get(assessment=assessment, standard__code=code)


def test_the_link_and_unlink_buttons_belong_to_the_narrative_form(client, assessment, team_member, make_evidence):
    evidence = make_evidence(title="Minutes of May")
    linked = make_evidence(title="Ward charter")
    evidence_link(response=saved(assessment), evidence=linked, by=team_member)
    client.force_login(team_member)
    page = client.get(reverse("portfolio:standard", args=[assessment.pk, "BEL.1"])).content.decode()
    link = reverse("portfolio:link", args=[assessment.pk, "BEL.1"])
    unlink = reverse("portfolio:unlink", args=[assessment.pk, "BEL.1", linked.pk])
    assert f'form="response-form" formaction="{link}"' in page and f'name="evidence" value="{evidence.pk}"' in page
    assert f'form="response-form" formaction="{unlink}"' in page
    assert f'hx-post="{link}"' in page and 'hx-target="#evidence"' in page


def test_linking_saves_the_typed_narrative_as_a_draft_first(client, assessment, team_member, make_evidence):
    evidence = make_evidence(title="Minutes of May")
    client.force_login(team_member)
    url = reverse("portfolio:link", args=[assessment.pk, "BEL.1"])
    response = client.post(
        url, {"rating": "partly_met", "narrative": "Typed\r\nbefore linking", "version": 0, "evidence": evidence.pk}
    )
    assert response["Location"] == reverse("portfolio:standard", args=[assessment.pk, "BEL.1"])
    row = saved(assessment)
    assert (row.rating, row.narrative, row.version) == ("partly_met", "Typed\nbefore linking", 1)
    assert list(row.evidence.all()) == [evidence]
    page = client.get(response["Location"]).content.decode()
    assert "Your draft of BEL.1 was saved." in page and "“Minutes of May” now supports BEL.1." in page
    assert "Typed\nbefore linking" in page


def test_unlinking_saves_the_typed_narrative_as_a_draft_first(client, assessment, team_member, make_evidence):
    evidence = make_evidence(title="Minutes of May")
    evidence_link(response=saved(assessment), evidence=evidence, by=team_member)
    client.force_login(team_member)
    client.post(
        reverse("portfolio:unlink", args=[assessment.pk, "BEL.1", evidence.pk]),
        {"rating": "met", "narrative": "Typed before unlinking", "version": 0},
    )
    row = saved(assessment)
    assert (row.narrative, row.version) == ("Typed before unlinking", 1)
    assert not row.evidence.exists()


def test_an_unchanged_form_is_not_saved_again_when_linking(client, assessment, team_member, make_evidence):
    evidence = make_evidence()
    client.force_login(team_member)
    events = AuditEvent.objects.filter(action="accreditation.response.saved").count()
    client.post(
        reverse("portfolio:link", args=[assessment.pk, "BEL.1"]),
        {"rating": "", "narrative": "", "version": 0, "evidence": evidence.pk},
    )
    assert AuditEvent.objects.filter(action="accreditation.response.saved").count() == events
    assert saved(assessment).version == 0 and saved(assessment).evidence.count() == 1


def test_a_conflict_while_linking_keeps_the_text_and_links_nothing(
    client, assessment, team_member, team_lead, make_evidence
):
    evidence = make_evidence()
    response_save(
        response=saved(assessment), rating="met", narrative="The lead's text", expected_version=0, by=team_lead
    )
    client.force_login(team_member)
    response = client.post(
        reverse("portfolio:link", args=[assessment.pk, "BEL.1"]),
        {"rating": "not_met", "narrative": "The member's text", "version": 0, "evidence": evidence.pk},
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else saved this standard while you were editing" in page
    assert "The member&#x27;s text" in page and "has not been linked or unlinked yet" in page
    assert not saved(assessment).evidence.exists()


def test_a_narrative_too_long_while_linking_is_shown_again(client, assessment, team_member, make_evidence):
    evidence = make_evidence()
    client.force_login(team_member)
    text = "Our story. " * 1000
    response = client.post(
        reverse("portfolio:link", args=[assessment.pk, "BEL.1"]),
        {"rating": "met", "narrative": text, "version": 0, "evidence": evidence.pk},
    )
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode() and text.strip() in response.content.decode()
    assert not saved(assessment).evidence.exists()


def test_with_htmx_only_the_evidence_part_comes_back_and_the_form_is_left_alone(
    client, assessment, team_member, make_evidence
):
    evidence = make_evidence(title="Minutes of May")
    client.force_login(team_member)
    response = client.post(
        reverse("portfolio:link", args=[assessment.pk, "BEL.1"]),
        {"rating": "met", "narrative": "Still being typed", "version": 0, "evidence": evidence.pk},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert '<section id="evidence"' in page
    assert "<html" not in page and 'name="narrative"' not in page
    assert "“Minutes of May” now supports BEL.1." in page
    row = saved(assessment)
    assert (row.narrative, row.version) == ("", 0), "the form stays in the browser, unsaved"
    assert list(row.evidence.all()) == [evidence]
    # The message was shown in the evidence part, not kept for the next page.
    page = client.get(reverse("portfolio:standard", args=[assessment.pk, "BEL.1"])).content.decode()
    assert "now supports" not in page


def test_the_neighbour_buttons_save_and_go(client, assessment, team_member):
    client.force_login(team_member)
    page = client.get(reverse("portfolio:standard", args=[assessment.pk, "BEL.2"])).content.decode()
    assert 'form="response-form" name="save_previous"' in page and "← Save and go to BEL.1" in page
    assert 'form="response-form" name="save_next"' in page
    response = client.post(
        reverse("portfolio:standard", args=[assessment.pk, "BEL.2"]),
        {"rating": "", "narrative": "Typed, then went back", "version": 0, "save_previous": "1"},
    )
    assert response["Location"] == reverse("portfolio:standard", args=[assessment.pk, "BEL.1"])
    assert saved(assessment, "BEL.2").narrative == "Typed, then went back"


def test_moving_on_without_changes_saves_nothing(client, assessment, team_member):
    client.force_login(team_member)
    response = client.post(
        reverse("portfolio:standard", args=[assessment.pk, "BEL.2"]),
        {"rating": "", "narrative": "", "version": 0, "save_next": "1"},
    )
    assert response["Location"] == reverse("portfolio:standard", args=[assessment.pk, "BOU.1"])
    assert saved(assessment, "BEL.2").version == 0
    assert not AuditEvent.objects.filter(action="accreditation.response.saved").exists()


def test_people_who_may_not_edit_see_plain_links_to_the_neighbours(client, submitted, team_member):
    client.force_login(team_member)
    page = client.get(reverse("portfolio:standard", args=[submitted.pk, "BEL.2"])).content.decode()
    assert 'rel="prev"' in page and "Save and go" not in page and 'form="response-form"' not in page


def test_starting_a_portfolio_does_not_promise_that_everything_saves_by_itself(client, edition, team_lead, service):
    client.force_login(team_lead)
    page = client.post(reverse("services:start", args=[service.pk]), follow=True).content.decode()
    assert "saves as you go" not in page and "Press Save on each standard" in page
