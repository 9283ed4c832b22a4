"""Background jobs. Each receives ids, never objects, and is enqueued after the transaction commits."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse

from .models import Assessment, User


def assessment_still(assessment_id: int, state: str) -> Assessment | None:
    """The assessment, if it is still in `state`: nobody is e-mailed about work that has moved on or closed."""
    assessment = Assessment.objects.select_related("service__organisation", "edition").filter(pk=assessment_id).first()
    if assessment is None or assessment.status != state:
        return None
    return assessment


def send_notice(*, recipients: list[str], subject: str, template: str, context: dict) -> int:
    """One plain-text e-mail to each recipient (so nobody sees who else got it), with a direct link."""
    for recipient in recipients:
        send_mail(
            subject=subject,
            message=render_to_string(template, context),
            from_email=None,
            recipient_list=[recipient],
        )
    return len(recipients)


def link(name: str, *args) -> str:
    return settings.SITE_URL + reverse(name, args=args)


def administrator_emails() -> list[str]:
    return list(
        User.objects.filter(is_active=True, is_administrator=True).exclude(email="").values_list("email", flat=True)
    )


@task
def notify_portfolio_submitted(assessment_id: int, state: str = Assessment.Status.SUBMITTED) -> int:
    """Tell every administrator a portfolio is ready for reviewers to be assigned. Returns how many were told."""
    assessment = assessment_still(assessment_id, state)
    if assessment is None:
        return 0
    return send_notice(
        recipients=administrator_emails(),
        subject=f"Portfolio submitted: {assessment.service.name}",
        template="accreditation/email/portfolio_submitted.txt",
        context={"assessment": assessment, "url": link("reviews:review", assessment.pk)},
    )


@task
def render_award_report(report_id: int) -> str:
    """Render one version of an award's PDF report. The file is written only once the PDF is complete, and the
    report is marked ready only once the file is stored; a failure records its reason and leaves no file."""
    import hashlib
    import logging

    from django.core.files.base import ContentFile
    from django.db import transaction
    from django.utils import timezone

    from .models import AwardReport
    from .pdf import render_award_report as render
    from .services.audit import audit_log

    logger = logging.getLogger(__name__)
    taken = AwardReport.objects.filter(pk=report_id, status=AwardReport.Status.QUEUED).update(
        status=AwardReport.Status.GENERATING, started_at=timezone.now()
    )
    if not taken:
        return "not queued"  # already rendered, or being rendered by another worker
    report = AwardReport.objects.select_related("award").get(pk=report_id)
    try:
        rendered = render(report.award, version=report.version)
        with transaction.atomic():
            report.file.save(f"{report.award.reference}.pdf", ContentFile(rendered.content), save=False)
            report.sha256 = hashlib.sha256(rendered.content).hexdigest()
            report.size, report.pages = len(rendered.content), rendered.pages
            report.status, report.finished_at = AwardReport.Status.READY, timezone.now()
            report.save()
            audit_log(
                actor=None,
                action="accreditation.award_report.ready",
                target=report,
                from_state="generating",
                to_state="ready",
            )
    except Exception as error:  # any failure must be recorded, not lost in a worker log
        logger.exception("Award report %s failed to render", report_id)
        if report.file:
            report.file.storage.delete(report.file.name)
        AwardReport.objects.filter(pk=report_id).update(
            status=AwardReport.Status.FAILED,
            error=f"{type(error).__name__}: {error}"[:2000],
            finished_at=timezone.now(),
            file="",
        )
        audit_log(
            actor=None,
            action="accreditation.award_report.failed",
            target=report,
            from_state="generating",
            to_state="failed",
            note=str(error)[:500],
        )
        return "failed"
    return "ready"
