import functools

from django import template
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe

from standards.models import Rating

register = template.Library()

BADGES = {rating.value: (rating.style, rating.label) for rating in Rating}


@register.filter
@functools.lru_cache(maxsize=64)  # a handful of possible badges, each shown hundreds of times
def score_badge(value: str, empty: str = "Not scored"):
    """A score or rating as a coloured badge with its words (colour is never the only signal).

    A filter, not an include: the scoring page shows hundreds of these, and includes cost far more."""
    css, label = BADGES.get(value or "", ("rating-none", empty))
    return format_html('<span class="badge rating {}">{}</span>', css, label)


CHOICES = [(rating.value, rating.short, rating.label) for rating in Rating]


@register.simple_tag
def score_radios(name: str, row_id: int, code: str, current: str):
    """The three score radio buttons for one standard, in a fieldset named after it.

    Built in Python because a scoring page has one per standard; as template markup it was most of the page's time."""
    buttons = format_html_join(
        "",
        '<div class="form-check form-check-inline"><input class="form-check-input" type="radio" name="{}-{}" '
        'id="{}-{}-{}" value="{}"{}><label class="form-check-label" for="{}-{}-{}">{}</label></div>',
        (
            (
                name,
                row_id,
                name,
                row_id,
                suffix,
                value,
                mark_safe(" checked") if value == current else "",
                name,
                row_id,
                suffix,
                label,
            )
            for value, suffix, label in CHOICES
        ),
    )
    return format_html('<fieldset><legend class="fs-6 mb-1">Your score for {}</legend>{}</fieldset>', code, buttons)


@register.simple_tag
def score_select(name: str, row_id: int, code: str, current: str):
    """The labelled consensus score drop-down for one standard (built in Python for the same reason as the radios)."""
    options = format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, mark_safe(" selected") if value == current else "", label) for value, _, label in CHOICES),
    )
    return format_html(
        '<label class="visually-hidden" for="{}-{}">Consensus score for {}</label>'
        '<select class="form-select form-select-sm" name="{}-{}" id="{}-{}">'
        '<option value="">Choose</option>{}</select>',
        name,
        row_id,
        code,
        name,
        row_id,
        name,
        row_id,
        options,
    )


@register.simple_tag
def reviewer_cells(scores):
    """The consensus matrix's cells for one standard: each reviewer's score and the start of their comment.

    Built in Python: the matrix has one per reviewer per standard, 180 for three reviewers and 60 standards."""
    cells = []
    for score in scores:
        badge = score_badge(score.score if score else "", "–")
        comment = ""
        if score and score.comment:
            words = score.comment.split()
            short = score.comment if len(words) <= 30 else " ".join(words[:30]) + "…"
            comment = '<div class="small">' + escape(short) + "</div>"
        cells.append("<td>" + badge + comment + "</td>")
    return mark_safe("".join(cells))  # the badges come from format_html and each comment is escaped above
