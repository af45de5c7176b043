"""Every URL of the contract: 200 for valid input, a helpful 4xx otherwise."""

import datetime
import re

import pytest
from django.utils import timezone

from comparisons.models import (
    Article,
    ArticleFramework,
    Fit,
    Framework,
    Status,
    Support,
    TraitValue,
)

from .factories import (
    ArticleFactory,
    FeatureFactory,
    SourceFactory,
    TraitFactory,
    UseCaseFactory,
    build_site,
    framework_with_facts,
)

# Only the rows each test builds.
pytestmark = pytest.mark.usefixtures("empty_content")


@pytest.fixture
def small_site(empty_content):
    """Five published frameworks alpha ... epsilon and the article "Alpha vs Beta"."""
    return build_site()


def main_part(html):
    """The page without the site's header, whose menu links the quiz on every page."""
    return html.split("<main", 1)[1]


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/frameworks/",
        "/frameworks/alpha/",
        "/frameworks/epsilon/",
        "/compare/",
        "/compare/alpha-vs-beta/",
        "/compare/beta-vs-delta-vs-epsilon-vs-gamma/",
        "/compare/delta-vs-epsilon-vs-gamma/",
        "/features/",
        "/features/orm/",
        "/use-cases/",
        "/use-cases/realtime/",
        "/search/?q=alpha",
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
@pytest.mark.usefixtures("small_site")
def test_every_public_url_answers_200(client, url):
    assert client.get(url).status_code == 200


@pytest.mark.usefixtures("small_site")
def test_the_home_page_says_what_the_site_is_and_links_the_essentials(client):
    html = main_part(client.get("/").text)
    assert "Pick the right Python web framework" in html
    assert 'href="/compare/alpha-vs-beta/"' in html
    assert 'href="/frameworks/gamma/"' in html
    assert 'href="/quiz/"' in html


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("/compare/alpha/", "at least two frameworks"),
        ("/compare/alpha-vs-nope/", "no published framework called “nope”"),
        ("/compare/alpha-vs-alpha/", "appears twice"),
        ("/compare/alpha-vs-beta-vs-gamma-vs-delta-vs-epsilon/", "at most 4"),
        ("/compare/-vs-/", "A framework name is missing"),
        ("/compare/alpha-vs-/", "A framework name is missing"),
    ],
)
@pytest.mark.usefixtures("small_site")
def test_an_impossible_comparison_is_a_404_that_explains_and_links_to_the_picker(
    client, url, problem
):
    response = client.get(url)
    assert response.status_code == 404
    assert problem in response.text
    assert 'href="/compare/"' in response.text


def test_an_unpublished_framework_cannot_be_compared(client, small_site):
    Framework.objects.filter(pk=small_site.epsilon.pk).update(status=Status.DRAFT)
    response = client.get("/compare/beta-vs-epsilon/")
    assert response.status_code == 404
    assert "“epsilon”" in response.text


def _article_on(slugs, **fields):
    """An article comparing the frameworks ``slugs``, in that column order."""
    article = ArticleFactory(**fields)
    for position, slug in enumerate(slugs, 1):
        ArticleFramework.objects.create(
            article=article, framework=Framework.objects.get(slug=slug), position=position
        )
    return article


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("/compare/delta-vs-gamma/", "/compare/gamma-vs-delta/"),  # the article's order
        ("/compare/Alpha-vs-BETA/", "/compare/alpha-vs-beta/"),
        ("/compare/epsilon-vs-beta/", "/compare/beta-vs-epsilon/"),  # alphabetical
        ("/compare/gamma-vs-Delta-vs-beta/", "/compare/beta-vs-delta-vs-gamma/"),
    ],
)
@pytest.mark.usefixtures("small_site")
def test_other_orders_and_letter_cases_redirect_permanently(client, url, canonical):
    _article_on(["gamma", "delta"], title="Gamma vs Delta", status=Status.PUBLISHED,
                published_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))  # fmt: skip
    response = client.get(url)
    assert response.status_code == 301
    assert response["Location"] == canonical


@pytest.mark.usefixtures("small_site")
def test_the_picker_redirects_to_the_canonical_comparison(client):
    response = client.get("/compare/?f=beta&f=alpha")
    assert response.status_code == 302
    assert response["Location"] == "/compare/alpha-vs-beta/"


@pytest.mark.usefixtures("small_site")
def test_the_picker_explains_a_single_choice_and_keeps_it_ticked(client):
    response = client.get("/compare/?f=beta")
    assert response.status_code == 400
    assert "at least two frameworks" in response.text
    assert 'value="beta" checked' in response.text


def test_a_comparison_with_an_article_shows_the_editorial_parts_around_the_data(client, small_site):
    html = client.get("/compare/alpha-vs-beta/").text
    assert small_site.article.lede in html
    assert "<h2>Learning curve</h2>" in html  # the Markdown body, rendered
    assert "Our verdict" in html and "Pick Alpha." in html
    assert "Can one project use both?" in html
    assert "Take the quiz" not in main_part(html)


@pytest.mark.usefixtures("small_site")
def test_a_comparison_without_an_article_stands_alone_and_invites_the_quiz(client):
    html = main_part(client.get("/compare/beta-vs-gamma/").text)
    assert "Our verdict" not in html
    assert "We have not written an editorial piece" in html
    assert 'href="/quiz/"' in html


def test_the_comparison_tables_come_from_data_with_citations_and_dates(client, small_site):
    Support.objects.filter(framework=small_site.beta, feature=small_site.csrf).update(
        verified_on=datetime.date(2025, 11, 20)
    )
    html = client.get("/compare/alpha-vs-beta/").text
    assert "16 April 2006" in html  # Beta's first release, from the Framework row
    assert '<a href="https://pkg.example/beta-orm" rel="noopener">Beta-ORM</a>' in html
    assert '<span class="level level-built-in">' in html and "Built in</span>" in html
    assert 'href="#source-1"' in html and 'id="source-1"' in html
    assert '<time class="checked" datetime="2025-11-20">Nov 2025</time>' in html  # the row's
    assert "Bigco" in html and "Smallco" in html  # adopters
    assert "Batteries included" in html  # pros and cons


def test_a_citation_number_always_points_at_a_listed_source(client, small_site):
    extra = SourceFactory.create_batch(3)
    Fit.objects.get(framework=small_site.gamma, use_case=small_site.cms).sources.add(extra[0])
    TraitValue.objects.get(framework=small_site.delta, trait=small_site.learning).sources.add(
        *extra[1:]
    )
    html = client.get("/compare/alpha-vs-beta-vs-delta-vs-gamma/").text
    cited = set(re.findall(r'href="#source-(\d+)"', html))
    listed = set(re.findall(r'id="source-(\d+)"', html))
    assert cited == listed == {str(n) for n in range(1, 6)}


@pytest.mark.usefixtures("small_site")
def test_use_case_pages_rank_the_best_fit_first(client):
    html = client.get("/use-cases/realtime/").text
    ranked = re.findall(r'<li><h2><a href="/frameworks/[\w-]+/">([^<]+)</a></h2>', html)
    # By fit, then by name: Alpha is first by name and last by fit.
    assert ranked == ["Delta", "Epsilon", "Gamma", "Beta", "Alpha"]


@pytest.mark.usefixtures("small_site")
def test_feature_pages_list_built_in_support_first(client):
    html = client.get("/features/csrf-protection/").text
    listed = re.findall(r'<th scope="row"><a href="/frameworks/[\w-]+/">([^<]+)</a>', html)
    # By level, not by name: Epsilon's built-in support before Beta's third-party one.
    assert listed == ["Alpha", "Epsilon", "Beta", "Delta", "Gamma"]
    assert "Beta-CSRF" in html


def test_unknown_profile_feature_and_use_case_are_404s(client):
    for url in ["/frameworks/nope/", "/features/nope/", "/use-cases/nope/"]:
        response = client.get(url)
        assert response.status_code == 404
        assert "There is no page at this address" in response.text


@pytest.mark.usefixtures("small_site")
def test_a_draft_framework_appears_nowhere_public(client):
    framework_with_facts(name="Secretwork", slug="secretwork", status=Status.DRAFT)
    for url in ["/", "/frameworks/", "/compare/", "/sitemap.xml", "/data/frameworks.json",
                "/data/support.csv"]:  # fmt: skip
        assert "ecretwork" not in client.get(url).text, url
    assert client.get("/search/?q=secretwork").context["results"] == []
    assert client.get("/frameworks/secretwork/").status_code == 404


def _draft_article_on(pair):
    return _article_on(pair, title="Hidden take", slug="hidden-take", status=Status.DRAFT)


@pytest.mark.usefixtures("small_site")
def test_a_draft_article_is_hidden_from_readers(client):
    _draft_article_on(["gamma", "beta"])
    response = client.get("/compare/beta-vs-gamma/")
    assert response.status_code == 200
    assert "Hidden take" not in response.text and "Draft" not in response.text
    for url in ["/", "/compare/", "/feed/", "/sitemap.xml"]:
        assert "Hidden take" not in client.get(url).text, url
    assert client.get("/search/?q=hidden").context["results"] == []


@pytest.mark.usefixtures("small_site")
def test_staff_preview_a_draft_article_at_its_url_with_a_banner(staff_client):
    _draft_article_on(["gamma", "beta"])
    response = staff_client.get("/compare/gamma-vs-beta/")
    assert response.status_code == 200
    assert "Hidden take" in response.text
    assert 'class="draft-banner"' in response.text


def test_an_article_scheduled_for_later_is_not_public_yet(client, small_site):
    Article.objects.filter(pk=small_site.article.pk).update(
        published_at=timezone.now() + timezone.timedelta(days=2)
    )
    assert "Our verdict" not in client.get("/compare/alpha-vs-beta/").text


def test_placeholders_are_hidden_from_readers_of_comparison_feature_and_use_case_pages(
    client, staff_client, small_site
):
    sockets = FeatureFactory(name="WebSockets", slug="websockets", category=small_site.orm.category)
    hosting = TraitFactory(name="Hosting", slug="hosting")
    teaching = UseCaseFactory(name="Teaching", slug="teaching")
    for framework in (small_site.alpha, small_site.beta):
        Support.objects.create(framework=framework, feature=sockets, level="unchecked",
                               verified_on=None)  # fmt: skip
        TraitValue.objects.create(framework=framework, trait=hosting, value="", verified_on=None)
        Fit.objects.create(framework=framework, use_case=teaching, level=None, verified_on=None)

    comparison = client.get("/compare/alpha-vs-beta/").text
    for name in ["Not checked yet", "WebSockets", "Hosting", "Teaching"]:
        assert name not in comparison, name
    assert "support for this feature is recorded yet" in client.get("/features/websockets/").text
    assert "fit for this use case is recorded yet" in client.get("/use-cases/teaching/").text
    # The same rows are there for staff, who see what is still to check.
    preview = staff_client.get("/compare/alpha-vs-beta/").text
    for name in ["Not checked yet", "WebSockets", "Hosting", "Teaching"]:
        assert name in preview, name


def test_robots_txt_points_at_the_sitemap(client):
    text = client.get("/robots.txt").text
    assert "Sitemap: http://testserver/sitemap.xml" in text
    assert "Disallow: /admin/" in text


@pytest.mark.usefixtures("small_site")
def test_the_sitemap_lists_published_pages_with_lastmod(client):
    xml = client.get("/sitemap.xml").text
    for path in ["/compare/alpha-vs-beta/", "/frameworks/gamma/", "/features/orm/",
                 "/use-cases/cms/", "/compare/delta-vs-epsilon/"]:  # fmt: skip
        assert f"<loc>http://testserver{path}</loc>" in xml
    assert xml.count("<lastmod>") == xml.count("<url>")
    pairs = re.findall(r"<loc>http://testserver/compare/([\w-]+-vs-[\w-]+)/</loc>", xml)
    assert len(pairs) == len(set(pairs)) == 10  # each pair of the five, once
    assert "/compare/beta-vs-alpha/" not in xml  # only canonical addresses


@pytest.mark.usefixtures("small_site")
def test_the_feed_is_atom_with_the_published_articles(client):
    response = client.get("/feed/")
    assert response["Content-Type"].startswith("application/atom+xml")
    assert "<title>Alpha vs Beta</title>" in response.text


@pytest.mark.usefixtures("small_site")
def test_pages_only_answer_get_and_head(client):
    assert client.post("/compare/alpha-vs-beta/").status_code == 405
    assert client.post("/search/", {"q": "x"}).status_code == 405


@pytest.mark.usefixtures("small_site")
def test_citation_markup_is_html_not_escaped_text(client):
    html = client.get("/compare/alpha-vs-beta/").text
    assert "&lt;span" not in html
    assert '<a href="#source-2" aria-label="source 2">2</a>' in html


@pytest.mark.usefixtures("small_site")
def test_feature_and_use_case_indexes_link_every_page(client):
    html = client.get("/features/").text
    for slug in ["orm", "admin-panel", "csrf-protection"]:
        assert f'href="/features/{slug}/"' in html, slug
    assert '<th scope="rowgroup" colspan="6">Data</th>' in html
    assert '<th scope="rowgroup" colspan="6">Security</th>' in html
    use_cases = client.get("/use-cases/").text
    assert 'href="/use-cases/cms/"' in use_cases and 'href="/use-cases/realtime/"' in use_cases
    for page, crumb in [("/features/orm/", "/features/"), ("/use-cases/cms/", "/use-cases/")]:
        trail = client.get(page).text.split('aria-label="Breadcrumb"')[1].split("</nav>")[0]
        assert f'href="{crumb}"' in trail, page
