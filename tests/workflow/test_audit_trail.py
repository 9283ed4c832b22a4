"""The audit trail is complete (report jobs, round resets, admin deletions) and tamper-evident: a hash chain that
`manage.py audit_verify` checks, appended under a lock, and on PostgreSQL a trigger that refuses UPDATE and DELETE."""

import itertools
import threading
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from accreditation.models import Organisation, Service, User
from tests.factories import ServiceFactory, UserFactory
from tests.reviews.test_migrations import migrate, migrate_to_latest
from workflow.audit import audit_log
from workflow.management.commands.audit_verify import chain_problems
from workflow.models import HASHED_FIELDS, AuditEvent, chain_hash

pytestmark = pytest.mark.django_db
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL (set DATABASE_URL): its trigger and real threads"
)
sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="PostgreSQL's trigger refuses the raw SQL that tampers with the trail"
)


def verify() -> str:
    out = StringIO()
    call_command("audit_verify", stdout=out)
    return out.getvalue()


def refused(capsys_err: StringIO) -> list[str]:
    return [line for line in capsys_err.getvalue().splitlines() if line]


def test_each_event_is_chained_to_the_one_before_and_the_chain_verifies(administrator, service):
    events = [audit_log(actor=administrator, action="test.thing", target=service, data={"n": n}) for n in range(3)]
    stored = list(AuditEvent.objects.order_by("id"))
    assert [event.hash for event in stored] == [event.hash for event in events]
    assert stored[0].previous_hash == "" or AuditEvent.objects.filter(id__lt=stored[0].pk).exists()
    for before, after in itertools.pairwise(stored):
        assert after.previous_hash == before.hash and len(after.hash) == 64
    assert stored[-1].actor_repr == "Ada Admin <admin@example.org>"
    assert verify().startswith(f"{len(stored)} events verified. Last: event {stored[-1].pk}, hash {stored[-1].hash}")


@sqlite_only
def test_audit_verify_names_each_changed_removed_and_inserted_event(administrator, service):
    for n in range(6):
        audit_log(actor=administrator, action=f"test.step{n}", target=service)
    ids = list(AuditEvent.objects.order_by("id").values_list("id", flat=True))
    with connection.cursor() as cursor:
        cursor.execute("UPDATE accreditation_auditevent SET note = 'nothing to see' WHERE id = %s", [ids[1]])
        cursor.execute("DELETE FROM accreditation_auditevent WHERE id = %s", [ids[3]])
        # An event slipped in with a copied link, as someone who knows the scheme would try.
        cursor.execute(
            "INSERT INTO accreditation_auditevent (id, created_at, actor_id, actor_repr, action, target_type_id,"
            " target_id, target_repr, from_state, to_state, note, data, previous_hash, hash)"
            " SELECT %s, created_at, actor_id, actor_repr, 'test.forged', target_type_id, target_id, target_repr,"
            " from_state, to_state, note, data, hash, hash FROM accreditation_auditevent WHERE id = %s",
            [ids[4] * 10, ids[5]],
        )
    err = StringIO()
    with pytest.raises(CommandError, match="3 problems in 6 events"):
        call_command("audit_verify", stdout=StringIO(), stderr=err)
    assert refused(err) == [
        f"Event {ids[1]} was changed (test.step1 on {service}).",
        f"Events were removed between event {ids[2]} and event {ids[4]}.",
        f"Event {ids[4] * 10} was changed (test.forged on {service}).",
    ]


def test_an_inserted_event_is_named(administrator, service):
    for n in range(3):
        audit_log(actor=administrator, action=f"test.step{n}", target=service)
    first, second, third = AuditEvent.objects.order_by("id")
    _, problems = chain_problems([first, second, third])
    assert problems == []
    # An event slipped between the second and third with a link to the second: the third's link, which the intruder
    # cannot change without rewriting everything after it, gives it away.
    values = {name: getattr(second, name) for name in HASHED_FIELDS} | {"action": "test.forged"}
    fake = AuditEvent(pk=99999, previous_hash=second.hash, hash=chain_hash(values, second.hash), **values)
    _, problems = chain_problems([first, second, fake, third])
    assert f"Event 99999 was inserted: event {third.pk} follows event {second.pk}." in problems


def test_the_orm_cannot_change_or_delete_events(administrator, service):
    event = audit_log(actor=administrator, action="test.thing", target=service)
    for attempt in (
        event.save,
        event.delete,
        AuditEvent.objects.all().delete,
        lambda: AuditEvent.objects.update(note="x"),
    ):
        with pytest.raises(TypeError):
            attempt()
    with pytest.raises(TypeError):
        AuditEvent.objects.bulk_create([AuditEvent(action="x")])


@postgresql_only
def test_postgresql_refuses_a_plain_sql_update_or_delete(administrator, service):
    event = audit_log(actor=administrator, action="test.thing", target=service)
    for sql in (
        "UPDATE accreditation_auditevent SET note = 'rewritten' WHERE id = %s",
        "DELETE FROM accreditation_auditevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).note == ""
    assert verify().startswith(f"{AuditEvent.objects.count()} events verified")


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_chain():
    service = ServiceFactory()
    people = [UserFactory() for _ in range(6)]
    start = threading.Barrier(len(people))
    errors = []

    def write(person):
        try:
            start.wait(timeout=10)
            for n in range(20):
                with transaction.atomic():
                    audit_log(actor=person, action="test.concurrent", target=service, data={"n": n})
        except Exception as error:
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    count, problems = chain_problems(AuditEvent.objects.order_by("id").iterator())
    assert problems == [] and count == AuditEvent.objects.count() >= 120
    hashes = list(AuditEvent.objects.values_list("previous_hash", flat=True))
    assert len(hashes) == len(set(hashes)), "two events chained to the same head: the chain forked"


def test_a_person_with_audit_events_can_be_deleted_in_the_admin(client, administrator, service):
    person = UserFactory(full_name="Gone Soon", email="gone@example.org")
    audit_log(actor=person, action="test.did_something", target=service)
    client.force_login(administrator)
    response = client.post(reverse("admin:accreditation_user_delete", args=[person.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=person.pk).exists()
    did = AuditEvent.objects.get(action="test.did_something")
    assert did.actor_id == person.pk and did.actor_repr == "Gone Soon <gone@example.org>"
    deleted = AuditEvent.objects.get(action="accreditation.user.deleted_in_admin")
    assert deleted.actor == administrator and deleted.target_id == str(person.pk)
    assert deleted.data["fields"]["email"] == "gone@example.org" and "password" not in deleted.data["fields"]
    assert "verified" in verify()
    assert client.get(reverse("admin:workflow_auditevent_changelist")).status_code == 200
    assert client.get(reverse("admin:workflow_auditevent_change", args=[did.pk])).status_code == 200


def test_deleting_organisations_and_services_in_the_admin_is_audited(client, administrator):
    client.force_login(administrator)
    lonely = Organisation.objects.create(name="Lonely Trust")
    one, two = ServiceFactory(name="Birch Ward"), ServiceFactory(name="Cedar Ward")
    response = client.post(
        reverse("admin:accreditation_service_changelist"),
        {"action": "delete_selected", "_selected_action": [one.pk, two.pk], "post": "yes"},
    )
    assert response.status_code == 302 and not Service.objects.filter(pk__in=[one.pk, two.pk]).exists()
    deleted = AuditEvent.objects.filter(action="accreditation.service.deleted_in_admin")
    assert sorted(deleted.values_list("target_id", flat=True)) == sorted([str(one.pk), str(two.pk)])
    response = client.post(reverse("admin:accreditation_organisation_delete", args=[lonely.pk]), {"post": "yes"})
    assert response.status_code == 302 and not Organisation.objects.filter(pk=lonely.pk).exists()
    event = AuditEvent.objects.get(action="accreditation.organisation.deleted_in_admin")
    assert (event.actor, event.target_repr, event.data["fields"]["name"]) == (
        administrator,
        "Lonely Trust",
        "Lonely Trust",
    )
    assert "verified" in verify()


def test_deleting_a_service_from_its_organisations_page_is_audited(client, administrator):
    client.force_login(administrator)
    organisation = Organisation.objects.create(name="Oak Trust")
    service = ServiceFactory(name="Oak Ward", organisation=organisation)
    data = {
        "name": organisation.name,
        "kind": organisation.kind,
        "services-TOTAL_FORMS": "1",
        "services-INITIAL_FORMS": "1",
        "services-0-id": service.pk,
        "services-0-organisation": organisation.pk,
        "services-0-name": service.name,
        "services-0-setting_type": service.setting_type,
        "services-0-region": service.region,
        "services-0-joined_on": service.joined_on.isoformat(),
        "services-0-portfolio_due_on": service.portfolio_due_on.isoformat(),
        "services-0-DELETE": "on",
    }
    response = client.post(reverse("admin:accreditation_organisation_change", args=[organisation.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not Service.objects.filter(pk=service.pk).exists()
    assert AuditEvent.objects.get(action="accreditation.service.deleted_in_admin").target_id == str(service.pk)


def test_a_report_jobs_every_state_change_is_audited(
    awarded, administrator, monkeypatch, django_capture_on_commit_callbacks
):
    """Report jobs move only through the engine, which audits each move: queued → generating → ready, and a failure
    and its retry."""
    import awards.pdf
    from awards.models import AwardReport
    from awards.services import report_retry
    from awards.tasks import render_award_report

    report = awarded.reports.get()
    moves = list(
        AuditEvent.objects.filter(target_id=str(report.pk), action__startswith="accreditation.award_report.")
        .order_by("id")
        .values_list("from_state", "to_state")
    )
    assert moves == [("", "queued"), ("queued", "generating"), ("generating", "ready")]

    def broken(*args, **kwargs):
        raise RuntimeError("font missing")

    failing = AwardReport.objects.create(award=awarded, version=2, reason="Testing.")
    monkeypatch.setattr(awards.pdf, "render_award_report", broken)
    render_award_report.call(failing.pk)
    monkeypatch.undo()
    failing.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        report_retry(report=failing, by=administrator)
    events = AuditEvent.objects.filter(target_id=str(failing.pk), action__startswith="accreditation.award_report.")
    assert list(events.order_by("id").values_list("action", "from_state", "to_state", "actor")) == [
        ("accreditation.award_report.generating", "queued", "generating", None),
        ("accreditation.award_report.failed", "generating", "failed", None),
        ("accreditation.award_report.retried", "failed", "queued", administrator.pk),
        ("accreditation.award_report.generating", "queued", "generating", None),
        ("accreditation.award_report.ready", "generating", "ready", None),
    ]


def test_resubmitting_resets_the_reviews_and_says_so(in_review, lead_reviewer, second_reviewer, team_lead):
    from reviews.services.rounds import portfolio_return
    from reviews.services.scoring import review_submit, scores_save
    from workflow.engine import transition

    for assignment in in_review.assignments.select_related("reviewer"):
        scores_save(
            assignment=assignment,
            entries={r.pk: ("met", "Fine.") for r in in_review.responses.all()},
            by=assignment.reviewer,
        )
        review_submit(assignment=assignment, by=assignment.reviewer)
    portfolio_return(assessment=in_review, by=lead_reviewer, overall="Add minutes.", per_standard=[])
    transition(in_review, to="resubmitted", by=team_lead)
    opened = AuditEvent.objects.filter(action="reviews.round.opened").order_by("id")
    assert [event.data["previous_round"] for event in opened] == [None, 1]
    second = opened.last()
    assert sorted(second.data["submissions_reset"]) == sorted(in_review.assignments.values_list("pk", flat=True))
    assert second.data["scores_copied"] == 2 * in_review.responses.count()
    assert second.actor == team_lead and second.target_repr


@pytest.mark.django_db(transaction=True)
def test_the_migration_hashes_the_events_written_before_the_chain(administrator, service):
    try:
        apps = migrate([("workflow", "0003_audit_chain")])
        OldEvent = apps.get_model("workflow", "AuditEvent")
        ContentType = apps.get_model("contenttypes", "ContentType")
        kind = ContentType.objects.get(app_label="accreditation", model="service")
        for n in range(3):
            OldEvent.objects.create(
                actor_id=administrator.pk,
                action=f"old.{n}",
                target_type=kind,
                target_id=str(service.pk),
                target_repr="Old",
                data={"n": [n, "two"]},
            )
        assert set(OldEvent.objects.values_list("hash", flat=True)) == {""}
    finally:
        migrate_to_latest()
    assert verify().startswith(f"{AuditEvent.objects.count()} events verified")
    assert set(AuditEvent.objects.filter(action__startswith="old.").values_list("actor_repr", flat=True)) == {
        "Ada Admin <admin@example.org>"
    }
    audit_log(actor=administrator, action="new.after", target=service)
    assert "verified" in verify()


def test_the_hash_names_the_kind_of_object_not_its_content_type_id(administrator, service):
    """A restore into a freshly migrated database numbers content types anew; the chain must still verify there."""
    event = audit_log(actor=administrator, action="test.named", target=service)
    values = event.chained_values()
    renamed = values | {"target_type": "accreditation.service"}
    assert chain_hash(renamed, event.previous_hash) == event.hash
    assert chain_hash(values | {"target_type": "accreditation.organisation"}, event.previous_hash) != event.hash


def test_a_deletion_in_the_admin_says_what_went_with_it(client, administrator, service, team_member, team_lead):
    client.force_login(administrator)
    response = client.post(reverse("admin:accreditation_service_delete", args=[service.pk]), {"post": "yes"})
    assert response.status_code == 302 and not Service.objects.filter(pk=service.pk).exists()
    event = AuditEvent.objects.get(action="accreditation.service.deleted_in_admin")
    assert event.data["cascaded"] == {"accreditation.servicemembership": 2}
    assert "verified" in verify()
