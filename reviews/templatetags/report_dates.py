import datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def from_today(day: datetime.date | None) -> str:
    """How far a date is from today, in words: "in 14 days", "tomorrow", "today", "yesterday", "3 days ago"."""
    if day is None:
        return ""
    days = (day - timezone.localdate()).days
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days == -1:
        return "yesterday"
    return f"in {days} days" if days > 0 else f"{-days} days ago"
