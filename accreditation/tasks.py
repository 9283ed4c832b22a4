"""Background jobs. Each receives ids, never objects, and is enqueued after the transaction commits."""

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse

from .models import Assessment, User


@task
def notify_portfolio_submitted(assessment_id: int) -> int:
    """Tell every administrator that a portfolio is ready for reviewers to be assigned. Returns how many were told."""
    assessment = Assessment.objects.select_related("service__organisation", "edition").get(pk=assessment_id)
    if assessment.status != Assessment.Status.SUBMITTED:
        return 0  # moved on already: no e-mail about work that is no longer waiting
    recipients = list(
        User.objects.filter(is_active=True, is_administrator=True).exclude(email="").values_list("email", flat=True)
    )
    if not recipients:
        return 0
    context = {
        "assessment": assessment,
        "url": settings.SITE_URL + reverse("portfolio:overview", args=[assessment.pk]),
    }
    send_mail(
        subject=f"Portfolio submitted: {assessment.service.name}",
        message=render_to_string("accreditation/email/portfolio_submitted.txt", context),
        from_email=None,
        recipient_list=recipients,
    )
    return len(recipients)
