""" "Valid award" is defined once, in Python (`Award.is_valid_on`) and its SQL twin (`Award.objects.valid_on`): the
register, the certificate check, the award page and the PDF all ask one of these, and here they agree day by day."""

import datetime

import pytest

from awards.models import Award

pytestmark = pytest.mark.django_db


def test_the_python_and_sql_definitions_agree_on_every_day_and_state(awarded):
    start = awarded.valid_from
    for state in Award.State.values:
        for interim_done in (None, start):
            Award.objects.filter(pk=awarded.pk).update(state=state, interim_completed_on=interim_done)
            award = Award.objects.get(pk=awarded.pk)
            for offset in (-1, 0, 1, 540, 600, 1094, 1095, 1096, 2000):
                day = start + datetime.timedelta(days=offset)
                in_sql = Award.objects.valid_on(day).filter(pk=award.pk).exists()
                assert award.is_valid_on(day) == in_sql, (state, interim_done, offset)
                if offset >= 0:
                    # Valid means the status a person reads is valid (an overdue interim review still counts).
                    assert in_sql == (award.status_on(day) in (Award.Status.VALID, Award.Status.INTERIM_OVERDUE))
