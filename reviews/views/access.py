"""How every review page finds its object, refusing with a 404 whoever may not see it."""

from django.http import Http404

from accreditation.models import Assessment
from accreditation.views.access import visible_or_404

from ..models import Assignment
from ..selectors.assignments import assessment_for_review, assignment_for_reviewer


def review_or_404(request, pk) -> Assessment:
    return visible_or_404(assessment_for_review(pk=pk), request.user, "reviews.view_review")


def own_assignment_or_404(request, pk) -> Assignment:
    """The signed-in reviewer's own assignment; anyone else's is a 404."""
    assignment = assignment_for_reviewer(pk=pk)
    if assignment is None or assignment.reviewer_id != request.user.pk:
        raise Http404("Not found.")
    return assignment
