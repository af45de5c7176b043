"""What `manage.py seed` loads: the initial content's published frameworks and article."""

import pytest

from comparisons.models import Article, Framework

pytestmark = pytest.mark.usefixtures("seeded")


def test_seed_loads_the_seven_frameworks_and_the_django_vs_flask_article():
    assert Framework.objects.count() == 7
    assert Framework.objects.published().count() == 7
    assert Article.objects.published().filter(slug="django-vs-flask").exists()
