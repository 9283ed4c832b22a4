from django.db import migrations, models


def refuse_existing_duplicates(apps, schema_editor):
    """Uploads that raced before this constraint may have stored one file twice. Which copy to keep is the team's
    choice (each may be linked to standards), so the migration names them rather than deleting one."""
    Evidence = apps.get_model("accreditation", "Evidence")
    duplicates = (
        Evidence.objects.filter(superseded_at__isnull=True)
        .exclude(sha256="")
        .values("service_id", "sha256")
        .annotate(copies=models.Count("id"))
        .filter(copies__gt=1)
    )
    found = [
        sorted(
            Evidence.objects.filter(
                service_id=row["service_id"], sha256=row["sha256"], superseded_at__isnull=True
            ).values_list("id", flat=True)
        )
        for row in duplicates
    ]
    if found:
        raise RuntimeError(
            "Some services hold the same evidence file more than once (evidence ids, grouped: "
            f"{found}). Delete all but one of each group in the admin, then run the migration again."
        )


class Migration(migrations.Migration):
    dependencies = [("accreditation", "0005_moved_to_workflow_and_awards")]

    operations = [
        migrations.RunPython(refuse_existing_duplicates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="evidence",
            constraint=models.UniqueConstraint(
                condition=models.Q(("superseded_at__isnull", True), models.Q(("sha256", ""), _negated=True)),
                fields=("service", "sha256"),
                name="evidence_file_once_per_service",
            ),
        ),
    ]
