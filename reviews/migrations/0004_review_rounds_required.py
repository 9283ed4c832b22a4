"""Review rounds become records (3 of 3): every score and action point has its round; the old columns go."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0003_review_rounds_data"),
    ]

    operations = [
        migrations.AlterField(
            model_name="reviewerscore",
            name="round",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="scores", to="reviews.reviewround"
            ),
        ),
        migrations.AlterField(
            model_name="actionpoint",
            name="round",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="action_points", to="reviews.reviewround"
            ),
        ),
        migrations.AddConstraint(
            model_name="reviewerscore",
            constraint=models.UniqueConstraint(
                fields=("assignment", "round", "response"), name="one_score_per_standard_and_round"
            ),
        ),
        migrations.RemoveField(model_name="actionpoint", name="round_number"),
        migrations.RemoveField(model_name="scorechange", name="round_number"),
        migrations.RemoveField(model_name="assignment", name="review_submitted_at"),
        migrations.AlterModelOptions(
            name="actionpoint",
            options={
                "ordering": ["round__number", "response__standard__value__order", "response__standard__order", "id"]
            },
        ),
    ]
