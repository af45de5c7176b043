"""Load the initial content (fixtures/*.json) into an empty database.

``fixtures/checks/*.json`` records how the initial content was checked: for each
source, the facts checked against it and when. They become verifications, so the
re-check page and each framework's timeline show the evidence from day one.
"""

import datetime
import io
import json
from contextlib import contextmanager, nullcontext
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from comparisons.models import (
    FACT_MODELS,
    Adoption,
    Fit,
    Framework,
    ProCon,
    Source,
    Support,
    TraitValue,
    Verification,
    VerifiedFact,
)
from editing.registry import content_models
from editing.signals import content_changed

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"
CHECKS_DIR = FIXTURES_DIR / "checks"


def _fact_keys():
    """{natural key of a fact row, as checks files write it: pk}, one query per kind."""
    keys = {}
    rows = {
        "framework": Framework.objects.values_list("slug", "pk"),
        "support": Support.objects.values_list("framework__slug", "feature__slug", "pk"),
        "traitvalue": TraitValue.objects.values_list("framework__slug", "trait__slug", "pk"),
        "fit": Fit.objects.values_list("framework__slug", "use_case__slug", "pk"),
        "adoption": Adoption.objects.values_list("company__slug", "framework__slug", "pk"),
        "procon": ProCon.objects.values_list("framework__slug", "kind", "order", "pk"),
    }
    for kind, values in rows.items():
        for *natural, pk in values:
            keys[(kind, *map(str, natural))] = pk
    return keys


def record_checks(path):
    """Turn a checks file into verifications (once: a file already recorded is skipped)."""
    entries = json.loads(path.read_text())
    if not entries:
        return 0
    first = entries[0]
    when = datetime.datetime.fromisoformat(first["checked_at"])
    if Verification.objects.filter(checked_at=when, note=first["note"]).exists():
        return 0
    keys = _fact_keys()
    types = ContentType.objects.get_for_models(*FACT_MODELS)
    by_name = {model._meta.model_name: types[model] for model in FACT_MODELS}
    sources = dict(Source.objects.values_list("slug", "pk"))
    facts = []
    for entry in entries:
        verification = Verification.objects.create(
            checked_at=datetime.datetime.fromisoformat(entry["checked_at"]),
            source_id=sources[entry["source"]] if entry["source"] else None,
            note=entry["note"],
        )
        for kind, *natural in entry["facts"]:
            facts.append(VerifiedFact(verification=verification, fact_type=by_name[kind],
                                      fact_id=keys[(kind, *map(str, natural))]))  # fmt: skip
    VerifiedFact.objects.bulk_create(facts)
    return len(facts)


def holds_history(path):
    """Whether a backup brings history along (backups made before it did, do not)."""
    from .backup import history_models

    text = path.read_text()
    return any(f'"model": "{model._meta.label_lower}"' in text for model in history_models())


@contextmanager
def history_paused():
    """Write no history while a backup is restored: it brings its own, and setting a
    restored row's sources would otherwise be recorded as an edit."""
    enabled = getattr(settings, "SIMPLE_HISTORY_ENABLED", True)
    settings.SIMPLE_HISTORY_ENABLED = False
    try:
        yield
    finally:
        settings.SIMPLE_HISTORY_ENABLED = enabled


def database_has_content():
    return any(model.objects.exists() for model in content_models())


def database_has_backed_up_rows():
    """Whether any table a backup restores has rows (groups aside: migrate makes one)."""
    from .backup import backed_up_models

    return any(m._default_manager.exists() for m in backed_up_models() if m is not Group)


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
            help="Restore this backup (from `make backup`) instead of loading fixtures/: "
            "content, quiz results, accounts and edit history, into a freshly migrated "
            "database.",
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
        restoring = dump and holds_history(files[0])  # older backups hold content alone
        if restoring and (force or database_has_backed_up_rows()):
            # A backup keeps its rows' ids (see the backup command): loaded over other
            # rows it would overwrite whichever rows happen to have the same ids.
            raise CommandError(
                "A backup restores only into a freshly migrated database, with no content, "
                "quiz results, user accounts or edit history yet (--force does not apply); "
                "nothing was changed."
            )
        with transaction.atomic():
            with history_paused() if restoring else nullcontext():
                call_command("loaddata", *[str(path) for path in files], verbosity=0)
            # loaddata skips history; give every loaded row its first history entry
            # so later edits can be diffed and reverted to the seeded state (a model
            # whose history a backup brought back is left alone).
            call_command("populate_history", auto=True, stdout=io.StringIO(), stderr=io.StringIO())
            if not dump:
                for path in sorted(CHECKS_DIR.glob("*.json")):
                    record_checks(path)
            content_changed()  # fixture loads send no content signals: one change for all
        self.stdout.write(self.style.SUCCESS(f"Loaded {', '.join(p.name for p in files)}."))
