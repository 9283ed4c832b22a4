from django import template
from django.utils.html import format_html

register = template.Library()

BADGES = {
    "met": ("rating-met", "Met"),
    "partly_met": ("rating-partly", "Partly met"),
    "not_met": ("rating-not", "Not met"),
}


@register.filter
def score_badge(value: str, empty: str = "Not scored"):
    """A score or rating as a coloured badge with its words (colour is never the only signal).

    A filter, not an include: the scoring page shows hundreds of these, and includes cost far more."""
    css, label = BADGES.get(value or "", ("rating-none", empty))
    return format_html('<span class="badge rating {}">{}</span>', css, label)
