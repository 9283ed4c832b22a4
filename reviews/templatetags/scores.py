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
        '<label class="form-label small fw-semibold mb-1" for="{}-{}">Consensus score'
        '<span class="visually-hidden"> for {}</span></label>'
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


def reviewer_label(assignment) -> str:
    return assignment.reviewer.full_name + (" (lead)" if assignment.is_lead else "")


def short_comment(score) -> str:
    """The start of a reviewer's comment, escaped, for a table cell."""
    if not score or not score.comment:
        return ""
    words = score.comment.split()
    short = score.comment if len(words) <= 30 else " ".join(words[:30]) + "…"
    return '<div class="small">' + escape(short) + "</div>"


@register.simple_tag
def reviewer_cells(scores, reviewers):
    """A table's cells for one standard: each reviewer's score and the start of their comment, each cell labelled
    with the reviewer's name for the stacked rows of a phone.

    Built in Python: the table has one per reviewer per standard, 180 for three reviewers and 60 standards."""
    cells = [
        format_html('<td data-label="{}">', reviewer_label(reviewer))
        + score_badge(score.score if score else "", "–")
        + short_comment(score)
        + "</td>"
        for score, reviewer in zip(scores, reviewers, strict=True)
    ]
    return mark_safe("".join(cells))  # the labels and badges come from format_html and each comment is escaped


@register.simple_tag
def reviewer_scores(scores, reviewers):
    """Each reviewer's score and whole comment on one standard, as the terms of a description list (the consensus
    page's card for the standard). Built in Python for the same reason as the cells."""
    return format_html_join(
        "",
        "<dt>{}</dt><dd>{}{}</dd>",
        (
            (
                reviewer_label(reviewer),
                score_badge(score.score if score else "", "Not scored"),
                format_html('<p class="consensus-comment small mb-0">{}</p>', score.comment)
                if score and score.comment
                else "",
            )
            for score, reviewer in zip(scores, reviewers, strict=True)
        ),
    )
