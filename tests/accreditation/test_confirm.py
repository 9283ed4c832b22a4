"""The check-and-confirm mechanism itself (accreditation/views/confirm.py)."""

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import RequestFactory

from accreditation.models import Assessment
from accreditation.views.confirm import carried, changing, confirming, rehearse
from workflow.audit import audit_log
from workflow.engine import enqueue_on_commit
from workflow.models import AuditEvent

pytestmark = pytest.mark.django_db


class ReasonForm(forms.Form):
    reason = forms.CharField()


def test_a_rehearsal_keeps_nothing_the_service_wrote_or_queued(assessment, team_lead):
    request = RequestFactory().post("/")
    events = AuditEvent.objects.count()

    def service():
        Assessment.objects.filter(pk=assessment.pk).update(due_on="2030-01-01")
        audit_log(actor=team_lead, action="test.rehearsed", target=assessment)
        enqueue_on_commit("accreditation.tasks.notify_portfolio_submitted", assessment.pk, "submitted")
        return "what it would do"

    callbacks_before = len(transaction.get_connection().run_on_commit)
    assert rehearse(request, service) == (True, "what it would do")
    assert AuditEvent.objects.count() == events
    assert Assessment.objects.get(pk=assessment.pk).due_on == assessment.due_on
    assert len(transaction.get_connection().run_on_commit) == callbacks_before, "nothing left to run on commit"


def test_a_rehearsal_puts_the_services_refusal_on_the_form():
    form = ReasonForm({"reason": "x"})
    assert form.is_valid()

    def service():
        raise ValidationError({"reason": "Say more."})

    assert rehearse(RequestFactory().post("/"), service, form=form) == (False, None)
    assert form.errors == {"reason": ["Say more."]}


def test_the_steps_and_what_the_check_page_carries():
    factory = RequestFactory()
    first = factory.post("/", {"reason": "Because.", "panel-0-name": ["A", "B"], "csrfmiddlewaretoken": "t"})
    assert not confirming(first) and not changing(first)
    assert carried(first) == [("reason", "Because."), ("panel-0-name", "A"), ("panel-0-name", "B")]
    assert confirming(factory.post("/", {"confirmed": "yes"}))
    assert changing(factory.post("/", {"change": "id_reason", "confirmed": "no"}))
    assert not confirming(factory.get("/", {"confirmed": "yes"})), "a link never confirms"
    assert carried(factory.get("/")) == []
