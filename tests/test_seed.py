import pytest
from django.core.management import CommandError, call_command

from comparisons.models import Article, Framework, Support

pytestmark = pytest.mark.django_db


def test_seed_loads_the_initial_content_into_an_empty_database(empty_content):
    call_command("seed", verbosity=0)
    assert Framework.objects.published().count() == 7
    assert Article.objects.published().filter(slug="django-vs-flask").exists()


def test_seed_refuses_a_database_that_has_content_and_changes_nothing(seeded):
    Framework.objects.filter(slug="flask").update(tagline="Edited by an editor")
    with pytest.raises(CommandError, match="already has content"):
        call_command("seed", verbosity=0)
    assert Framework.objects.get(slug="flask").tagline == "Edited by an editor"


def test_seed_if_empty_leaves_existing_content_alone_without_failing(seeded):
    Framework.objects.filter(slug="flask").update(tagline="Edited by an editor")
    call_command("seed", "--if-empty", verbosity=0)
    assert Framework.objects.get(slug="flask").tagline == "Edited by an editor"


def test_seed_force_reloads_rows_in_place_by_natural_key(seeded):
    supports = Support.objects.count()
    Framework.objects.filter(slug="flask").update(tagline="Edited by an editor")
    call_command("seed", "--force", verbosity=0)
    assert Framework.objects.get(slug="flask").tagline != "Edited by an editor"
    assert Support.objects.count() == supports
    assert Framework.objects.count() == 7


def test_seed_from_a_missing_dump_is_an_error(empty_content):
    with pytest.raises(CommandError, match="No content to load"):
        call_command("seed", "--from", "/nonexistent/dump.json", verbosity=0)
    assert not Framework.objects.exists()
