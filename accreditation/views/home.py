from django.shortcuts import render
from django.utils import timezone

from reviews.selectors.assignments import assignments_for_reviewer
from workflow.rules import is_administrator, is_reviewer

from ..rules import remember_memberships
from ..selectors.assessments import open_assessments_progress
from ..selectors.people import award_in_force, memberships_for_user, programme_summary, renewal_opens_on


def home(request):
    """Anonymous visitors get the introduction; signed-in people get what they can do next."""
    if not request.user.is_authenticated:
        return render(request, "accreditation/landing.html")
    user = request.user
    memberships = list(memberships_for_user(user=user))
    remember_memberships(user, memberships)
    portfolios = open_assessments_progress(service_ids=[membership.service_id for membership in memberships], user=user)
    for membership in memberships:
        membership.open_assessment = portfolios.get(membership.service_id)
        membership.can_start = user.has_perm("accreditation.start_assessment", membership.service)
        membership.award = award_in_force(service=membership.service)
        membership.renewal_opens_on = renewal_opens_on(membership.award) if membership.award else None
        membership.can_renew = user.has_perm("accreditation.start_renewal", membership.service)
    return render(
        request,
        "accreditation/home.html",
        {
            "memberships": memberships,
            "show_reviews": is_reviewer(user),
            "assignments": assignments_for_reviewer(user=user) if is_reviewer(user) else [],
            "programme": programme_summary() if is_administrator(user) else None,
            "today": timezone.localdate(),
        },
    )
