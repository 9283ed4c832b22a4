"""Review rounds become records (1 of 3): the new tables and columns, nullable until 0003 has filled them."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accreditation", "0005_moved_to_workflow_and_awards"),
        ("reviews", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="ReviewRound",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("number", models.PositiveSmallIntegerField()),
                ("opened_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "assessment",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="review_rounds",
                        to="accreditation.assessment",
                    ),
                ),
                (
                    "submission",
                    models.OneToOneField(
                        help_text="What the team sent.",
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="review_round",
                        to="accreditation.submission",
                    ),
                ),
            ],
            options={"ordering": ["assessment", "number"]},
        ),
        migrations.AddConstraint(
            model_name="reviewround",
            constraint=models.UniqueConstraint(fields=("assessment", "number"), name="review_round_unique"),
        ),
        migrations.CreateModel(
            name="ReviewSubmission",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("submitted_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "assignment",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="review_submissions",
                        to="reviews.assignment",
                    ),
                ),
                (
                    "round",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="review_submissions",
                        to="reviews.reviewround",
                    ),
                ),
            ],
            options={"ordering": ["round", "submitted_at"]},
        ),
        migrations.AddConstraint(
            model_name="reviewsubmission",
            constraint=models.UniqueConstraint(fields=("assignment", "round"), name="one_review_submission_per_round"),
        ),
        migrations.AddField(
            model_name="reviewerscore",
            name="round",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.CASCADE, related_name="scores", to="reviews.reviewround"
            ),
        ),
        migrations.AddField(
            model_name="actionpoint",
            name="round",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="action_points",
                to="reviews.reviewround",
            ),
        ),
        # Nullable on the way out, so that going back (0004 → 0002) can re-add them to tables that have rows.
        migrations.AlterField(
            model_name="actionpoint", name="round_number", field=models.PositiveSmallIntegerField(null=True)
        ),
        migrations.AlterField(
            model_name="scorechange", name="round_number", field=models.PositiveSmallIntegerField(null=True)
        ),
        # Earlier rounds get their own score rows in 0003.
        migrations.RemoveConstraint(model_name="reviewerscore", name="one_score_per_standard"),
    ]
