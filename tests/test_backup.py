"""make backup and seed --from: every model survives the round trip."""

import json

import pytest
from django.core import serializers
from django.core.management import CommandError, call_command

from comparisons.management.commands.backup import backed_up_models
from comparisons.models import Framework
from recommender.models import Result

from .factories import FrameworkFactory, build_quiz, build_site

# Only the rows each test builds.
pytestmark = pytest.mark.usefixtures("empty_content")


def snapshot():
    """Every backed-up row, as natural-key JSON, ignoring automatic timestamps."""
    rows = {}
    for model in backed_up_models():
        data = json.loads(serializers.serialize(
            "json", model._default_manager.all(),
            use_natural_foreign_keys=True, use_natural_primary_keys=True,
        ))  # fmt: skip
        for row in data:
            row["fields"].pop("updated_at", None)
        rows[model._meta.label] = sorted(json.dumps(row, sort_keys=True) for row in data)
    return rows


def test_a_backup_restores_every_model_into_an_empty_database(tmp_path, client):
    site = build_site()
    build_quiz(site.frameworks)
    assert client.post("/quiz/", {"experience": "new", "project": "site"}).status_code == 303
    Framework.objects.filter(pk=site.beta.pk).update(tagline="Edited after building")
    before = snapshot()
    assert all(before.values()), [label for label, rows in before.items() if not rows]

    path = tmp_path / "backup.json"
    call_command("backup", output=str(path), verbosity=0)
    for model in reversed(backed_up_models()):
        model._default_manager.all().delete()
    assert not Framework.objects.exists() and not Result.objects.exists()

    call_command("seed", "--from", str(path), verbosity=0)
    assert snapshot() == before
    assert Framework.objects.get(slug=site.beta.slug).tagline == "Edited after building"
    token = Result.objects.get().token
    assert client.get(f"/quiz/result/{token}/").status_code == 200


def test_restoring_a_backup_refuses_a_database_with_content(tmp_path):
    FrameworkFactory()
    path = tmp_path / "backup.json"
    call_command("backup", output=str(path), verbosity=0)
    with pytest.raises(CommandError, match="already has content"):
        call_command("seed", "--from", str(path), verbosity=0)


def test_backup_files_are_timestamped_in_backups(settings, tmp_path, capsys):
    settings.BASE_DIR = tmp_path
    call_command("backup")
    [written] = (tmp_path / "backups").glob("pickframe-*.json")
    assert written.name[len("pickframe-") : -len(".json")].replace("-", "").isdigit()
    assert str(written) in capsys.readouterr().out
