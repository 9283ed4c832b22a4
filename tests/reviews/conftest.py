"""Review fixtures live in tests/conftest.py, shared with the award tests."""

from tests.conftest import due

__all__ = ["due"]
