"""How views fetch objects: anyone who may not see one gets a 404, exactly as if it did not exist."""

from django.http import Http404, HttpResponseNotAllowed


def visible_or_404(obj, user, permission: str):
    if obj is None or not user.has_perm(permission, obj):
        raise Http404("Not found.")
    return obj


def refuse_unless_post(request) -> HttpResponseNotAllowed | None:
    """For actions: checked after the object lookup, so an outsider gets a 404, never a hint that the URL exists."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    return None
