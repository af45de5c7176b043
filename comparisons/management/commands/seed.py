"""Load the initial content (fixtures/*.json) into an empty database."""

import io
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from editing.registry import content_models
from editing.signals import content_changed

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"


def database_has_content():
    return any(model.objects.exists() for model in content_models())


class Command(BaseCommand):
    help = (
        "Load the initial content from fixtures/ into an empty database. On a database "
        "that already has content it changes nothing unless given --force."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even if content exists; rows with the same slugs are overwritten.",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Exit quietly (status 0) when the database already has content.",
        )
        parser.add_argument(
            "--from",
            dest="dump",
            help="Load this JSON dump (from `make backup`) instead of fixtures/.",
        )

    def handle(self, *args, force, if_empty, dump, **options):
        if database_has_content() and not force:
            message = "The database already has content; nothing was changed."
            if if_empty:
                self.stdout.write(message)
                return
            raise CommandError(f"{message} Use --force to load anyway.")

        files = [Path(dump)] if dump else sorted(FIXTURES_DIR.glob("*.json"))
        if not files or not all(path.is_file() for path in files):
            raise CommandError(f"No content to load at {dump or FIXTURES_DIR}.")
        with transaction.atomic():
            call_command("loaddata", *[str(path) for path in files], verbosity=0)
            # loaddata skips history; give every loaded row its first history entry
            # so later edits can be diffed and reverted to the seeded state.
            call_command("populate_history", auto=True, stdout=io.StringIO(), stderr=io.StringIO())
            content_changed()  # fixture loads send no content signals: one change for all
        self.stdout.write(self.style.SUCCESS(f"Loaded {', '.join(p.name for p in files)}."))
