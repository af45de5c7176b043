"""Every public page renders in a fixed number of queries, whatever the data size.

The budgets are measured on a small site (factories.build_site) plus a catalogue
several times the size of the initial content (factories.build_catalogue; a test
in tests/content/ checks that it stays that much larger); the cache is cleared
before each request so the view really runs. One query of each budget reads the
content version (pagecache).
"""

import pytest
from django.core.cache import cache

from comparisons.models import ArticleFramework, Status
from pagecache.caching import clear_memos

from .factories import ArticleFactory, build_catalogue, build_site


def build_budget_content():
    """The site, the large catalogue, and an article over three catalogue frameworks."""
    site = build_site()
    frameworks = build_catalogue()
    article = ArticleFactory(title="Big vs Big", slug="big-vs-big", status=Status.PUBLISHED,
                             published_at="2026-01-01T00:00Z")  # fmt: skip
    for position, framework in enumerate(frameworks[:3], 1):
        ArticleFramework.objects.create(article=article, framework=framework, position=position)
    return site, frameworks


@pytest.fixture
def big(empty_content):
    return build_budget_content()


BUDGETS = [
    ("/", 6),  # with the popular comparisons (one count of quiz winners)
    ("/frameworks/", 2),
    ("/frameworks/bigframe-00/", 13),
    ("/frameworks/alpha/", 13),  # users, pros and cons, an assessment, an article
    ("/compare/", 6),
    ("/compare/bigframe-00-vs-bigframe-01-vs-bigframe-02/", 12),  # with an article
    ("/compare/bigframe-03-vs-bigframe-04-vs-bigframe-05-vs-bigframe-06/", 10),
    ("/compare/alpha-vs-beta/", 12),  # with an article and its FAQ
    ("/features/", 4),  # every framework against every feature
    ("/use-cases/", 2),
    ("/features/big-feature-0-0/", 5),
    ("/use-cases/big-use-0/", 5),
    ("/search/?q=big", 8),  # builds the search index: frameworks, features, use cases...
    ("/data/frameworks.json", 3),
    ("/data/support.csv", 3),
    ("/data/adoptions.csv", 3),
    ("/data/traits.csv", 3),
    ("/feed/", 3),
    ("/sitemap.xml", 12),
]
WITH_ARTICLE = {
    "/compare/bigframe-00-vs-bigframe-01-vs-bigframe-02/",
    "/compare/alpha-vs-beta/",
}


@pytest.mark.parametrize(("url", "budget"), BUDGETS)
def test_page_query_budget_holds_on_a_large_catalogue(
    big, client, django_assert_num_queries, url, budget
):
    cache.clear()
    clear_memos()
    with django_assert_num_queries(budget):
        response = client.get(url)
    assert response.status_code == 200
    if url.startswith("/compare/") and url != "/compare/":
        # The budget covers the article (verdict, FAQ) exactly where there is one.
        assert ('id="verdict-box"' in response.text) == (url in WITH_ARTICLE)


@pytest.mark.parametrize(
    "url",
    [
        url
        for url, _ in BUDGETS
        if url.startswith(("/compare/", "/frameworks/")) and url.count("/") > 2
    ],
)
def test_a_rendered_comparison_or_profile_is_reused_until_content_changes(
    big, client, django_assert_num_queries, url
):
    """With no page cache, a comparison or profile already rendered costs one query."""
    first = client.get(url)
    cache.clear()
    with django_assert_num_queries(1):  # the content version
        again = client.get(url)
    assert again.content == first.content


def test_the_quiz_and_a_verdict_keep_their_budgets_on_a_large_catalogue(
    big, client, django_assert_num_queries
):
    """Every catalogue framework weighed, citing many facts, with many users: the quiz
    page and the stored verdict still cost the same queries."""
    from recommender.models import Choice, Weight

    from .factories import build_quiz

    site, frameworks = big
    build_quiz(site.frameworks)
    new = Choice.objects.get(slug="new")
    for framework in frameworks:
        weight = Weight.objects.create(choice=new, framework=framework, points=-1, reason="r")
        weight.cites_features.set(framework.supports.all()[:20])
        weight.cites_users.set(framework.adoptions.all())
    cache.clear()
    clear_memos()
    with django_assert_num_queries(5):  # version; questions, choices, weights, frameworks
        assert client.get("/quiz/").status_code == 200
    verdict = client.post("/quiz/", {"experience": "new", "project": "site"})["Location"]
    cache.clear()
    with django_assert_num_queries(1):  # the stored verdict holds all the page shows
        response = client.get(verdict)
    assert response.status_code == 200 and 'data-framework="alpha"' in response.text
