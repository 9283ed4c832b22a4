import datetime

from django.core.management.base import BaseCommand, CommandError

from accreditation.services.evidence.storage import QUARANTINE
from awards.tasks import storage_check_run


class Command(BaseCommand):
    help = (
        "Compare the private file storage with the database: list files no evidence item or award report refers to "
        "(orphans) and rows whose file is missing, of the wrong size or changed. With --fix, orphans older than "
        f"--min-age are moved to the {QUARANTINE}/ folder (never deleted). Exits 1 when a row's file is missing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help=f"Move orphan files into {QUARANTINE}/.")
        parser.add_argument(
            "--min-age",
            type=int,
            default=3600,
            metavar="SECONDS",
            help="Only files at least this old count as orphans: a younger one may be an upload still committing.",
        )
        parser.add_argument("--no-hashes", action="store_true", help="Check sizes only, not SHA-256 (quicker).")

    def handle(self, *args, fix, min_age, no_hashes, **options):
        report = storage_check_run(fix=fix, verify_hashes=not no_hashes, min_age=datetime.timedelta(seconds=min_age))
        if report.skipped:
            raise CommandError("Another storage check is running now; try again when it has finished.")
        for name in report.orphans:
            moved = " (moved to quarantine)" if name in report.quarantined else ""
            self.stdout.write(f"orphan: {name}{moved}")
        for problem in report.missing:
            self.stdout.write(f"missing: {problem}")
        self.stdout.write(
            f"{report.checked_files} files checked: {len(report.orphans)} orphans, "
            f"{len(report.quarantined)} quarantined, {len(report.missing)} rows with a missing or changed file."
        )
        if report.missing:
            raise CommandError("Some rows refer to files that are missing or changed: restore them from a backup.")
