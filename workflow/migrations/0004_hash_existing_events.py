# Events written before the chain existed get their hash now, in the order of their ids, and the name of who acted.

from django.db import migrations

from workflow.models import chain_hash

BATCH = 1000


def hash_existing(apps, schema_editor):
    AuditEvent = apps.get_model("workflow", "AuditEvent")
    User = apps.get_model("accreditation", "User")
    db = schema_editor.connection.alias
    ContentType = apps.get_model("contenttypes", "ContentType")
    kinds = {pk: f"{app_label}.{model}" for pk, app_label, model in ContentType.objects.using(db).values_list("pk", "app_label", "model")}
    names = {pk: f"{name} <{email}>" for pk, name, email in User.objects.using(db).values_list("pk", "full_name", "email")}
    previous_hash = ""
    batch = []
    for event in AuditEvent.objects.using(db).order_by("id").iterator(chunk_size=BATCH):
        if event.actor_id is not None:
            event.actor_repr = names.get(event.actor_id, "")[:300]
        values = {name: getattr(event, name) for name in (
            "created_at", "actor_id", "actor_repr", "action", "target_id", "target_repr",
            "from_state", "to_state", "note", "data",
        )} | {"target_type": kinds[event.target_type_id]}
        event.previous_hash = previous_hash
        event.hash = previous_hash = chain_hash(values, previous_hash)
        batch.append(event)
        if len(batch) == BATCH:
            AuditEvent.objects.using(db).bulk_update(batch, ["actor_repr", "previous_hash", "hash"])
            batch = []
    AuditEvent.objects.using(db).bulk_update(batch, ["actor_repr", "previous_hash", "hash"])


class Migration(migrations.Migration):

    dependencies = [
        ("workflow", "0003_audit_chain"),
        ("accreditation", "0001_initial"),
    ]

    operations = [migrations.RunPython(hash_existing, migrations.RunPython.noop)]
