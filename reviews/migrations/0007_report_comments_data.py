"""The team's factual-accuracy comments become separate items (2 of 3): each report's single text of comments becomes
one comment about the whole report, by whoever sent it, when they sent it, so nothing is lost. Such a comment has no
answer yet; on a draft report the lead reviewer answers it before finalising, like any other.

Going back puts the comments of each report together again as one text, each under what it is about, with the
lead reviewer's answers, so nothing is lost that way either."""

from django.db import migrations


def to_items(apps, schema_editor):
    ReviewReport = apps.get_model("reviews", "ReviewReport")
    ReportComment = apps.get_model("reviews", "ReportComment")
    ReportComment.objects.bulk_create(
        ReportComment(
            report=report,
            text=report.team_comments.strip(),
            by_id=report.team_commented_by_id,
            at=report.team_commented_at or report.updated_at,
        )
        for report in ReviewReport.objects.exclude(team_comments="").order_by("pk")
        if report.team_comments.strip()
    )


def to_text(apps, schema_editor):
    ReviewReport = apps.get_model("reviews", "ReviewReport")
    ReportComment = apps.get_model("reviews", "ReportComment")
    texts: dict[int, list[str]] = {}
    for comment in ReportComment.objects.order_by("report_id", "at", "pk"):
        parts = [f"About {comment.about}:" if comment.about else "", comment.text]
        if comment.answer:
            answer = "Accepted" if comment.answer == "accepted" else "Not accepted"
            parts.append(f"({answer}: {comment.answer_text})")
        texts.setdefault(comment.report_id, []).append("\n".join(part for part in parts if part))
    for report_id, items in texts.items():
        ReviewReport.objects.filter(pk=report_id).update(team_comments="\n\n".join(items))


class Migration(migrations.Migration):
    dependencies = [("reviews", "0006_report_comments")]

    operations = [migrations.RunPython(to_items, to_text)]
