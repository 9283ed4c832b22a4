# The audit trail moved here from `accreditation`, keeping its table: this migration changes only Django's idea of
# where it lives.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def move_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="workflow", model="auditevent").delete()
    ContentType.objects.filter(app_label="accreditation", model="auditevent").update(app_label="workflow")


def move_content_type_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="accreditation", model="auditevent").delete()
    ContentType.objects.filter(app_label="workflow", model="auditevent").update(app_label="accreditation")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('accreditation', '0004_awards'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='AuditEvent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                        ('action', models.CharField(help_text='What happened, e.g. standards.edition.published.', max_length=100)),
                        ('target_id', models.CharField(max_length=64)),
                        ('target_repr', models.CharField(max_length=300)),
                        ('from_state', models.CharField(blank=True, max_length=50)),
                        ('to_state', models.CharField(blank=True, max_length=50)),
                        ('note', models.TextField(blank=True)),
                        ('data', models.JSONField(blank=True, default=dict)),
                        ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('target_type', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='contenttypes.contenttype')),
                    ],
                    options={
                        'db_table': 'accreditation_auditevent',
                        'ordering': ['-created_at', '-id'],
                    },
                ),
                migrations.AddIndex(
                    model_name='auditevent',
                    index=models.Index(fields=['target_type', 'target_id', 'created_at'], name='accreditati_target__ab24e3_idx'),
                ),
            ],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
