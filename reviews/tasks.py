"""E-mails about reviews, each with a direct link, and none about work that has moved on or closed."""

from django.tasks import task

from accreditation.models import Assessment, ServiceMembership
from accreditation.tasks import administrator_emails, assessment_still, link, send_notice

from .models import Assignment, ReportComment, ReviewReport


def _team_emails(assessment: Assessment) -> list[str]:
    return list(
        ServiceMembership.objects.filter(service_id=assessment.service_id, user__is_active=True)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )


def _reviewer_emails(assessment: Assessment) -> list[str]:
    return list(
        assessment.assignments.filter(status__in=Assignment.ACTIVE_STATES, reviewer__is_active=True).values_list(
            "reviewer__email", flat=True
        )
    )


@task
def notify_assigned(assignment_id: int) -> int:
    assignment = (
        Assignment.objects.select_related("assessment__service__organisation", "reviewer")
        .filter(pk=assignment_id)
        .first()
    )
    if assignment is None or assignment.status != Assignment.Status.INVITED:
        return 0
    return send_notice(
        recipients=[assignment.reviewer.email],
        subject=f"You have been asked to review {assignment.assessment.service.name}",
        template="reviews/email/assigned.txt",
        context={"assignment": assignment, "url": link("reviews:assignment", assignment.pk)},
    )


@task
def notify_conflict_declared(assignment_id: int, state: str = Assignment.Status.WITHDRAWN) -> int:
    assignment = (
        Assignment.objects.select_related("assessment__service__organisation", "reviewer")
        .filter(pk=assignment_id)
        .first()
    )
    if assignment is None or assignment.status != Assignment.Status.WITHDRAWN:
        return 0
    return send_notice(
        recipients=administrator_emails(),
        subject=f"Conflict of interest: {assignment.reviewer.full_name} on {assignment.assessment.service.name}",
        template="reviews/email/conflict_declared.txt",
        context={"assignment": assignment, "url": link("reviews:review", assignment.assessment_id)},
    )


@task
def notify_returned(assessment_id: int, state: str) -> int:
    assessment = assessment_still(assessment_id, state)
    if assessment is None:
        return 0
    return send_notice(
        recipients=_team_emails(assessment),
        subject=f"Your portfolio has been returned for further work: {assessment.service.name}",
        template="reviews/email/returned.txt",
        context={"assessment": assessment, "url": link("portfolio:overview", assessment.pk)},
    )


@task
def notify_resubmitted(assessment_id: int, state: str) -> int:
    assessment = assessment_still(assessment_id, state)
    if assessment is None:
        return 0
    return send_notice(
        recipients=_reviewer_emails(assessment),
        subject=f"Portfolio resubmitted: {assessment.service.name}",
        template="reviews/email/resubmitted.txt",
        context={"assessment": assessment, "url": link("reviews:rounds", assessment.pk)},
    )


@task
def notify_report_released(assessment_id: int, state: str) -> int:
    assessment = assessment_still(assessment_id, state)
    if assessment is None:
        return 0
    return send_notice(
        recipients=_team_emails(assessment),
        subject=f"Your draft review report is ready to check: {assessment.service.name}",
        template="reviews/email/report_released.txt",
        context={
            "assessment": assessment,
            "due_on": ReviewReport.objects.filter(assessment=assessment).first().comments_due_on,
            "url": link("reviews:team_report", assessment.pk),
        },
    )


@task
def notify_team_commented(assessment_id: int) -> int:
    assessment = assessment_still(assessment_id, Assessment.Status.REPORT_DRAFT)
    if assessment is None:
        return 0
    leads = list(
        assessment.assignments.filter(status=Assignment.Status.ACCEPTED, is_lead=True).values_list(
            "reviewer__email", flat=True
        )
    )
    comments = ReportComment.objects.filter(report__assessment=assessment).count()
    return send_notice(
        recipients=leads,
        subject=f"The team has responded to the draft report: {assessment.service.name}",
        template="reviews/email/team_commented.txt",
        context={"assessment": assessment, "comments": comments, "url": link("reviews:report", assessment.pk)},
    )


@task
def notify_report_finalised(assessment_id: int, state: str) -> int:
    assessment = assessment_still(assessment_id, state)
    if assessment is None:
        return 0
    return send_notice(
        recipients=administrator_emails(),
        subject=f"Review report final, ready for the award panel: {assessment.service.name}",
        template="reviews/email/report_finalised.txt",
        context={"assessment": assessment, "url": link("reviews:report", assessment.pk)},
    )
