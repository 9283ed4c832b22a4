import json
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from standards.services import edition_load

FIXTURE_DIR = Path(settings.BASE_DIR) / "fixtures" / "standards"


class Command(BaseCommand):
    help = "Load editions of the standards from fixtures/standards/*.json. Editions already loaded are left alone."

    def add_arguments(self, parser):
        parser.add_argument(
            "paths", nargs="*", type=Path, help="Fixture files (default: every file in fixtures/standards)."
        )

    def handle(self, *args, paths, **options):
        paths = paths or sorted(FIXTURE_DIR.glob("*.json"))
        if not paths:
            raise CommandError(f"No edition fixtures found in {FIXTURE_DIR}.")
        for path in paths:
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                edition, created = edition_load(data=data)
            except (OSError, ValueError, KeyError, ValidationError) as error:
                raise CommandError(f"{path}: {error}") from error
            standards = edition.standards.count()
            verb = "Loaded" if created else "Already loaded:"
            self.stdout.write(
                f"{verb} {edition} – {edition.values.count()} values, {standards} standards, {edition.status}."
            )
