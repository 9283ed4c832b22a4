import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from accreditation.models import User, add_months
from tests.factories import ServiceFactory, UserFactory


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (datetime.date(2026, 3, 15), 12, datetime.date(2027, 3, 15)),
        (datetime.date(2024, 2, 29), 12, datetime.date(2025, 2, 28)),
        (datetime.date(2026, 1, 31), 1, datetime.date(2026, 2, 28)),
        (datetime.date(2026, 11, 30), 3, datetime.date(2027, 2, 28)),
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.django_db
def test_a_portfolio_is_due_twelve_months_after_joining():
    service = ServiceFactory(joined_on=datetime.date(2026, 5, 1))
    assert service.portfolio_due_on == datetime.date(2027, 5, 1)


@pytest.mark.django_db
def test_an_agreed_extension_is_kept():
    service = ServiceFactory(joined_on=datetime.date(2026, 5, 1), portfolio_due_on=datetime.date(2027, 8, 1))
    assert service.portfolio_due_on == datetime.date(2027, 8, 1)


@pytest.mark.django_db
def test_a_portfolio_cannot_be_due_before_joining():
    service = ServiceFactory.build(joined_on=datetime.date(2026, 5, 1), portfolio_due_on=datetime.date(2026, 1, 1))
    with pytest.raises(ValidationError, match="on or after the date the service joined"):
        service.clean()


@pytest.mark.django_db
def test_email_addresses_are_unique_whatever_their_case():
    UserFactory(email="sam@example.org")
    with pytest.raises(IntegrityError):
        User.objects.create(email="SAM@example.org", full_name="Another Sam")


@pytest.mark.django_db
def test_only_administrators_get_into_the_admin():
    assert UserFactory(is_administrator=True).is_staff
    assert not UserFactory(is_reviewer=True).is_staff
    assert not UserFactory(is_administrator=True, is_active=False).is_staff


def test_add_months_beyond_the_calendar_says_so():
    with pytest.raises(ValueError, match="beyond the calendar"):
        add_months(datetime.date(9999, 12, 31), 36)


def test_a_service_cannot_join_at_the_end_of_time(service):
    service.joined_on = datetime.date(9999, 12, 31)
    service.portfolio_due_on = None
    with pytest.raises(ValidationError) as refused:
        service.full_clean()
    assert "joined_on" in refused.value.message_dict
