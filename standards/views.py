from django.http import Http404
from django.shortcuts import redirect, render

from .models import Standard
from .selectors import (
    edition_by_code,
    edition_current,
    edition_values,
    edition_with_standards,
    editions_other,
    value_standards,
)


def _check_browsable(request, edition):
    if edition is None or not request.user.has_perm("standards.browse_edition", edition):
        raise Http404("No such edition.")


def edition_current_redirect(request):
    edition = edition_current()
    if edition is None:
        return render(request, "standards/no_edition.html", status=404)
    return redirect("standards:edition", code=edition.code)


def edition_detail(request, code):
    edition = edition_with_standards(code=code)
    _check_browsable(request, edition)
    values = list(edition.values.all())
    type_counts = dict.fromkeys(Standard.Type, 0)
    for value in values:
        for standard in value.standards.all():
            type_counts[standard.type] += 1
    return render(
        request,
        "standards/edition_detail.html",
        {
            "edition": edition,
            "values": values,
            "standard_count": sum(type_counts.values()),
            "type_counts": [(standard_type.label, count) for standard_type, count in type_counts.items()],
            "award_rule": getattr(edition, "award_rule", None),
            "other_editions": editions_other(
                edition=edition, include_drafts=request.user.has_perm("standards.view_edition")
            ),
        },
    )


def value_detail(request, code, value_code):
    edition = edition_by_code(code=code)
    _check_browsable(request, edition)
    values = edition_values(edition=edition)
    position = next((i for i, value in enumerate(values) if value.code == value_code.upper()), None)
    if position is None:
        raise Http404("No such value in this edition.")
    value = values[position]
    return render(
        request,
        "standards/value_detail.html",
        {
            "edition": edition,
            "values": values,
            "value": value,
            "standards": value_standards(value=value),
            "previous_value": values[position - 1] if position > 0 else None,
            "next_value": values[position + 1] if position + 1 < len(values) else None,
        },
    )
