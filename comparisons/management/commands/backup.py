"""Write content, quiz results, accounts and edit history to a timestamped JSON file.

Rows keep their ids: history records, deletions and fact checks refer to rows by
id, so only ids that survive a restore keep them pointing at the right rows.
The rows every database makes for itself when migrated (content types,
permissions, the Editors group) may have other ids elsewhere, so rows refer to
them by name.
"""

import datetime
from pathlib import Path

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.management.base import BaseCommand
from django.core.serializers.json import DjangoJSONEncoder
from django.core.serializers.json import Serializer as JSONSerializer
from django.utils import timezone

from comparisons.models import Verification, VerifiedFact
from editing.models import DeletedRow, Deletion
from editing.registry import content_models
from recommender.models import Result, StepCount

# What a backup leaves out, and why; every other table is in it (tests/test_backup.py
# holds each model to being one or the other).
LEFT_OUT = [
    (["sessions.Session"], "sessions (everyone signs in again)"),
    (
        [
            "axes.AccessAttempt",
            "axes.AccessAttemptExpiration",
            "axes.AccessLog",
            "axes.AccessFailureLog",
        ],
        "sign-in attempts, lockouts and sign-in logs (django-axes)",
    ),
    (["pagecache.ContentVersion"], "the page cache's content version (a restore sets a new one)"),
    (
        ["contenttypes.ContentType", "auth.Permission"],
        "content types and permissions (migrate makes them)",
    ),
]
LEFT_OUT_TEXT = "; ".join(reason for _, reason in LEFT_OUT)
# Rows a fresh database creates for itself: referred to by name, never by id.
BY_NAME = {ContentType, Permission, Group}


def history_models():
    """Every django-simple-history table: one per content model, one per history of a
    many-to-many field (the sources a fact cited at each point)."""
    from django.apps import apps
    from simple_history.models import HistoricalChanges

    return [model for model in apps.get_models() if issubclass(model, HistoricalChanges)]


def backed_up_models():
    """Everything a backup holds, in an order that loads (rows named before their users)."""
    models = [
        Group, get_user_model(), *content_models(), Result, StepCount, Verification,
        VerifiedFact, *history_models(), Deletion, DeletedRow, LogEntry,
    ]  # fmt: skip
    return serializers.sort_dependencies([(None, models)], allow_cycles=False)


class ExactEncoder(DjangoJSONEncoder):
    """Times to the microsecond, where Django's encoder stops at the millisecond:
    history is ordered by them, and a restore should change nothing."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class BackupSerializer(JSONSerializer):
    """Django's JSON, with ids kept except for the rows in BY_NAME (see the module)."""

    def get_dump_object(self, obj):
        data = super().get_dump_object(obj)
        if type(obj) in BY_NAME:
            del data["pk"]
        return data

    def handle_fk_field(self, obj, field):
        self.use_natural_foreign_keys = field.related_model in BY_NAME
        super().handle_fk_field(obj, field)

    def handle_m2m_field(self, obj, field):
        self.use_natural_foreign_keys = field.related_model in BY_NAME
        super().handle_m2m_field(obj, field)


def _rows(model):
    by_name = [
        f.name for f in model._meta.concrete_fields if f.is_relation and f.related_model in BY_NAME
    ]
    return model._default_manager.order_by("pk").select_related(*by_name).iterator(2000)


class Command(BaseCommand):
    help = (
        "Dump all content, quiz results and step counts, fact checks, user accounts and "
        "groups, and the "
        "edit history (every change, who made it, deletions, the admin's log) to "
        "backups/pickframe-<timestamp>.json. Restore with `manage.py seed --from FILE` "
        f"into a freshly migrated database. Left out: {LEFT_OUT_TEXT}. On PostgreSQL, "
        "pg_dump is the complete backup; this file is portable between databases."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", help="Write here instead of backups/.")

    def handle(self, *args, output, **options):
        if output:
            path = Path(output)
        else:
            stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
            path = Path(settings.BASE_DIR) / "backups" / f"pickframe-{stamp}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        objects = (obj for model in backed_up_models() for obj in _rows(model))
        with path.open("w") as stream:
            BackupSerializer().serialize(objects, indent=1, stream=stream, cls=ExactEncoder)
        self.stdout.write(str(path))
        if options["verbosity"] > 0:
            self.stdout.write(
                "Holds content, quiz results and step counts, fact checks, accounts, groups "
                f"and edit history. Left out: {LEFT_OUT_TEXT}."
            )
