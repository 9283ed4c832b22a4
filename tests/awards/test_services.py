"""Decisions, awards, conditions, appeals, renewals: each through the services, each audited."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accreditation.models import Assessment, EvidenceLink
from awards.models import Appeal, Award, AwardReport, Decision
from awards.services import (
    ConditionDraft,
    PanelSeat,
    appeal_decide,
    appeal_lodge,
    assessment_renew,
    award_reinstate,
    award_revoke,
    award_suspend,
    condition_check,
    interim_review_record,
    report_retry,
)
from tests.conftest import decide
from workflow.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_awarding_issues_an_award_with_reference_code_dates_and_a_report(awarded, report_final):
    report_final.refresh_from_db()
    assert report_final.status == "decided"
    today = timezone.localdate()
    assert awarded.reference == f"EE-{today.year}-0001"
    assert len(awarded.verification_code) == 12 and awarded.verification_code.isalnum()
    assert awarded.valid_from == today
    assert awarded.valid_until.year == today.year + 3
    assert (awarded.interim_due_on - today).days in range(540, 555)
    assert awarded.status == "valid"
    report = awarded.reports.get()
    assert report.status == "ready" and report.pages > 3 and len(report.sha256) == 64
    for action in ("accreditation.decision.recorded", "accreditation.award.issued", "accreditation.award_report.ready"):
        assert AuditEvent.objects.filter(action=action).exists(), action
    assert AuditEvent.objects.filter(
        action="accreditation.assessment.decided", from_state="report_final", to_state="decided"
    ).exists()


def test_verification_codes_are_not_sequential(report_final, administrator):
    from awards.models import new_verification_code

    codes = {new_verification_code() for _ in range(200)}
    assert len(codes) == 200


def test_overriding_the_recommendation_needs_a_reason(report_final, administrator):
    with pytest.raises(ValidationError, match="Say why the panel decided otherwise"):
        decide(report_final, administrator, outcome="not_awarded")
    assert not Decision.objects.exists()
    decision = decide(
        report_final, administrator, outcome="not_awarded", override_reason="Serious concerns at the visit."
    )
    assert decision.overrides_recommendation
    assert not Award.objects.exists()


def test_the_panel_needs_a_lived_experience_member(report_final, administrator):
    with pytest.raises(ValidationError, match="lived-experience member"):
        decide(report_final, administrator, panel=[PanelSeat("Chris Chair", "chair")])


@pytest.mark.parametrize("who", ["team_lead", "lead_reviewer", "team_member"])
def test_only_administrators_decide(report_final, who, request):
    with pytest.raises(PermissionDenied):
        decide(report_final, request.getfixturevalue(who))


def test_no_decision_before_the_report_is_final(in_review, administrator):
    with pytest.raises(ValidationError, match="once the review report is final"):
        decide(in_review, administrator)


def test_deferral_sets_conditions_then_the_lead_reviewer_checks_them_and_the_award_follows(
    report_final, administrator, lead_reviewer
):
    due = timezone.localdate() + datetime.timedelta(days=60)
    with pytest.raises(ValidationError, match="at least one condition"):
        decide(report_final, administrator, outcome="deferred", override_reason="Need more.")
    decision = decide(
        report_final,
        administrator,
        outcome="deferred",
        override_reason="The visit raised questions about weekends.",
        conditions=[ConditionDraft("Show the weekend activity plan.", due)],
    )
    report_final.refresh_from_db()
    assert report_final.status == "deferred"
    with pytest.raises(ValidationError, match="still needs the lead reviewer's check"):
        decide(report_final, administrator)
    condition = decision.conditions.get()
    condition.decision.assessment = report_final
    condition_check(condition=condition, by=lead_reviewer, note="Plan seen, signed off by residents.")
    decide(report_final, administrator, rationale="Conditions met.")
    report_final.refresh_from_db()
    assert report_final.status == "decided"
    assert Award.objects.filter(assessment=report_final).exists()
    assert AuditEvent.objects.filter(action="accreditation.condition.met", actor=lead_reviewer).exists()


def test_an_appeal_is_lodged_by_the_team_lead_within_the_window_and_decided_by_an_administrator(
    report_final, administrator, team_lead, team_member, settings
):
    decision = decide(report_final, administrator, outcome="not_awarded", override_reason="Concerns.")
    with pytest.raises(PermissionDenied):
        appeal_lodge(decision=decision, by=team_member, grounds="Unfair.")
    appeal = appeal_lodge(decision=decision, by=team_lead, grounds="The visit missed our evening groups.")
    with pytest.raises(ValidationError, match="already waiting"):
        appeal_lodge(decision=decision, by=team_lead, grounds="Again.")
    with pytest.raises(PermissionDenied):
        appeal_decide(appeal=appeal, by=team_lead, result="upheld", note="x")
    appeal_decide(appeal=appeal, by=administrator, result="upheld", note="The panel will reconsider.")
    appeal.refresh_from_db()
    assert appeal.status == "upheld"
    assert AuditEvent.objects.filter(action="accreditation.appeal.lodged", actor=team_lead).exists()
    assert AuditEvent.objects.filter(action="accreditation.appeal.upheld", actor=administrator).exists()
    Decision.objects.filter(pk=decision.pk).update(decided_on=timezone.localdate() - datetime.timedelta(days=29))
    decision.refresh_from_db()
    with pytest.raises(ValidationError, match="time to appeal ended"):
        appeal_lodge(decision=decision, by=team_lead, grounds="Late.")
    assert Appeal.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "status", "words"),
    [
        ({}, "valid", "This award is valid until"),
        ({"interim_due_on": -1}, "interim_overdue", "interim review"),
        ({"valid_until": -1}, "expired", "expired on"),
        ({"suspended_at": True, "state": "suspended"}, "suspended", "was suspended on"),
        ({"revoked_at": True, "state": "revoked"}, "revoked", "was revoked on"),
    ],
)
def test_the_status_follows_dates_and_actions_in_plain_words(awarded, change, status, words):
    today = timezone.localdate()
    for field, value in change.items():
        if isinstance(value, str):
            value = value
        elif value is True:
            value = timezone.now()
        else:
            value = today + datetime.timedelta(days=value)
        setattr(awarded, field, value)
    assert awarded.status == status
    assert words in awarded.status_in_words


def test_suspending_and_revoking_need_a_reason_and_reissue_the_report(
    awarded, administrator, django_capture_on_commit_callbacks
):
    with pytest.raises(ValidationError):
        award_suspend(award=awarded, by=administrator, reason="")
    with django_capture_on_commit_callbacks(execute=True):
        award_suspend(award=awarded, by=administrator, reason="Safeguarding investigation.")
    awarded.refresh_from_db()
    assert awarded.status == "suspended"
    assert list(awarded.reports.values_list("version", "status")) == [(2, "ready"), (1, "ready")]
    award_reinstate(award=awarded, by=administrator, reason="Investigation closed.")
    award_revoke(award=awarded, by=administrator, reason="Service closed.")
    awarded.refresh_from_db()
    assert awarded.status == "revoked"
    actions = set(AuditEvent.objects.filter(target_id=str(awarded.pk)).values_list("action", flat=True))
    assert {"accreditation.award.suspended", "accreditation.award.reinstated", "accreditation.award.revoked"} <= actions


def test_interim_review(awarded, administrator):
    awarded.interim_due_on = timezone.localdate() - datetime.timedelta(days=1)
    awarded.save()
    assert awarded.status == "interim_overdue"
    interim_review_record(award=awarded, by=administrator, completed_on=timezone.localdate())
    assert awarded.status == "valid"


def test_a_failed_render_records_why_leaves_no_file_and_can_be_retried(
    awarded, administrator, monkeypatch, django_capture_on_commit_callbacks, settings
):
    from pathlib import Path

    import awards.pdf

    def broken(*args, **kwargs):
        raise RuntimeError("font missing")

    report = awarded.reports.get()
    AwardReport.objects.filter(pk=report.pk).update(status="queued", file="")
    monkeypatch.setattr(awards.pdf, "render_award_report", broken)
    from awards.tasks import render_award_report

    render_award_report.call(report.pk)
    report.refresh_from_db()
    files_before = set(Path(settings.MEDIA_ROOT).rglob("*.pdf"))
    assert report.status == "failed" and "font missing" in report.error and not report.file
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        report_retry(report=report, by=administrator)
    report.refresh_from_db()
    assert report.status == "ready" and report.file
    assert len(set(Path(settings.MEDIA_ROOT).rglob("*.pdf")) - files_before) == 1


def test_renewal_copies_narratives_and_links_with_ratings_reset(awarded, team_lead, in_the_renewal_window):
    previous = awarded.assessment
    renewal = assessment_renew(award=awarded, by=team_lead)
    assert renewal.kind == "renewal" and renewal.status == "draft"
    old = {r.standard.code: r for r in previous.responses.select_related("standard")}
    for response in renewal.responses.select_related("standard"):
        assert response.rating == ""
        assert response.narrative == old[response.standard.code].narrative
    assert (
        EvidenceLink.objects.filter(response__assessment=renewal).count()
        == EvidenceLink.objects.filter(response__assessment=previous).count()
    )
    assert Assessment.objects.filter(service=awarded.service).count() == 2


def test_the_interim_review_is_recorded_once(awarded, administrator, team_lead):
    interim_review_record(award=awarded, by=administrator, completed_on=timezone.localdate())
    with pytest.raises(ValidationError, match="already recorded as completed on"):
        interim_review_record(award=awarded, by=administrator, completed_on=timezone.localdate())
    with pytest.raises(PermissionDenied):  # someone who may not manage the award learns nothing
        interim_review_record(award=awarded, by=team_lead, completed_on=timezone.localdate())
    assert AuditEvent.objects.filter(action="accreditation.award.interim_review_completed").count() == 1


@pytest.mark.parametrize(
    ("days", "problem"),
    [(1, "cannot be in the future"), (-1, "cannot have been completed before the award began")],
)
def test_the_interim_review_date_is_a_real_day_of_the_award(awarded, administrator, days, problem):
    """It used to be recorded as "today" whatever the day, and any date was taken."""
    start = timezone.localdate() if days > 0 else awarded.valid_from
    with pytest.raises(ValidationError, match=problem):
        interim_review_record(award=awarded, by=administrator, completed_on=start + datetime.timedelta(days=days))
    awarded.refresh_from_db()
    assert awarded.interim_completed_on is None
    assert not AuditEvent.objects.filter(action="accreditation.award.interim_review_completed").exists()


def test_the_reference_counter_of_a_year_starts_after_the_awards_made_before_it(awarded, administrator):
    """Awards made before the counter existed keep their numbers; the next one follows the largest."""
    from awards.models import AwardReferenceCounter
    from tests.awards.test_races import report_final_portfolio

    year = awarded.valid_from.year
    Award.objects.filter(pk=awarded.pk).update(reference=f"EE-{year}-0041")
    AwardReferenceCounter.objects.all().delete()
    decide(report_final_portfolio(), administrator, override_reason="The panel read it all.")
    assert set(Award.objects.values_list("reference", flat=True)) == {f"EE-{year}-0041", f"EE-{year}-0042"}
