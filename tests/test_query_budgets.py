"""Every public page renders in a fixed number of queries, whatever the data size.

The budgets are measured on the initial content plus a catalogue several times
its size; the cache is cleared before each request so the view really runs. One
query of each budget reads the content version (pagecache).
"""

import pytest
from django.core.cache import cache

from comparisons.models import ArticleFramework, Status
from comparisons.views import rendered_comparisons

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
    ("/", 5),
    ("/frameworks/", 2),
    ("/frameworks/bigframe-00/", 17),
    ("/frameworks/django/", 17),
    ("/compare/", 5),
    ("/compare/bigframe-00-vs-bigframe-01-vs-bigframe-02/", 16),  # with an article
    ("/compare/bigframe-03-vs-bigframe-04-vs-bigframe-05-vs-bigframe-06/", 16),
    ("/compare/django-vs-flask/", 16),
    ("/features/", 2),
    ("/use-cases/", 2),
    ("/features/big-feature-0-0/", 4),
    ("/use-cases/big-use-0/", 4),
    ("/search/?q=big", 10),
    ("/data/frameworks.json", 3),
    ("/data/support.csv", 3),
    ("/data/adoptions.csv", 3),
    ("/data/traits.csv", 3),
    ("/feed/", 4),
    ("/sitemap.xml", 12),
]


@pytest.mark.parametrize(("url", "budget"), BUDGETS)
def test_page_query_budget_holds_on_a_large_catalogue(
    big, client, django_assert_max_num_queries, url, budget
):
    cache.clear()
    rendered_comparisons.clear()
    with django_assert_max_num_queries(budget):
        response = client.get(url)
    assert response.status_code == 200
    if "bigframe-00-vs" in url:
        assert "Big vs Big" in response.text


@pytest.mark.parametrize(
    "url", [url for url, _ in BUDGETS if url.startswith("/compare/") and url != "/compare/"]
)
def test_a_rendered_comparison_is_reused_until_content_changes(
    big, client, django_assert_num_queries, url
):
    """With no page cache, a comparison already rendered costs one query."""
    first = client.get(url)
    cache.clear()
    with django_assert_num_queries(1):  # the content version
        again = client.get(url)
    assert again.content == first.content


def test_the_large_catalogue_is_several_times_the_initial_content(big):
    from comparisons.models import Feature, Framework, Support

    assert Framework.objects.count() >= 2 * 7
    assert Feature.objects.count() >= 3 * 21
    assert Support.objects.count() >= 5 * 147
