import pytest
from django.core.management import call_command

from accreditation.models import Organisation, Service, ServiceMembership, User
from standards.models import Edition

pytestmark = pytest.mark.django_db


def run_seed() -> str:
    from io import StringIO

    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_seed_demo_creates_the_people_and_services_and_prints_logins():
    output = run_seed()
    assert Edition.objects.filter(code="2026", status="published").exists()
    assert User.objects.filter(is_administrator=True).count() == 1
    assert User.objects.filter(is_reviewer=True).count() == 3
    assert Organisation.objects.count() == 3
    for service in Service.objects.all():
        assert service.memberships.filter(role=ServiceMembership.Role.LEAD).count() == 1
        assert service.memberships.filter(role=ServiceMembership.Role.MEMBER).exists()
    for user in User.objects.all():
        assert user.email in output
    assert "demo-admin-password" in output
    admin = User.objects.get(email="admin@example.org")
    assert admin.check_password("demo-admin-password")


def test_seed_demo_can_run_twice():
    run_seed()
    counts = (User.objects.count(), Service.objects.count(), ServiceMembership.objects.count())
    second = run_seed()
    assert (User.objects.count(), Service.objects.count(), ServiceMembership.objects.count()) == counts
    assert "Already loaded" in second
    assert second.count("@example.org") == counts[0]


def test_seed_demo_gives_one_service_a_half_finished_portfolio_and_another_a_submitted_one(settings):
    from accreditation.models import Assessment, Evidence
    from accreditation.selectors.assessments import portfolio_progress
    from accreditation.services.evidence import evidence_open_verified

    run_seed()
    half = Assessment.objects.get(service__name="Willow Ward")
    progress = portfolio_progress(assessment=half)
    assert half.status == "draft"
    assert 0 < progress.complete < progress.total
    done = Assessment.objects.get(service__name="C Wing Psychologically Informed Unit")
    assert done.status != "draft"
    assert portfolio_progress(assessment=done).missing == []
    files = Evidence.objects.exclude(file="")
    assert files.count() >= 8
    assert {item.content_type for item in files} >= {"application/pdf", "image/png", "text/plain", "text/csv"}
    for item in files:
        with evidence_open_verified(evidence=item) as handle:
            assert handle.read(4)


def test_seed_demo_leaves_one_assessment_mid_review_and_one_with_a_final_report():
    from accreditation.models import Assessment
    from reviews.models import ReviewReport

    run_seed()
    mid = Assessment.objects.get(service__name="C Wing Psychologically Informed Unit")
    assert mid.status == "in_review"
    assert mid.assignments.filter(status="accepted").count() == 2
    assert mid.assignments.filter(scores__isnull=False).exists()
    final = Assessment.objects.get(service__name="Harbour House")
    assert final.status == "report_final"
    assert final.submissions.count() == 2
    assert ReviewReport.objects.get(assessment=final).finalised_at is not None


def test_seed_demo_ends_with_a_valid_award_whose_pdf_is_ready():
    from awards.models import Award

    run_seed()
    award = Award.objects.get()
    assert award.status == "valid"
    report = award.reports.get()
    assert report.status == "ready" and report.pages > 5
    with report.file.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"


def test_the_demo_on_another_port_prints_links_to_that_port(settings):
    """`make run PORT=8103` exports SITE_URL=http://127.0.0.1:8103: what it prints (and e-mails, and puts on
    certificates, which read the same setting) points there, not at :8000."""
    settings.SITE_URL = "http://127.0.0.1:8103"
    output = run_seed()
    assert "http://127.0.0.1:8103/account/sign-in/" in output
    assert ":8000" not in output
