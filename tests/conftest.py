import datetime
import json

import pytest
from django.conf import settings

from accreditation.models import ServiceMembership
from accreditation.services.assessments import assessment_start, response_save
from accreditation.services.evidence import evidence_create, evidence_link
from reviews.services.assignments import Reply, assignment_create, assignment_respond
from reviews.services.report import consensus_save, report_comments_send, report_save, visit_save
from reviews.services.scoring import review_submit, scores_save
from standards.services import edition_load
from workflow.engine import transition

from .factories import PASSWORD, MembershipFactory, ServiceFactory, UserFactory, edition_with
from .files import upload

EDITION_2026 = settings.BASE_DIR / "fixtures" / "standards" / "edition-2026.json"


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Every test gets its own empty folder for uploaded files."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def edition_2026_data():
    return json.loads(EDITION_2026.read_text(encoding="utf-8"))


@pytest.fixture
def edition_2026(db, edition_2026_data):
    edition, _ = edition_load(data=edition_2026_data)
    return edition


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def administrator(db):
    return UserFactory(email="admin@example.org", full_name="Ada Admin", is_administrator=True)


@pytest.fixture
def reviewer(db):
    return UserFactory(email="reviewer@example.org", full_name="Rhys Reviewer", is_reviewer=True)


@pytest.fixture
def service(db):
    return ServiceFactory(name="Willow Ward")


@pytest.fixture
def team_lead(service):
    return MembershipFactory(
        service=service, role=ServiceMembership.Role.LEAD, user__full_name="Lena Lead", user__email="lead@example.org"
    ).user


@pytest.fixture
def team_member(service):
    return MembershipFactory(
        service=service,
        role=ServiceMembership.Role.MEMBER,
        user__full_name="Mo Member",
        user__email="member@example.org",
    ).user


@pytest.fixture
def edition(db):
    """A published edition of ten values with two standards each: small enough to fill in quickly."""
    return edition_with(standards_per_value=2)


@pytest.fixture
def assessment(edition, team_lead, team_member):
    return assessment_start(service=team_lead.memberships.get().service, by=team_lead)


@pytest.fixture
def other_member(db):
    """On the team of a different service."""
    return MembershipFactory(user__full_name="Otto Other", user__email="other@example.org").user


@pytest.fixture
def make_evidence(team_member):
    def make(service=None, by=None, upload=None, **fields):
        by = by or team_member
        service = service or by.memberships.first().service
        fields.setdefault("title", "Community meeting minutes")
        return evidence_create(service=service, by=by, owner=by, no_personal_data=True, upload=upload, **fields)

    return make


def complete(assessment, by, evidence=None, rating="met"):
    """Give every standard of `assessment` a rating, a narrative and one piece of evidence."""
    if evidence is None:
        evidence = evidence_create(
            service=assessment.service,
            by=by,
            owner=by,
            no_personal_data=True,
            title="Everything",
            upload=upload("minutes.pdf"),
        )
    for response in assessment.responses.select_related("assessment", "standard"):
        response_save(
            response=response, rating=rating, narrative="We do this.", expected_version=response.version, by=by
        )
        evidence_link(response=response, evidence=evidence, by=by)
    return evidence


@pytest.fixture
def lead_reviewer(db):
    return UserFactory(full_name="Lee Lead-Reviewer", email="lead.reviewer@example.org", is_reviewer=True)


@pytest.fixture
def second_reviewer(db):
    return UserFactory(full_name="Sam Second", email="second@example.org", is_reviewer=True)


@pytest.fixture
def submitted(assessment, team_lead):
    """A complete portfolio, submitted by the team lead."""
    complete(assessment, team_lead)
    transition(assessment, to="submitted", by=team_lead)
    assessment.refresh_from_db()
    return assessment


def due():
    """A due date comfortably in the future."""
    return datetime.date.today() + datetime.timedelta(days=30)


@pytest.fixture
def in_review(submitted, administrator, lead_reviewer, second_reviewer):
    """Two reviewers assigned and accepted; the review has started."""
    lead = assignment_create(assessment=submitted, reviewer=lead_reviewer, is_lead=True, due_on=due(), by=administrator)
    other = assignment_create(
        assessment=submitted, reviewer=second_reviewer, is_lead=False, due_on=due(), by=administrator
    )
    assignment_respond(assignment=lead, by=lead_reviewer, reply=Reply.ACCEPT)
    assignment_respond(assignment=other, by=second_reviewer, reply=Reply.ACCEPT)
    submitted.refresh_from_db()
    return submitted


@pytest.fixture
def same_organisation_reviewer(service):
    """A reviewer who works in another service of the same organisation as the one under review."""
    return MembershipFactory(
        service__organisation=service.organisation, user__is_reviewer=True, user__full_name="Nina Neighbour"
    ).user


@pytest.fixture
def report_final(in_review, lead_reviewer, second_reviewer, team_lead):
    """A finished review: both reviewers scored every standard Met, consensus Met, visit, report, comments, final."""
    for assignment in in_review.assignments.select_related("reviewer"):
        entries = {response.pk: ("met", "Good.") for response in in_review.responses.all()}
        scores_save(assignment=assignment, entries=entries, by=assignment.reviewer)
        review_submit(assignment=assignment, by=assignment.reviewer)
    consensus_save(
        assessment=in_review, entries={r.pk: ("met", "") for r in in_review.responses.all()}, by=lead_reviewer
    )
    visit_save(assessment=in_review, by=lead_reviewer, visited_on=due(), mode="online", met="Staff", findings="Good.")
    report_save(
        assessment=in_review, by=lead_reviewer, strengths="Warm.", areas_for_development="More.", action_points="Do."
    )
    transition(in_review, to="report_draft", by=lead_reviewer)
    report_comments_send(assessment=in_review, by=team_lead)
    transition(in_review, to="report_final", by=lead_reviewer)
    in_review.refresh_from_db()
    return in_review


def pytest_terminal_summary(terminalreporter):
    """Say where the browser tests left their screenshots, so people look at them."""
    from tests.browser.conftest import SCREENSHOTS

    if SCREENSHOTS.exists() and any(SCREENSHOTS.glob("*.png")):
        terminalreporter.write_line(f"Browser screenshots: {SCREENSHOTS}")


PANEL = [("Chris Chair", "chair"), ("Lou Lived", "lived_experience")]


def decide(assessment, by, outcome="awarded", **extra):
    """The panel's decision on a final report, as the decision page records it."""
    from django.utils import timezone

    from awards.services import PanelSeat, decision_record

    return decision_record(
        assessment=assessment,
        by=by,
        outcome=outcome,
        decided_on=timezone.localdate(),
        rationale=extra.pop("rationale", "Meets the standards."),
        panel=extra.pop("panel", [PanelSeat(*seat) for seat in PANEL]),
        **extra,
    )


@pytest.fixture
def awarded(report_final, administrator, django_capture_on_commit_callbacks):
    """The whole cycle done: an award, with its first PDF report made."""
    from awards.models import Award

    with django_capture_on_commit_callbacks(execute=True):
        decide(report_final, administrator)
    return Award.objects.get(assessment=report_final)


@pytest.fixture
def in_the_renewal_window(awarded):
    """The clock on the day the award's renewal window opens: the first day a renewal may start."""
    import time_machine

    from accreditation.selectors.people import renewal_opens_on

    opens = datetime.datetime.combine(renewal_opens_on(awarded), datetime.time(12))
    with time_machine.travel(opens, tick=False):
        yield opens.date()
