# Awards and appeals get a state field, moved only by the workflow engine.

from django.db import migrations, models


def states_from_history(apps, schema_editor):
    """An award's state was read from its suspended_at and revoked_at; an appeal's from its result."""
    Award = apps.get_model("awards", "Award")
    Appeal = apps.get_model("awards", "Appeal")
    Award.objects.filter(suspended_at__isnull=False).update(state="suspended")
    Award.objects.filter(revoked_at__isnull=False).update(state="revoked")
    for result in ("upheld", "dismissed"):
        Appeal.objects.filter(result=result).update(status=result)


def states_back(apps, schema_editor):
    Appeal = apps.get_model("awards", "Appeal")
    for result in ("upheld", "dismissed"):
        Appeal.objects.filter(status=result).update(result=result)


class Migration(migrations.Migration):

    dependencies = [
        ('accreditation', '0005_moved_to_workflow_and_awards'),
        ('awards', '0001_initial'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='award',
            name='accreditati_valid_u_d8b916_idx',
        ),
        migrations.AddField(
            model_name='appeal',
            name='status',
            field=models.CharField(choices=[('lodged', 'Lodged, waiting for its outcome'), ('upheld', 'Upheld'), ('dismissed', 'Dismissed')], default='lodged', editable=False, max_length=10),
        ),
        migrations.AddField(
            model_name='award',
            name='state',
            field=models.CharField(choices=[('in_force', 'In force'), ('suspended', 'Suspended'), ('revoked', 'Revoked')], default='in_force', editable=False, max_length=10),
        ),
        migrations.RunPython(states_from_history, states_back),
        migrations.RemoveField(
            model_name='appeal',
            name='result',
        ),
        migrations.AddIndex(
            model_name='award',
            index=models.Index(fields=['valid_until', 'state'], name='accreditati_valid_u_0a11cd_idx'),
        ),
    ]
