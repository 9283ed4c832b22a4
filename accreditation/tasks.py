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
