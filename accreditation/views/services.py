from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone

from ..models import Service
from ..selectors.assessments import assessments_for_service, open_assessments_progress
from ..selectors.people import award_in_force, renewal_opens_on, service_team
from ..services.assessments import assessment_start
from .access import refuse_unless_post, visible_or_404
from .actions import attempt


@login_required
def service_detail(request, service_id):
    service = visible_or_404(
        Service.objects.select_related("organisation").prefetch_related("awards").filter(pk=service_id).first(),
        request.user,
        "accreditation.view_service",
    )
    assessments = assessments_for_service(service=service, user=request.user)
    award = award_in_force(service=service)
    return render(
        request,
        "accreditation/services/detail.html",
        {
            "service": service,
            "team": service_team(service=service),
            "assessments": assessments,
            "open_assessment": open_assessments_progress(service_ids=[service.pk], user=request.user).get(service.pk),
            "can_start": request.user.has_perm("accreditation.start_assessment", service),
            "award": award,
            "renewal_opens_on": renewal_opens_on(award) if award else None,
            "can_renew": request.user.has_perm("accreditation.start_renewal", service),
            "renewal_window_months": settings.RENEWAL_WINDOW_MONTHS,
            "today": timezone.localdate(),
        },
    )


@login_required
def assessment_start_view(request, service_id):
    service = visible_or_404(Service.objects.filter(pk=service_id).first(), request.user, "accreditation.view_service")
    if refused := refuse_unless_post(request):
        return refused
    done, assessment = attempt(
        request,
        lambda: assessment_start(service=service, by=request.user),
        success=(
            "Your portfolio has started. Work through the values in any order. Press Save on each standard to keep "
            "what you have written."
        ),
    )
    if not done:
        return redirect("services:detail", service_id=service.pk)
    return redirect("portfolio:overview", pk=assessment.pk)
