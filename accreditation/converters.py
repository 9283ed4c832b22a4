"""URL converters. Importing this module registers them."""

from django.urls import register_converter


class CodeConverter:
    """A value or standard code such as BEL or BEL.1: letters, digits and dots, nothing else reaches a query."""

    regex = r"[A-Za-z0-9][A-Za-z0-9.]{0,19}"

    def to_python(self, value: str) -> str:
        return value.upper()

    def to_url(self, value: str) -> str:
        return str(value)


register_converter(CodeConverter, "code")
