"""The public register and certificate check show exactly the valid awards, in plain words, with no personal data."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from awards.models import Award, Outcome
from tests.factories import MembershipFactory, ServiceFactory, UserFactory, edition_with

pytestmark = pytest.mark.django_db


def make_award(name, *, setting="inpatient_ward", region="london", listed=True, **dates_and_flags):
    """An award row without running a whole review: the register reads only the award and its service."""
    from accreditation.models import Assessment
    from awards.models import Decision

    today = timezone.localdate()
    service = ServiceFactory(name=name, setting_type=setting, region=region, listed_on_register=listed)
    lead = MembershipFactory(service=service, role="lead", user__full_name=f"Lead of {name}").user
    edition = edition_with(standards_per_value=1) if not hasattr(make_award, "edition") else make_award.edition
    make_award.edition = edition
    assessment = Assessment.objects.create(service=service, edition=edition, due_on=today, started_by=lead)
    Assessment.objects.filter(pk=assessment.pk).update(status="decided")
    decision = Decision.objects.create(
        assessment=assessment,
        outcome=Outcome.AWARDED,
        recommended=Outcome.AWARDED,
        decided_on=today,
        rationale="Yes.",
        recorded_by=UserFactory(),
    )
    fields = {
        "valid_from": today - datetime.timedelta(days=30),
        "valid_until": today + datetime.timedelta(days=1000),
        "interim_due_on": today + datetime.timedelta(days=500),
    } | dates_and_flags
    return Award.objects.create(
        assessment=assessment,
        service=service,
        decision=decision,
        reference=f"EE-2026-{Award.objects.count() + 1:04d}",
        **fields,
    )


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    if hasattr(make_award, "edition"):
        del make_award.edition


@pytest.fixture
def awards():
    today = timezone.localdate()
    return {
        "valid": make_award("Oak Ward"),
        "interim_overdue": make_award("Ash House", interim_due_on=today - datetime.timedelta(days=1)),
        "expired": make_award("Elm Unit", valid_until=today - datetime.timedelta(days=1)),
        "suspended": make_award(
            "Birch Wing", state="suspended", suspended_at=timezone.now(), suspension_reason="Inquiry."
        ),
        "revoked": make_award("Yew Court", state="revoked", revoked_at=timezone.now(), revocation_reason="Closed."),
        "opted_out": make_award("Hidden Hostel", listed=False),
    }


def test_the_register_lists_exactly_the_valid_listed_awards(client, awards):
    page = client.get(reverse("public:register")).content.decode()
    for key, award in awards.items():
        listed = key in ("valid", "interim_overdue")
        assert (award.service.name in page) is listed, key
    assert "2 services listed" in page
    assert "Lead of" not in page, "no personal data"


def test_the_register_searches_and_filters(client, awards):
    make_award("Pine Prison Wing", setting="prison_wing", region="wales")
    url = reverse("public:register")
    assert "Pine Prison Wing" in client.get(url, {"setting": "prison_wing"}).content.decode()
    assert "Oak Ward" not in client.get(url, {"setting": "prison_wing"}).content.decode()
    assert "Pine Prison Wing" in client.get(url, {"region": "wales"}).content.decode()
    page = client.get(url, {"q": "oak"}).content.decode()
    assert "Oak Ward" in page and "Ash House" not in page


@pytest.mark.parametrize(
    ("key", "words"),
    [
        ("valid", "This award is valid until"),
        ("interim_overdue", "has not yet been completed"),
        ("expired", "expired on"),
        ("suspended", "was suspended on"),
        ("revoked", "was revoked on"),
    ],
)
def test_every_status_reads_in_plain_words_on_the_verify_page(client, awards, key, words):
    award = awards[key]
    response = client.get(reverse("public:verify", args=[award.verification_code]))
    assert response.status_code == 200
    page = response.content.decode()
    assert words in page and award.reference in page and award.service.name in page
    assert "Lead of" not in page


def test_an_unknown_code_reveals_nothing(client, awards):
    response = client.get(reverse("public:verify", args=["ZZZZZZZZZZZZ"]))
    assert response.status_code == 404
    page = response.content.decode()
    assert "There is no Enabling Environments certificate with that verification code" in page
    assert "Oak Ward" not in page


def test_the_verify_form_goes_to_the_code(client, awards):
    code = awards["valid"].verification_code
    spaced = f"{code[:4]} {code[4:8]}-{code[8:]}".lower()
    response = client.get(reverse("public:verify_form"), {"code": spaced})
    assert response["Location"] == reverse("public:verify", args=[code])


def test_checks_are_throttled_against_guessing(client, settings, awards):
    settings.VERIFY_RATE_PER_MINUTE = 5
    for attempt in range(5):
        assert client.get(reverse("public:verify", args=[f"GUESS{attempt:07d}"])).status_code == 404
    response = client.get(reverse("public:verify", args=[awards["valid"].verification_code]))
    assert response.status_code == 429
    assert "Wait a minute" in response.content.decode()


@pytest.mark.parametrize("extra", [0, 30])
def test_public_pages_have_a_fixed_number_of_queries(client, django_assert_num_queries, awards, extra):
    for number in range(extra):
        make_award(f"Extra {number}")
    with django_assert_num_queries(2):  # count, page
        assert client.get(reverse("public:register")).status_code == 200
    with django_assert_num_queries(1):
        assert client.get(reverse("public:verify", args=[awards["valid"].verification_code])).status_code == 200


def test_every_register_row_links_to_its_award_public_check(client, awards):
    from html.parser import HTMLParser

    class Rows(HTMLParser):
        """The links inside each row of the register's table body."""

        def __init__(self):
            super().__init__()
            self.rows, self.in_body = [], False

        def handle_starttag(self, tag, attrs):
            if tag == "tbody":
                self.in_body = True
            elif tag == "tr" and self.in_body:
                self.rows.append([])
            elif tag == "a" and self.in_body and self.rows:
                self.rows[-1].append(dict(attrs)["href"])

        def handle_endtag(self, tag):
            if tag == "tbody":
                self.in_body = False

    parser = Rows()
    parser.feed(client.get(reverse("public:register")).content.decode())
    assert len(parser.rows) == 2
    for links, award in zip(parser.rows, (awards["interim_overdue"], awards["valid"]), strict=True):
        assert links == [reverse("public:verify", args=[award.verification_code])]
        response = client.get(links[0])
        assert response.status_code == 200 and award.reference in response.content.decode()
