"""The cost of one audited transition, a measurement run by hand to compare two checkouts (README, Audit trail):

    DATABASE_URL=postgres://…/wt_audit AUDIT_COST=1 python -m pytest -q -s tests/workflow/test_audit_cost.py

On the awarded world of tests.conftest, it makes award reports and moves each queued → generating → failed as the task
worker does (`by=None`), each move in its own transaction, and prints the median and the 90th percentile of the time
per move over 600 moves, after 30 warm-up moves."""

import os
import statistics
import time

import pytest

from awards.models import AwardReport
from workflow.engine import transition

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.environ.get("AUDIT_COST"), reason="a measurement, run by hand with AUDIT_COST=1"),
]

R = AwardReport.Status


def test_audited_transition_cost(awarded):
    timings = []
    for version in range(2, 2 + 315):
        report = AwardReport.objects.create(award=awarded, version=version, reason="Measuring.")
        for to in (R.GENERATING, R.FAILED):
            started = time.perf_counter()
            report = transition(report, to=to, by=None)
            timings.append(time.perf_counter() - started)
    timings = sorted(timings[30:])
    median = statistics.median(timings) * 1000
    p90 = timings[int(len(timings) * 0.9)] * 1000
    print(f"\naudited transition: median {median:.3f} ms, p90 {p90:.3f} ms over {len(timings)} moves")
