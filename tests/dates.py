"""What a form posts for a date typed into the three boxes of `workflow.forms.UKDateInput`."""

import datetime


def date_fields(name: str, value: datetime.date | str) -> dict[str, str]:
    """`<name>_day`, `<name>_month` and `<name>_year` for a date (or an ISO date string), as a person types them."""
    if isinstance(value, str):
        value = datetime.date.fromisoformat(value)
    return {f"{name}_day": str(value.day), f"{name}_month": str(value.month), f"{name}_year": f"{value.year:04d}"}
