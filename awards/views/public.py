"""Pages for everyone: the public register of awards and the certificate check. No personal data on either."""

import re

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.shortcuts import redirect, render

from accreditation.models import Service
from workflow.http import client_ip

from ..selectors import award_by_code, register_awards

PAGE_SIZE = 25


def register(request):
    query = request.GET.get("q", "").strip()[:100]
    setting = request.GET.get("setting", "")
    setting = setting if setting in Service.SettingType.values else ""
    region = request.GET.get("region", "")
    region = region if region in Service.Region.values else ""
    awards = register_awards(query=query, setting=setting, region=region)
    page = Paginator(awards, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "awards/public/register.html",
        {
            "page": page,
            "query": query,
            "setting": setting,
            "region": region,
            "settings_choices": Service.SettingType.choices,
            "regions": Service.Region.choices,
        },
    )


def _too_many_checks(request) -> bool:
    """A small fixed-window limit per address, so verification codes cannot be guessed by brute force."""
    key = f"verify:{client_ip(request) or 'unknown'}"
    cache.add(key, 0, timeout=60)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=60)
        count = 1
    return count > settings.VERIFY_RATE_PER_MINUTE


# What the certificate prints: letters and digits (spaces and dashes between groups are dropped first).
CODE_SHAPE = re.compile(r"[A-Z0-9]{1,32}")


def verify_form(request):
    typed = request.GET.get("code", "")[:100]
    code = typed.strip().upper().replace(" ", "").replace("-", "")
    if not code:
        return render(request, "awards/public/verify_form.html")
    if not CODE_SHAPE.fullmatch(code):
        return render(
            request,
            "awards/public/verify_form.html",
            {
                "typed": typed,
                "problem": "A verification code has only letters and digits, like ABCD EFGH 2345. Type it as it is "
                "printed under the QR code on the certificate (the award reference, such as EE-2026-0001, is not "
                "the code).",
            },
            status=400,
        )
    return redirect("public:verify", code=code)


def verify(request, code):
    if _too_many_checks(request):
        return render(request, "awards/public/verify_slow_down.html", status=429)
    award = award_by_code(code=code.upper())
    if award is None:
        return render(request, "awards/public/verify_unknown.html", {"code": code}, status=404)
    return render(request, "awards/public/verify.html", {"award": award})
