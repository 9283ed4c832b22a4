# The decision and award models moved here from `accreditation`, keeping their tables: this migration changes only
# Django's idea of where they live, and moves their content types so the audit trail still finds its targets.

import accreditation.models.evidence
import awards.models
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MOVED = ["decision", "panelmember", "condition", "appeal", "award", "awardreport"]


def move_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="awards", model__in=MOVED).delete()
    ContentType.objects.filter(app_label="accreditation", model__in=MOVED).update(app_label="awards")


def move_content_types_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="accreditation", model__in=MOVED).delete()
    ContentType.objects.filter(app_label="awards", model__in=MOVED).update(app_label="accreditation")


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
                    name='Decision',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('outcome', models.CharField(choices=[('awarded', 'Awarded'), ('deferred', 'Deferred'), ('not_awarded', 'Not awarded')], max_length=12)),
                        ('recommended', models.CharField(choices=[('awarded', 'Awarded'), ('deferred', 'Deferred'), ('not_awarded', 'Not awarded')], help_text='What the award rule recommended.', max_length=12, verbose_name='recommended outcome')),
                        ('override_reason', models.TextField(blank=True)),
                        ('decided_on', models.DateField()),
                        ('rationale', models.TextField()),
                        ('recorded_at', models.DateTimeField(auto_now_add=True)),
                        ('assessment', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='decisions', to='accreditation.assessment')),
                        ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'accreditation_decision',
                        'ordering': ['-recorded_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='Condition',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('text', models.TextField()),
                        ('due_on', models.DateField()),
                        ('met_at', models.DateTimeField(blank=True, null=True)),
                        ('check_note', models.TextField(blank=True)),
                        ('checked_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('decision', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='conditions', to='awards.decision')),
                    ],
                    options={
                        'db_table': 'accreditation_condition',
                        'ordering': ['due_on', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='Award',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('reference', models.CharField(max_length=20, unique=True)),
                        ('verification_code', models.CharField(default=awards.models.new_verification_code, editable=False, max_length=12, unique=True)),
                        ('valid_from', models.DateField()),
                        ('valid_until', models.DateField()),
                        ('interim_due_on', models.DateField()),
                        ('interim_completed_on', models.DateField(blank=True, null=True)),
                        ('suspended_at', models.DateTimeField(blank=True, null=True)),
                        ('suspension_reason', models.TextField(blank=True)),
                        ('revoked_at', models.DateTimeField(blank=True, null=True)),
                        ('revocation_reason', models.TextField(blank=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('assessment', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='award', to='accreditation.assessment')),
                        ('service', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='awards', to='accreditation.service')),
                        ('decision', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='awards.decision')),
                    ],
                    options={
                        'db_table': 'accreditation_award',
                        'ordering': ['-valid_from', 'reference'],
                    },
                ),
                migrations.CreateModel(
                    name='Appeal',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('grounds', models.TextField()),
                        ('lodged_at', models.DateTimeField(auto_now_add=True)),
                        ('result', models.CharField(blank=True, choices=[('upheld', 'Upheld'), ('dismissed', 'Dismissed')], max_length=10)),
                        ('result_note', models.TextField(blank=True)),
                        ('decided_at', models.DateTimeField(blank=True, null=True)),
                        ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('lodged_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('decision', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='appeals', to='awards.decision')),
                    ],
                    options={
                        'db_table': 'accreditation_appeal',
                        'ordering': ['-lodged_at'],
                    },
                ),
                migrations.CreateModel(
                    name='PanelMember',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=150)),
                        ('role', models.CharField(choices=[('chair', 'Chair'), ('administrator', 'Programme administrator'), ('reviewer', 'Peer reviewer'), ('lived_experience', 'Lived-experience member'), ('other', 'Other')], max_length=20)),
                        ('decision', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='panel', to='awards.decision')),
                    ],
                    options={
                        'db_table': 'accreditation_panelmember',
                        'ordering': ['id'],
                    },
                ),
                migrations.CreateModel(
                    name='AwardReport',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('version', models.PositiveSmallIntegerField()),
                        ('reason', models.CharField(help_text='Why this version was made.', max_length=200)),
                        ('status', models.CharField(choices=[('queued', 'Queued'), ('generating', 'Generating'), ('ready', 'Ready'), ('failed', 'Failed')], default='queued', max_length=12)),
                        ('error', models.TextField(blank=True)),
                        ('file', models.FileField(blank=True, max_length=200, storage=accreditation.models.evidence.evidence_storage, upload_to=awards.models.report_upload_to)),
                        ('sha256', models.CharField(blank=True, max_length=64)),
                        ('size', models.PositiveIntegerField(default=0)),
                        ('pages', models.PositiveSmallIntegerField(default=0)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('started_at', models.DateTimeField(blank=True, null=True)),
                        ('finished_at', models.DateTimeField(blank=True, null=True)),
                        ('award', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='reports', to='awards.award')),
                        ('requested_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'accreditation_awardreport',
                        'ordering': ['-version'],
                        'constraints': [models.UniqueConstraint(fields=('award', 'version'), name='report_version_unique')],
                    },
                ),
                migrations.AddIndex(
                    model_name='award',
                    index=models.Index(fields=['valid_until', 'revoked_at', 'suspended_at'], name='accreditati_valid_u_d8b916_idx'),
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
