"""Write all content (and quiz results) to a timestamped JSON file."""

from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.core.management.base import BaseCommand
from django.utils import timezone

from editing.registry import content_models
from recommender.models import Result


def backed_up_models():
    """Every content model and the quiz results, dependencies first."""
    return serializers.sort_dependencies([(None, [*content_models(), Result])], allow_cycles=False)


class Command(BaseCommand):
    help = "Dump all content to backups/pickframe-<timestamp>.json (restore: seed --from)."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="Write here instead of backups/.")

    def handle(self, *args, output, **options):
        if output:
            path = Path(output)
        else:
            stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
            path = Path(settings.BASE_DIR) / "backups" / f"pickframe-{stamp}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        objects = (
            obj for model in backed_up_models() for obj in model._default_manager.order_by("pk")
        )
        with path.open("w") as stream:
            serializers.serialize(
                "json",
                objects,
                indent=1,
                use_natural_foreign_keys=True,
                use_natural_primary_keys=True,
                stream=stream,
            )
        self.stdout.write(str(path))
