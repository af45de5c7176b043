"""Every URL of the contract: 200 for valid input, a helpful 4xx otherwise."""

import pytest
from django.utils import timezone

from comparisons.models import Article, ArticleFramework, Framework, Status

from .factories import ArticleFactory, FrameworkFactory

pytestmark = pytest.mark.usefixtures("seeded")


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/frameworks/",
        "/frameworks/django/",
        "/frameworks/aiohttp/",
        "/compare/",
        "/compare/django-vs-flask/",
        "/compare/aiohttp-vs-fastapi-vs-quart-vs-sanic/",
        "/compare/fastapi-vs-quart-vs-tornado/",
        "/features/",
        "/features/orm/",
        "/use-cases/",
        "/use-cases/ml-serving/",
        "/search/?q=async",
        "/search/",
        "/data/",
        "/about/",
        "/sources/",
        "/feed/",
        "/sitemap.xml",
        "/robots.txt",
        "/healthz",
    ],
)
def test_every_public_url_answers_200(client, url):
    assert client.get(url).status_code == 200


def test_the_home_page_says_what_the_site_is_and_links_the_essentials(client):
    html = client.get("/").text
    assert "Pick the right Python web framework" in html
    assert 'href="/compare/django-vs-flask/"' in html
    assert 'href="/frameworks/quart/"' in html
    assert 'href="/quiz/"' in html


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("/compare/django/", "at least two frameworks"),
        ("/compare/django-vs-nope/", "no published framework called “nope”"),
        ("/compare/django-vs-django/", "appears twice"),
        ("/compare/django-vs-flask-vs-fastapi-vs-sanic-vs-quart/", "at most 4"),
        ("/compare/-vs-/", "A framework name is missing"),
        ("/compare/django-vs-/", "A framework name is missing"),
    ],
)
def test_an_impossible_comparison_is_a_404_that_explains_and_links_to_the_picker(
    client, url, problem
):
    response = client.get(url)
    assert response.status_code == 404
    assert problem in response.text
    assert 'href="/compare/"' in response.text


def test_an_unpublished_framework_cannot_be_compared(client):
    Framework.objects.filter(slug="sanic").update(status=Status.DRAFT)
    response = client.get("/compare/flask-vs-sanic/")
    assert response.status_code == 404
    assert "“sanic”" in response.text


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("/compare/flask-vs-django/", "/compare/django-vs-flask/"),  # the article's order
        ("/compare/Django-vs-FLASK/", "/compare/django-vs-flask/"),
        ("/compare/sanic-vs-aiohttp/", "/compare/aiohttp-vs-sanic/"),  # alphabetical
        ("/compare/quart-vs-Fastapi-vs-aiohttp/", "/compare/aiohttp-vs-fastapi-vs-quart/"),
    ],
)
def test_other_orders_and_letter_cases_redirect_permanently(client, url, canonical):
    response = client.get(url)
    assert response.status_code == 301
    assert response["Location"] == canonical


def test_the_picker_redirects_to_the_canonical_comparison(client):
    response = client.get("/compare/?f=flask&f=django")
    assert response.status_code == 302
    assert response["Location"] == "/compare/django-vs-flask/"


def test_the_picker_explains_a_single_choice_and_keeps_it_ticked(client):
    response = client.get("/compare/?f=flask")
    assert response.status_code == 400
    assert "at least two frameworks" in response.text
    assert 'value="flask" checked' in response.text


def test_a_comparison_with_an_article_shows_the_editorial_parts_around_the_data(client):
    html = client.get("/compare/django-vs-flask/").text
    article = Article.objects.get(slug="django-vs-flask")
    assert article.lede[:40] in html
    assert "<h2>Learning curve</h2>" in html  # the Markdown body, rendered
    assert "Our verdict" in html
    assert "Can one project use both Django and Flask?" in html
    assert "Take the quiz" not in html.split("</header>", 1)[1].split("Sources")[0]


def test_a_comparison_without_an_article_stands_alone_and_invites_the_quiz(client):
    html = client.get("/compare/fastapi-vs-flask/").text
    assert "Our verdict" not in html
    assert "We have not written an editorial piece" in html
    assert 'href="/quiz/"' in html


def test_the_comparison_tables_come_from_data_with_citations_and_dates(client):
    html = client.get("/compare/django-vs-flask/").text
    assert "16 April 2010" in html  # Flask's first release, from the Framework row
    assert (
        "Flask-SQLAlchemy" in html
        and 'href="https://github.com/pallets-eco/flask-sqlalchemy"' in html
    )
    assert '<span class="level level-built-in">' in html and "Built in</span>" in html
    assert 'href="#source-1"' in html and 'id="source-1"' in html
    assert '<time class="checked" datetime="2026-11-20">Nov 2026</time>' in html
    assert "Instagram" in html and "Netflix" in html  # adopters
    assert "Batteries included" in html  # pros and cons


def test_a_citation_number_always_points_at_a_listed_source(client):
    import re

    html = client.get("/compare/aiohttp-vs-fastapi-vs-quart-vs-sanic/").text
    cited = set(re.findall(r'href="#source-(\d+)"', html))
    listed = set(re.findall(r'id="source-(\d+)"', html))
    assert cited and cited == listed


def test_use_case_pages_rank_the_best_fit_first(client):
    html = client.get("/use-cases/realtime/").text
    assert html.index("Tornado") < html.index("Flask</a>")


def test_feature_pages_list_built_in_support_first(client):
    html = client.get("/features/admin-panel/").text
    # By level, not by name: Flask's official extension before FastAPI's third-party one.
    assert html.index(">Django<") < html.index(">Flask<") < html.index(">FastAPI<")
    assert "Flask-Admin" in html


def test_unknown_profile_feature_and_use_case_are_404s(client):
    for url in ["/frameworks/nope/", "/features/nope/", "/use-cases/nope/"]:
        response = client.get(url)
        assert response.status_code == 404
        assert "There is no page at this address" in response.text


def test_search_ranks_an_exact_name_first(client):
    response = client.get("/search/?q=flask")
    names = [r["name"] for r in response.context["results"]]
    assert names[0] == "Flask"
    assert "Quart" in names  # its summary mentions Flask


def test_search_finds_companies_and_articles(client):
    assert "Instagram" in client.get("/search/?q=instagr").text
    assert "Django vs Flask" in client.get("/search/?q=vs flask").text


@pytest.mark.parametrize("query", ["", "a", " x "])
def test_an_empty_or_one_letter_search_shows_a_helpful_empty_state(client, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert "Type at least two characters" in response.text


def test_a_search_longer_than_200_characters_is_a_400(client):
    response = client.get("/search/", {"q": "x" * 201})
    assert response.status_code == 400
    assert "longer than 200 characters" in response.text


def test_a_search_with_no_results_says_so(client):
    response = client.get("/search/?q=zzzzqqq")
    assert response.status_code == 200
    assert "Nothing matches" in response.text


def test_a_draft_framework_appears_nowhere_public(client):
    FrameworkFactory(name="Secretwork", slug="secretwork", status=Status.DRAFT)
    for url in ["/", "/frameworks/", "/compare/", "/sitemap.xml", "/data/frameworks.json",
                "/data/support.csv"]:  # fmt: skip
        assert "ecretwork" not in client.get(url).text, url
    assert client.get("/search/?q=secretwork").context["results"] == []
    assert client.get("/frameworks/secretwork/").status_code == 404


def _draft_article_on(pair):
    article = ArticleFactory(title="Hidden take", slug="hidden-take", status=Status.DRAFT)
    for position, slug in enumerate(pair, 1):
        ArticleFramework.objects.create(
            article=article, framework=Framework.objects.get(slug=slug), position=position
        )
    return article


def test_a_draft_article_is_hidden_from_readers(client):
    _draft_article_on(["quart", "flask"])
    html = client.get("/compare/flask-vs-quart/").text
    assert "Hidden take" not in html and "Draft" not in html
    for url in ["/", "/compare/", "/feed/", "/sitemap.xml"]:
        assert "Hidden take" not in client.get(url).text, url
    assert client.get("/search/?q=hidden").context["results"] == []


def test_staff_preview_a_draft_article_at_its_url_with_a_banner(staff_client):
    _draft_article_on(["quart", "flask"])
    response = staff_client.get("/compare/quart-vs-flask/")
    assert response.status_code == 200
    assert "Hidden take" in response.text
    assert 'class="draft-banner"' in response.text


def test_an_article_scheduled_for_later_is_not_public_yet(client):
    Article.objects.filter(slug="django-vs-flask").update(
        published_at=timezone.now() + timezone.timedelta(days=2)
    )
    assert "Our verdict" not in client.get("/compare/django-vs-flask/").text


def test_robots_txt_points_at_the_sitemap(client):
    text = client.get("/robots.txt").text
    assert "Sitemap: http://testserver/sitemap.xml" in text
    assert "Disallow: /admin/" in text


def test_the_sitemap_lists_published_pages_with_lastmod(client):
    xml = client.get("/sitemap.xml").text
    for path in ["/compare/django-vs-flask/", "/frameworks/quart/", "/features/orm/",
                 "/use-cases/cms/", "/compare/aiohttp-vs-fastapi/"]:  # fmt: skip
        assert f"<loc>http://testserver{path}</loc>" in xml
    assert xml.count("<lastmod>") == xml.count("<url>")
    assert "/compare/flask-vs-django/" not in xml  # only canonical addresses


def test_the_feed_is_atom_with_the_published_articles(client):
    response = client.get("/feed/")
    assert response["Content-Type"].startswith("application/atom+xml")
    assert "<title>Django vs Flask</title>" in response.text


def test_healthz_is_tiny_and_touches_no_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_pages_only_answer_get_and_head(client):
    assert client.post("/compare/django-vs-flask/").status_code == 405
    assert client.post("/search/", {"q": "x"}).status_code == 405


def test_citation_markup_is_html_not_escaped_text(client):
    html = client.get("/compare/django-vs-flask/").text
    assert "&lt;span" not in html
    assert '<a href="#source-2" aria-label="source 2">2</a>' in html


def test_feature_and_use_case_indexes_link_every_page(client):
    html = client.get("/features/").text
    assert 'href="/features/websockets/"' in html and "<h2>Data</h2>" in html
    assert 'href="/use-cases/realtime/"' in client.get("/use-cases/").text
    for page, crumb in [("/features/orm/", "/features/"), ("/use-cases/cms/", "/use-cases/")]:
        trail = client.get(page).text.split('aria-label="Breadcrumb"')[1].split("</nav>")[0]
        assert f'href="{crumb}"' in trail, page
