"""Malformed input gets a clear answer, never a 500: control characters never reach the database (PostgreSQL refuses
NUL in text), a form too large to read gets a page that says the text is still in the page before, and the certificate
check explains a code that cannot be one."""

import re
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.urls import reverse

from accreditation.middleware import CONTROL_CHARACTERS
from reviews.models import ActionPoint, ConsensusScore, ReviewerScore
from reviews.services.scoring import review_submit, scores_save

pytestmark = pytest.mark.django_db

HOSTILE = "Fine\x00 work\x07 here\x1b[31m.\tTabs,\r\nand lines stay."
CLEANED = "Fine work here[31m.\tTabs,\nand lines stay."


@pytest.mark.parametrize("typed", ["EE-2026-0001.", "ABCD/EFGH", "ABCD#EFGH", "ÉCOLE2345678", "..", "A" * 200])
def test_the_certificate_check_explains_a_code_that_cannot_be_one(client, typed):
    response = client.get(reverse("public:verify_form"), {"code": typed})
    assert response.status_code == 400
    page = response.content.decode()
    assert "A verification code has only letters and digits" in page
    assert 'aria-invalid="true"' in page


def test_the_certificate_page_itself_takes_any_slug_without_a_500(client):
    for code in ["a_b", "9" * 300, "EE-2026-0001"]:
        assert client.get(reverse("public:verify", args=[code])).status_code == 404


def test_control_characters_never_reach_reviewer_comments_consensus_or_action_points(
    client, in_review, lead_reviewer, second_reviewer
):
    """Through the real pages, as a browser would post them (run on PostgreSQL too: it refuses NUL outright)."""
    lead = in_review.assignments.get(reviewer=lead_reviewer)
    response = in_review.responses.select_related("standard__value").first()
    client.force_login(lead_reviewer)
    posted = client.post(
        reverse("reviews:score_value", args=[lead.pk, response.standard.value.code]),
        {f"score-{response.pk}": "met", f"comment-{response.pk}": HOSTILE},
    )
    assert posted.status_code == 302
    assert ReviewerScore.objects.get(assignment=lead, response=response).comment == CLEANED

    for assignment in in_review.assignments.select_related("reviewer"):
        scores_save(
            assignment=assignment,
            entries={r.pk: ("met", "Good.") for r in in_review.responses.all()},
            by=assignment.reviewer,
        )
        review_submit(assignment=assignment, by=assignment.reviewer)
    posted = client.post(
        reverse("reviews:consensus", args=[in_review.pk]),
        {f"consensus-{response.pk}": "met", f"reason-{response.pk}": HOSTILE},
    )
    assert posted.status_code == 302
    assert ConsensusScore.objects.get(response=response).reason == CLEANED

    posted = client.post(
        reverse("reviews:return", args=[in_review.pk]), {"overall": HOSTILE, f"point-{response.pk}": "\x00" + HOSTILE}
    )
    assert posted.status_code == 302, posted.content.decode()[:2000]
    # Line ends are each field's own business (browsers send CR LF); only the control characters had to go.
    assert [text.replace("\r\n", "\n") for text in ActionPoint.objects.values_list("text", flat=True)] == [CLEANED] * 2


def test_control_characters_are_taken_out_of_query_strings_and_field_names(client):
    response = client.get(reverse("public:register"), {"q": "Oak\x00\x01 Ward", "region\x00": "x"})
    assert response.status_code == 200
    assert response.wsgi_request.GET["q"] == "Oak Ward" and "region" in response.wsgi_request.GET
    assert not CONTROL_CHARACTERS.search(response.content.decode().replace("\r", "").replace("\n", ""))


def largest_consensus_body(edition) -> bytes:
    """The consensus page of `edition` with every reason at its longest in 4-byte characters, encoded as a browser
    sends a form (application/x-www-form-urlencoded: each such character becomes 12 bytes)."""
    limit = ConsensusScore._meta.get_field("reason").max_length
    fields = {"csrfmiddlewaretoken": "x" * 64}
    for n, _ in enumerate(s for v in edition.values.all() for s in v.standards.all()):
        fields[f"consensus-{100000 + n}"] = "partly_met"
        fields[f"reason-{100000 + n}"] = "😀" * limit
    return urlencode(fields).encode()


def test_the_body_limit_fits_the_largest_legitimate_form_with_room(edition_2026):
    body = largest_consensus_body(edition_2026)
    standards = sum(value.standards.count() for value in edition_2026.values.all())
    assert standards == 45
    # 1.6 MB for this edition: the limit holds editions four times as large.
    assert 4 * len(body) < settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert len(body) > 2.5 * 1024 * 1024 / 2, "the measure is of the widest characters, not of typical text"


def test_a_form_too_large_to_read_says_the_text_is_still_in_the_page_before(client, assessment, team_lead):
    response = assessment.responses.select_related("standard").first()
    client.force_login(team_lead)
    url = reverse("portfolio:standard", args=[assessment.pk, response.standard.code])
    narrative = "We do this. " * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 12 + 1)
    answer = client.post(url, {"rating": "met", "narrative": narrative, "version": response.version})
    assert answer.status_code == 413
    page = answer.content.decode()
    assert "Your text is not lost" in page and "<strong>Back</strong>" in page and "10 MB" in page
    response.refresh_from_db()
    assert response.narrative == ""


def test_a_long_but_legitimate_form_is_read(client, settings, assessment, team_lead):
    """Over Django's 2.5 MB default, under ours: the narrative page answers with its own words, not a bare 400."""
    response = assessment.responses.select_related("standard").first()
    client.force_login(team_lead)
    url = reverse("portfolio:standard", args=[assessment.pk, response.standard.code])
    answer = client.post(url, {"rating": "met", "narrative": "x" * (3 * 1024 * 1024), "version": response.version})
    assert answer.status_code == 200
    assert re.search(r"10,000 characters", answer.content.decode())


def test_textareas_of_limited_fields_carry_maxlength(client, in_review, lead_reviewer):
    lead = in_review.assignments.get(reviewer=lead_reviewer)
    scores_save(assignment=lead, entries={r.pk: ("met", "") for r in in_review.responses.all()}, by=lead_reviewer)
    review_submit(assignment=lead, by=lead_reviewer)
    client.force_login(lead_reviewer)
    page = client.get(reverse("reviews:consensus", args=[in_review.pk])).content.decode()
    reasons = re.findall(r"<textarea[^>]*name=\"reason-\d+\"[^>]*>", page)
    assert reasons and all('maxlength="3000"' in tag for tag in reasons)
