"""The programme: every assessment by state, for administrators."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from accreditation.models import Assessment

from ..selectors.programme import assessments_by_state


@login_required
def programme(request):
    if not request.user.has_perm("reviews.view_programme"):
        raise Http404("Not found.")
    state = request.GET.get("state", "")
    state = state if state in Assessment.Status.values else ""
    states, assessments = assessments_by_state(state=state)
    page = Paginator(assessments, 50).get_page(request.GET.get("page"))
    return render(request, "reviews/programme.html", {"states": states, "state": state, "page": page})
