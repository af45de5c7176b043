"""manage.py seed: loads fixtures/ into an empty database, and elsewhere only when told to.

What the fixtures hold is checked in tests/content/; these tests read the fixture files
only to know what a load must produce.
"""

import json
from collections import Counter

import pytest
from django.core.management import CommandError, call_command

from comparisons.management.commands.seed import FIXTURES_DIR
from comparisons.models import Framework
from editing.registry import content_models

from .factories import FrameworkFactory

# Only the rows each test builds (or loads).
pytestmark = pytest.mark.usefixtures("empty_content")


def fixture_objects():
    """Every object in fixtures/*.json, the files seed loads."""
    paths = sorted(FIXTURES_DIR.glob("*.json"))
    return [obj for path in paths for obj in json.loads(path.read_text())]


def row_counts():
    """{model label: rows in the database}, for every content model."""
    return {model._meta.label_lower: model.objects.count() for model in content_models()}


@pytest.fixture
def edited_framework():
    """A framework the fixtures also define (same slug), as an editor changed it."""
    slug = next(obj["fields"]["slug"] for obj in fixture_objects()
                if obj["model"] == "comparisons.framework")  # fmt: skip
    return FrameworkFactory(slug=slug, tagline="Edited by an editor")


def test_seed_loads_the_initial_content_into_an_empty_database():
    in_fixtures = Counter(obj["model"] for obj in fixture_objects())
    assert in_fixtures  # there is something to load
    call_command("seed", verbosity=0)
    loaded = row_counts()
    assert loaded == {label: in_fixtures[label] for label in loaded}


def test_seed_refuses_a_database_that_has_content_and_changes_nothing(edited_framework):
    before = row_counts()
    with pytest.raises(CommandError, match="already has content"):
        call_command("seed", verbosity=0)
    assert row_counts() == before
    edited_framework.refresh_from_db()
    assert edited_framework.tagline == "Edited by an editor"


def test_seed_if_empty_leaves_existing_content_alone_without_failing(edited_framework):
    before = row_counts()
    call_command("seed", "--if-empty", verbosity=0)
    assert row_counts() == before
    edited_framework.refresh_from_db()
    assert edited_framework.tagline == "Edited by an editor"


def test_seed_force_reloads_rows_in_place_by_natural_key():
    call_command("seed", verbosity=0)
    loaded = row_counts()
    framework = Framework.objects.order_by("pk").first()
    seeded_tagline = framework.tagline
    Framework.objects.filter(pk=framework.pk).update(tagline="Edited by an editor")

    call_command("seed", "--force", verbosity=0)

    assert Framework.objects.get(pk=framework.pk).tagline == seeded_tagline  # the same row
    assert seeded_tagline != "Edited by an editor"
    assert row_counts() == loaded  # no row was added twice


def test_seed_from_a_missing_dump_is_an_error():
    with pytest.raises(CommandError, match="No content to load"):
        call_command("seed", "--from", "/nonexistent/dump.json", verbosity=0)
    assert not Framework.objects.exists()


def test_a_checks_file_becomes_verifications_once(tmp_path):
    from comparisons.management.commands.seed import record_checks
    from comparisons.models import Verification

    from .factories import SourceFactory, SupportFactory

    support = SupportFactory()
    source = SourceFactory(slug="the-docs")
    path = tmp_path / "2026-01-02.json"
    path.write_text(json.dumps([
        {"checked_at": "2026-01-02T08:00:00Z", "source": "the-docs", "note": "Read the docs",
         "facts": [["support", support.framework.slug, support.feature.slug],
                   ["framework", support.framework.slug]]},
        {"checked_at": "2026-01-02T08:00:00Z", "source": None, "note": "Judged from the above",
         "facts": [["framework", support.framework.slug]]},
    ]))  # fmt: skip

    record_checks(path)
    record_checks(path)  # a file already recorded is skipped

    checks = Verification.objects.order_by("pk")
    assert [(v.source_id, v.note, v.method) for v in checks] == [
        (source.pk, "Read the docs", Verification.Method.EDITOR),
        (None, "Judged from the above", Verification.Method.EDITOR),
    ]
    assert sorted((f.fact_type.model, f.fact_id) for f in checks[0].facts.all()) == [
        ("framework", support.framework.pk), ("support", support.pk),
    ]  # fmt: skip
