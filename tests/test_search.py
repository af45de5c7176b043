"""Site search: every word matches, whole words, typos, synonyms, comparisons, drafts never."""

import re

import pytest
from django.core.cache import cache

from comparisons.models import ArticleFramework, Status, Support

from .factories import (
    AdoptionFactory,
    ArticleFactory,
    CompanyFactory,
    FeatureFactory,
    FrameworkFactory,
    UseCaseFactory,
    build_catalogue,
    build_site,
    framework_with_facts,
)

# Only the rows each test builds.
pytestmark = pytest.mark.usefixtures("empty_content")


@pytest.fixture
def small_site(empty_content):
    """Five published frameworks alpha ... epsilon and the article "Alpha vs Beta"."""
    return build_site()


def search(client, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    return response.context["results"]


def names(client, query):
    return [result.name for result in search(client, query)]


def first(client, query):
    results = search(client, query)
    assert results, query
    return results[0]


def article_on(frameworks, **kwargs):
    kwargs = {"status": Status.PUBLISHED, "published_at": "2026-01-01T00:00Z", **kwargs}
    article = ArticleFactory(**kwargs)
    for position, framework in enumerate(frameworks, 1):
        ArticleFramework.objects.create(article=article, framework=framework, position=position)
    return article


# --- Matching ------------------------------------------------------------------------


@pytest.mark.usefixtures("small_site")
def test_every_word_of_the_query_must_match(client):
    assert names(client, "maps tables") == ["ORM"]  # both words in its description
    assert names(client, "maps chairs") == []


def test_words_match_whole_words_not_parts_of_words(client):
    FeatureFactory(name="ORM", description="Classes as tables.")
    FeatureFactory(name="Forms", description="Declaring form fields.")
    FeatureFactory(name="CSRF protection", description="Stops other sites submitting forms.")
    UseCaseFactory(name="SaaS platforms", summary="Software sold as a service.")

    assert names(client, "orm") == ["ORM"]


@pytest.mark.usefixtures("small_site")
def test_a_word_matches_the_start_of_longer_words(client):
    assert [(r.kind, r.name) for r in search(client, "bigc")] == [("Company", "Bigco")]


@pytest.mark.usefixtures("small_site")
def test_a_search_with_no_results_says_so(client):
    response = client.get("/search/?q=zzzzqqq")
    assert response.status_code == 200
    assert "Nothing matches" in response.text


# --- Comparisons -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "name", "url"),
    [
        ("delta vs beta", "Beta vs Delta", "/compare/beta-vs-delta/"),
        ("delta or beta", "Beta vs Delta", "/compare/beta-vs-delta/"),
        ("delta vs. beta", "Beta vs Delta", "/compare/beta-vs-delta/"),
        ("gamma versus delta vs beta", "Beta vs Delta vs Gamma",
         "/compare/beta-vs-delta-vs-gamma/"),
        ("epsilon vs delta or gamma vs beta", "Beta vs Delta vs Epsilon vs Gamma",
         "/compare/beta-vs-delta-vs-epsilon-vs-gamma/"),
        ("beta vs alpha", "Alpha vs Beta", "/compare/alpha-vs-beta/"),  # the article's
    ],
)  # fmt: skip
@pytest.mark.usefixtures("small_site")
def test_naming_frameworks_puts_their_canonical_comparison_first(client, query, name, url):
    result = first(client, query)
    assert (result.kind, result.name, result.url) == ("Comparison", name, url)


def test_an_editorial_article_is_the_comparison_with_its_title_and_order(client, small_site):
    article_on([small_site.gamma, small_site.beta], title="The small ones", lede="Both small.")

    result = first(client, "beta vs gamma")

    assert (result.name, result.url) == ("The small ones", "/compare/gamma-vs-beta/")
    assert result.blurb == "Both small."


@pytest.mark.usefixtures("small_site")
def test_every_pair_of_published_frameworks_can_be_found(client):
    result = first(client, "epsilon delta")
    assert (result.name, result.url) == ("Delta vs Epsilon", "/compare/delta-vs-epsilon/")
    assert "Delta vs Epsilon" in names(client, "delta epsilon side by side")


@pytest.mark.usefixtures("small_site")
def test_an_article_is_found_by_its_title(client):
    found = [(r.kind, r.name) for r in search(client, "vs beta")]
    assert found == [("Comparison", "Alpha vs Beta")]


@pytest.mark.usefixtures("small_site")
def test_a_single_framework_lists_its_articles_not_every_generated_pair(client):
    assert [r.name for r in search(client, "beta") if r.kind == "Comparison"] == ["Alpha vs Beta"]


# --- Typos and synonyms --------------------------------------------------------------------


@pytest.fixture
def features(small_site):
    """Features readers have other words for, by the slugs search.ALIASES knows."""
    category = small_site.orm.category
    for name, slug in [("Authentication", "authentication"), ("User registration",
                       "user-registration"), ("REST APIs", "rest-apis"),
                       ("WebSockets", "websockets"), ("Templates", "templates")]:  # fmt: skip
        FeatureFactory(name=name, slug=slug, category=category)
    return small_site


@pytest.mark.parametrize(
    ("query", "meant"),
    [("websokets", "WebSockets"), ("authentcation", "Authentication"), ("epsilom", "Epsilon"),
     ("dleta", "Delta"), ("registartion", "User registration")],
)  # fmt: skip
@pytest.mark.usefixtures("features")
def test_a_misspelt_word_finds_what_was_meant(client, query, meant):
    response = client.get("/search/", {"q": query})
    assert response.context["results"][0].name == meant
    assert "read as" in response.text


@pytest.mark.usefixtures("small_site")
def test_words_shorter_than_four_letters_are_never_read_as_typos(client):
    assert names(client, "orn") == []
    assert names(client, "xyz") == []


@pytest.mark.parametrize(
    ("query", "meant"),
    [("login", "Authentication"), ("log in", "Authentication"), ("sign in", "Authentication"),
     ("sign up", "User registration"), ("signup", "User registration"),
     ("register", "User registration"), ("api", "REST APIs"), ("rest", "REST APIs"),
     ("ws", "WebSockets"), ("templating", "Templates"), ("database", "ORM"), ("db", "ORM"),
     ("realtime", "Real-time apps"), ("real-time", "Real-time apps")],
)  # fmt: skip
@pytest.mark.usefixtures("features")
def test_the_words_readers_use_find_what_we_call_it(client, query, meant):
    assert first(client, query).name == meant


# --- A framework's support for a feature -------------------------------------------------


@pytest.mark.usefixtures("small_site")
def test_a_framework_and_a_feature_find_that_frameworks_support_first(client):
    result = first(client, "beta orm")
    assert (result.kind, result.name) == ("Feature support", "Beta: ORM")
    assert result.url == "/frameworks/beta/#features-heading"
    assert result.blurb == "Official extension: Beta-ORM"
    assert first(client, "alpha admin").name == "Alpha: Admin panel"


@pytest.mark.usefixtures("small_site")
def test_support_rows_need_their_framework_and_their_feature_named(client):
    assert "Feature support" not in {r.kind for r in search(client, "beta")}
    assert "Feature support" not in {r.kind for r in search(client, "orm")}


def test_unchecked_support_never_appears(client, small_site):
    sockets = FeatureFactory(name="WebSockets", slug="websockets")
    Support.objects.create(framework=small_site.alpha, feature=sockets, level="unchecked",
                           verified_on=None)  # fmt: skip

    assert names(client, "alpha websockets") == []
    assert names(client, "websockets") == ["WebSockets"]


# --- Ranking --------------------------------------------------------------------------------


@pytest.mark.usefixtures("small_site")
def test_an_exact_name_comes_first_then_names_then_descriptions(client):
    FrameworkFactory(name="Aardvark", slug="aardvark", summary="A smaller Beta.")
    # Beta's exact name beats "Aardvark" and "Alpha vs Beta", which sort first;
    # the article's name holds the word, Aardvark's summary only mentions it.
    assert names(client, "beta")[:3] == ["Beta", "Alpha vs Beta", "Aardvark"]


def test_results_with_the_same_rank_are_in_name_order(client):
    for name in ["Zeta", "beta", "Mu"]:
        FeatureFactory(name=f"{name} cache", description="Keeps things.")
    assert names(client, "cache") == ["beta cache", "Mu cache", "Zeta cache"]


@pytest.mark.usefixtures("small_site")
def test_the_named_comparison_comes_after_exact_names_and_before_the_rest(client):
    FeatureFactory(name="Beta or gamma", description="A feature with an unlucky name.")
    assert names(client, "beta or gamma")[:2] == ["Beta or gamma", "Beta vs Gamma"]


def test_results_are_capped(client):
    build_catalogue()
    assert len(search(client, "big")) == 30


# --- Drafts and companies ---------------------------------------------------------------------


@pytest.mark.usefixtures("small_site")
def test_a_draft_framework_its_facts_and_comparisons_are_never_found(client):
    draft = framework_with_facts(name="Secretwork", slug="secretwork", status=Status.DRAFT)
    AdoptionFactory(framework=draft, company=CompanyFactory(name="Hushco"), how="Secret work.")
    bothco = CompanyFactory(name="Bothco")
    AdoptionFactory(framework=draft, company=bothco, how="Secret work.")
    AdoptionFactory(framework=FrameworkFactory(name="Open"), company=bothco, how="Open work.")

    for query in ["secretwork", "secretwork vs alpha", "alpha secretwork", "hushco", "secret"]:
        assert names(client, query) == [], query
    found = search(client, "bothco")
    assert [(r.name, r.blurb) for r in found] == [("Bothco", "Open: Open work.")]


@pytest.mark.usefixtures("small_site")
def test_a_company_with_no_published_use_is_never_found(client):
    CompanyFactory(name="Lonelyco")
    assert names(client, "lonelyco") == []


@pytest.mark.usefixtures("small_site")
def test_a_draft_article_is_never_found(client, small_site):
    article_on([small_site.gamma, small_site.beta], title="Hidden take", status=Status.DRAFT)
    assert names(client, "hidden take") == []
    assert first(client, "beta vs gamma").name == "Beta vs Gamma"


# --- The index and its cost ---------------------------------------------------------------


def test_a_search_costs_one_query_once_the_index_is_built(client, django_assert_num_queries):
    build_site()
    # Cold: the content version, then the index (frameworks, features, use cases,
    # support, adoptions, articles and their frameworks).
    with django_assert_num_queries(8):
        client.get("/search/?q=alpha")
    cache.clear()  # no cached page, no cached version: the view runs
    with django_assert_num_queries(1):  # the content version
        assert names(client, "beta orm") == ["Beta: ORM"]


def test_building_the_index_costs_the_same_on_a_large_catalogue(client, django_assert_num_queries):
    build_site()
    build_catalogue()
    with django_assert_num_queries(8):
        client.get("/search/?q=big")


def test_the_index_follows_content_changes(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        build_site()
    assert names(client, "newcomer") == []
    with django_capture_on_commit_callbacks(execute=True):
        FrameworkFactory(name="Newcomer", slug="newcomer")
    assert names(client, "newcomer")[0] == "Newcomer"


# --- The page ---------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["", "a", " x "])
def test_an_empty_or_one_letter_search_shows_a_helpful_empty_state(client, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert "Type at least two characters" in response.text


def test_a_search_longer_than_200_characters_is_a_400(client):
    assert client.get("/search/", {"q": "x" * 200}).status_code == 200
    response = client.get("/search/", {"q": "x" * 201})
    assert response.status_code == 400
    assert "longer than 200 characters" in response.text


@pytest.mark.parametrize("query", ["", "alpha", "x" * 201])
@pytest.mark.usefixtures("small_site")
def test_search_pages_ask_not_to_be_indexed(client, query):
    html = client.get("/search/", {"q": query}).text
    assert html.count('<meta name="robots" content="noindex">') == 1


@pytest.mark.usefixtures("small_site")
def test_the_results_are_a_labelled_list_of_links_with_their_kind(client):
    html = client.get("/search/?q=beta").text
    assert '<label for="search-q">' in html
    label = re.search(r'<p [^>]*id="search-count"[^>]*>([^<]+)</p>', html).group(1)
    assert "results for “beta”" in label
    assert '<ol class="results" role="list" aria-labelledby="search-count">' in html
    assert '<span class="result-kind">Framework</span> <a href="/frameworks/beta/">Beta</a>' in html
