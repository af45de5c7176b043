"""Every public page renders in a fixed number of queries, whatever the data size.

The budgets are measured on the initial content plus a catalogue several times
its size; the cache is cleared before each request so the view really runs.
"""

import pytest
from django.core.cache import cache

from comparisons.models import ArticleFramework, Status

from .factories import ArticleFactory, build_catalogue

pytestmark = pytest.mark.usefixtures("seeded")


@pytest.fixture
def big(db):
    frameworks = build_catalogue()
    article = ArticleFactory(title="Big vs Big", slug="big-vs-big", status=Status.PUBLISHED,
                             published_at="2026-01-01T00:00Z")  # fmt: skip
    for position, framework in enumerate(frameworks[:3], 1):
        ArticleFramework.objects.create(article=article, framework=framework, position=position)
    return frameworks


BUDGETS = [
    ("/", 4),
    ("/frameworks/", 1),
    ("/frameworks/bigframe-00/", 16),
    ("/frameworks/django/", 16),
    ("/compare/", 4),
    ("/compare/bigframe-00-vs-bigframe-01-vs-bigframe-02/", 15),  # with an article
    ("/compare/bigframe-03-vs-bigframe-04-vs-bigframe-05-vs-bigframe-06/", 15),
    ("/compare/django-vs-flask/", 15),
    ("/features/", 1),
    ("/use-cases/", 1),
    ("/features/big-feature-0-0/", 3),
    ("/use-cases/big-use-0/", 3),
    ("/search/?q=big", 9),
    ("/data/frameworks.json", 2),
    ("/data/support.csv", 2),
    ("/data/adoptions.csv", 2),
    ("/data/traits.csv", 2),
    ("/feed/", 3),
    ("/sitemap.xml", 11),
]


@pytest.mark.parametrize(("url", "budget"), BUDGETS)
def test_page_query_budget_holds_on_a_large_catalogue(
    big, client, django_assert_max_num_queries, url, budget
):
    cache.clear()
    with django_assert_max_num_queries(budget):
        response = client.get(url)
    assert response.status_code == 200
    if "bigframe-00-vs" in url:
        assert "Big vs Big" in response.text


def test_the_large_catalogue_is_several_times_the_initial_content(big):
    from comparisons.models import Feature, Framework, Support

    assert Framework.objects.count() >= 2 * 7
    assert Feature.objects.count() >= 3 * 21
    assert Support.objects.count() >= 5 * 147
