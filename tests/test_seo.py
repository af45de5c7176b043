"""What search engines and link previews read from our pages."""

import json
import re

import pytest

from comparisons.models import Article

from .factories import build_site

# Only the rows each test builds.
pytestmark = pytest.mark.usefixtures("empty_content")


@pytest.fixture
def small_site(empty_content):
    """Five published frameworks alpha ... epsilon and the article "Alpha vs Beta"."""
    return build_site()


def jsonld_blocks(html):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(block) for block in blocks]


def meta(html, attr, name):
    match = re.search(rf'<meta {attr}="{re.escape(name)}" content="([^"]*)">', html)
    return match.group(1) if match else None


@pytest.mark.parametrize(
    "url",
    ["/", "/frameworks/", "/frameworks/beta/", "/compare/alpha-vs-beta/",
     "/compare/delta-vs-epsilon/", "/features/orm/", "/use-cases/cms/", "/data/"],
)  # fmt: skip
@pytest.mark.usefixtures("small_site")
def test_every_page_has_title_description_canonical_and_share_tags(client, url):
    html = client.get(url).text
    assert re.search(r"<title>[^<]+</title>", html)
    assert meta(html, "name", "description")
    assert f'<link rel="canonical" href="http://testserver{url}">' in html
    for prop in ["og:title", "og:description", "og:url", "og:type"]:
        assert meta(html, "property", prop), prop
    has_image = url.startswith(("/compare/", "/frameworks/")) and url.count("/") > 2
    assert bool(meta(html, "property", "og:image")) == has_image, url
    assert meta(html, "name", "twitter:card") == ("summary_large_image" if has_image else "summary")


def test_an_article_page_describes_itself_as_an_article_with_faq(client, small_site):
    html = client.get("/compare/alpha-vs-beta/").text
    assert "<title>Alpha vs Beta · Pickframe</title>" in html
    assert meta(html, "property", "og:type") == "article"
    types = {block["@type"]: block for block in jsonld_blocks(html)}
    assert types["Article"]["headline"] == "Alpha vs Beta"
    assert types["Article"]["datePublished"] == small_site.article.published_at.isoformat()
    questions = [entry["name"] for entry in types["FAQPage"]["mainEntity"]]
    assert questions == ["Can one project use both?", "Which is faster?"]
    crumbs = types["BreadcrumbList"]["itemListElement"]
    assert [c["name"] for c in crumbs] == ["Home", "Compare", "Alpha vs Beta"]


@pytest.mark.usefixtures("small_site")
def test_a_generated_comparison_has_breadcrumbs_but_no_article_markup(client):
    types = {b["@type"] for b in jsonld_blocks(client.get("/compare/delta-vs-epsilon/").text)}
    assert types == {"BreadcrumbList"}


def test_json_ld_cannot_break_out_of_its_script_element(client, small_site):
    Article.objects.filter(pk=small_site.article.pk).update(title="Alpha </script><b>x")
    html = client.get("/compare/alpha-vs-beta/").text
    for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S):
        assert "</" not in block.replace("<\\/", "")
    article = next(b for b in jsonld_blocks(html) if b["@type"] == "Article")
    assert article["headline"] == "Alpha </script><b>x"
