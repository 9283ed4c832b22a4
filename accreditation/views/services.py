from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from ..models import Service
from ..selectors.assessments import assessments_for_service, open_assessments_progress
from ..selectors.people import service_team
from ..services.assessments import assessment_start
from .access import refuse_unless_post, visible_or_404
from .actions import attempt


@login_required
def service_detail(request, service_id):
    service = visible_or_404(
        Service.objects.select_related("organisation").filter(pk=service_id).first(),
        request.user,
        "accreditation.view_service",
    )
    assessments = assessments_for_service(service=service, user=request.user)
    return render(
        request,
        "accreditation/services/detail.html",
        {
            "service": service,
            "team": service_team(service=service),
            "assessments": assessments,
            "open_assessment": open_assessments_progress(service_ids=[service.pk], user=request.user).get(service.pk),
            "can_start": request.user.has_perm("accreditation.start_assessment", service),
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
        success="Your portfolio has started. Work through the values in any order; everything saves as you go.",
    )
    if not done:
        return redirect("services:detail", service_id=service.pk)
    return redirect("portfolio:overview", pk=assessment.pk)
