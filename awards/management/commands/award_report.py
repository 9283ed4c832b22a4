from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from awards.models import Award
from awards.pdf import render_award_report


class Command(BaseCommand):
    help = "Render an award's PDF report (the same report the app makes) to a file."

    def add_arguments(self, parser):
        parser.add_argument("reference", help="The award reference, e.g. EE-2026-0001.")
        parser.add_argument("--output", "-o", type=Path, required=True, help="Where to write the PDF.")

    def handle(self, *args, reference, output, **options):
        award = Award.objects.filter(reference=reference.upper()).first()
        if award is None:
            raise CommandError(f"No award with reference {reference}.")
        version = (award.reports.order_by("-version").values_list("version", flat=True).first() or 0) or 1
        rendered = render_award_report(award, version=version)
        output.write_bytes(rendered.content)
        self.stdout.write(f"Wrote {output}: {rendered.pages} pages, {len(rendered.content):,} bytes.")
