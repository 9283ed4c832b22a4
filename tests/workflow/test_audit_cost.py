"""The cost of the audit chain on one audited transition, a measurement run by hand (README, Audit trail):

    DATABASE_URL=postgres://…/wt_audit AUDIT_COST=1 python -m pytest -q -s -p no:xdist tests/workflow/test_audit_cost.py

On the awarded world of tests.conftest, it makes award reports and moves each queued → generating → failed as the task
worker does (`by=None`), each move in its own transaction. Blocks of 20 moves alternate between the chained event (lock,
read the head, hash) and the plain insert the audit trail made before the chain, in one process, so that both see the
same load; it prints the median and 90th percentile per move of each, over 600 moves each after 40 warm-up moves."""

import os
import statistics
import time

import pytest
from django.db import models

from awards.models import AwardReport
from workflow.engine import transition
from workflow.models import AuditEvent

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.environ.get("AUDIT_COST"), reason="a measurement, run by hand with AUDIT_COST=1"),
]

R = AwardReport.Status
BLOCK = 20


def plain_save(self, *args, **kwargs):
    models.Model.save(self, *args, **kwargs)


def test_audited_transition_cost(awarded, monkeypatch):
    timings = {"chained": [], "plain": []}
    version = 1
    for block in range(2 + 2 * 600 // BLOCK):
        kind = ("chained", "plain")[block % 2]
        if kind == "plain":
            monkeypatch.setattr(AuditEvent, "save", plain_save)
        for _ in range(BLOCK // 2):
            version += 1
            report = AwardReport.objects.create(award=awarded, version=version, reason="Measuring.")
            for to in (R.GENERATING, R.FAILED):
                started = time.perf_counter()
                report = transition(report, to=to, by=None)
                timings[kind].append(time.perf_counter() - started)
        monkeypatch.undo()
    for kind, values in timings.items():
        values = sorted(values[BLOCK:])
        median, p90 = statistics.median(values) * 1000, values[int(len(values) * 0.9)] * 1000
        print(f"\n{kind}: median {median:.3f} ms, p90 {p90:.3f} ms per audited transition over {len(values)} moves")
