"""The migrations that moved decisions and awards out of `accreditation` and gave awards and appeals a state field,
run on a database made before them: an award's suspension or revocation becomes its state, an appeal's result its
status, and the audit trail still finds its targets through the moved content types."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from awards.models import Appeal, Award
from tests.reviews.test_migrations import migrate, migrate_to_latest
from workflow.models import AuditEvent

BEFORE_STATES = ("awards", "0001_initial")


@pytest.mark.django_db(transaction=True)
def test_awards_and_appeals_get_their_state_from_what_was_recorded(awarded, administrator, team_lead):
    from awards.services import appeal_lodge

    decision = awarded.decision
    appeal_lodge(decision=decision, by=team_lead, grounds="A point of fact.")
    try:
        apps = migrate([BEFORE_STATES])
        OldAward = apps.get_model("awards", "Award")
        OldAppeal = apps.get_model("awards", "Appeal")
        OldAward.objects.filter(pk=awarded.pk).update(suspended_at=timezone.now(), suspension_reason="Inquiry.")
        OldAppeal.objects.update(result="upheld", decided_at=timezone.now())
        assert not hasattr(OldAward.objects.get(pk=awarded.pk), "state")
    finally:
        migrate_to_latest()
    awarded = Award.objects.get(pk=awarded.pk)
    assert awarded.state == Award.State.SUSPENDED and awarded.status == Award.Status.SUSPENDED
    assert not awarded.is_valid
    assert Appeal.objects.get().status == Appeal.Status.UPHELD
    # Going back and forth again keeps them.
    try:
        migrate([BEFORE_STATES])
    finally:
        migrate_to_latest()
    assert Award.objects.get(pk=awarded.pk).state == Award.State.SUSPENDED
    assert Appeal.objects.get().status == Appeal.Status.UPHELD


@pytest.mark.django_db
def test_the_audit_trail_finds_the_moved_models(awarded):
    assert not ContentType.objects.filter(app_label="accreditation", model__in=["award", "auditevent"]).exists()
    issued = AuditEvent.objects.get(action="accreditation.award.issued")
    assert issued.target_type.model_class() is Award
    assert issued.target_type.get_object_for_this_type(pk=issued.target_id) == awarded
