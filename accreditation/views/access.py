"""How views fetch objects: anyone who may not see one gets a 404, exactly as if it did not exist."""

from django.http import Http404


def visible_or_404(obj, user, permission: str):
    if obj is None or not user.has_perm(permission, obj):
        raise Http404("Not found.")
    return obj
