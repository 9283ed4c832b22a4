from django import template
from django.utils.html import format_html

register = template.Library()


@register.filter
def deadline(days: int) -> str:
    """Days until a deadline in words; overdue and due-today stand out."""
    if days < 0:
        overdue = -days
        return format_html('<span class="text-overdue">{} day{} overdue</span>', overdue, "" if overdue == 1 else "s")
    if days == 0:
        return format_html('<span class="text-overdue">due today</span>')
    return format_html("{} day{} left", days, "" if days == 1 else "s")
