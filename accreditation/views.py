from django.shortcuts import render
from django.utils import timezone

from .rules import is_administrator, is_reviewer
from .selectors import memberships_for_user, programme_summary


def home(request):
    """Anonymous visitors get the introduction; signed-in people get what they can do next."""
    if not request.user.is_authenticated:
        return render(request, "accreditation/landing.html")
    user = request.user
    return render(
        request,
        "accreditation/home.html",
        {
            "memberships": list(memberships_for_user(user=user)),
            "show_reviews": is_reviewer(user),
            "programme": programme_summary() if is_administrator(user) else None,
            "today": timezone.localdate(),
        },
    )
