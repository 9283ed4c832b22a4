import pytest
from django.core.exceptions import ValidationError

from standards.models import Edition
from standards.services import edition_load, edition_transition
from tests.factories import EditionFactory, StandardFactory, ValueFactory, edition_with
from workflow.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_loading_an_edition_twice_changes_nothing(edition_2026, edition_2026_data):
    standards_before = list(edition_2026.standards.values_list("pk", "statement"))
    edition, created = edition_load(data=edition_2026_data)
    assert not created
    assert edition == edition_2026
    assert list(edition.standards.values_list("pk", "statement")) == standards_before
    assert Edition.objects.count() == 1


def test_loading_records_the_load_and_the_publication(edition_2026):
    actions = list(AuditEvent.objects.filter(target_id=str(edition_2026.pk)).values_list("action", "to_state"))
    assert ("standards.edition.loaded", "draft") in actions
    assert ("standards.edition.published", "published") in actions


def test_publishing_a_draft_edition_is_audited(administrator):
    edition = edition_with(standards_per_value=2, status=Edition.Status.DRAFT)
    edition_transition(edition=edition, to=Edition.Status.PUBLISHED, by=administrator, note="Board approved.")
    edition.refresh_from_db()
    assert edition.status == Edition.Status.PUBLISHED
    assert edition.published_on is not None
    event = AuditEvent.objects.get(action="standards.edition.published")
    assert (event.actor, event.from_state, event.to_state, event.note) == (
        administrator,
        "draft",
        "published",
        "Board approved.",
    )


def test_an_edition_without_an_essential_standard_in_a_value_cannot_be_published(administrator):
    edition = EditionFactory(status=Edition.Status.DRAFT)
    StandardFactory(value=ValueFactory(edition=edition, code="BEL", name="Belonging"), type="expected")
    with pytest.raises(ValidationError) as error:
        edition_transition(edition=edition, to=Edition.Status.PUBLISHED, by=administrator)
    assert "BEL Belonging has no essential standard." in error.value.messages
    assert "The edition has no award rule." in error.value.messages
    edition.refresh_from_db()
    assert edition.status == Edition.Status.DRAFT
    assert not AuditEvent.objects.filter(action="standards.edition.published").exists()


@pytest.mark.parametrize(
    ("start", "to"),
    [("draft", "retired"), ("published", "draft"), ("published", "published"), ("retired", "published")],
)
def test_only_the_transitions_in_the_table_are_allowed(administrator, start, to):
    edition = EditionFactory(status=start)
    with pytest.raises(ValidationError, match="cannot become"):
        edition_transition(edition=edition, to=to, by=administrator)


def test_retiring_a_published_edition(administrator, edition_2026):
    edition_transition(edition=edition_2026, to=Edition.Status.RETIRED, by=administrator)
    edition_2026.refresh_from_db()
    assert edition_2026.status == Edition.Status.RETIRED
    assert AuditEvent.objects.filter(action="standards.edition.retired", actor=administrator).exists()


def test_audit_events_cannot_be_changed_or_deleted(edition_2026):
    event = AuditEvent.objects.first()
    event.note = "tampered"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.update(note="x")
