"""What search engines and link previews read from our pages."""

import json
import re

import pytest

pytestmark = pytest.mark.usefixtures("seeded")


def jsonld_blocks(html):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(block) for block in blocks]


def meta(html, attr, name):
    match = re.search(rf'<meta {attr}="{re.escape(name)}" content="([^"]*)">', html)
    return match.group(1) if match else None


@pytest.mark.parametrize(
    "url",
    ["/", "/frameworks/", "/frameworks/flask/", "/compare/django-vs-flask/",
     "/compare/aiohttp-vs-sanic/", "/features/orm/", "/use-cases/cms/", "/data/"],
)  # fmt: skip
def test_every_page_has_title_description_canonical_and_share_tags(client, url):
    html = client.get(url).text
    assert re.search(r"<title>[^<]+</title>", html)
    assert meta(html, "name", "description")
    assert f'<link rel="canonical" href="http://testserver{url}">' in html
    for prop in ["og:title", "og:description", "og:url", "og:type"]:
        assert meta(html, "property", prop), prop
    assert meta(html, "name", "twitter:card") == "summary"


def test_an_article_page_describes_itself_as_an_article_with_faq(client):
    html = client.get("/compare/django-vs-flask/").text
    assert "<title>Django vs Flask · Pickframe</title>" in html
    assert meta(html, "property", "og:type") == "article"
    types = {block["@type"]: block for block in jsonld_blocks(html)}
    assert types["Article"]["headline"] == "Django vs Flask"
    assert types["Article"]["datePublished"]
    assert len(types["FAQPage"]["mainEntity"]) == 11
    crumbs = types["BreadcrumbList"]["itemListElement"]
    assert [c["name"] for c in crumbs] == ["Home", "Compare", "Django vs Flask"]


def test_a_generated_comparison_has_breadcrumbs_but_no_article_markup(client):
    types = {b["@type"] for b in jsonld_blocks(client.get("/compare/aiohttp-vs-sanic/").text)}
    assert types == {"BreadcrumbList"}


def test_json_ld_cannot_break_out_of_its_script_element(client):
    from comparisons.models import Article

    Article.objects.filter(slug="django-vs-flask").update(title="Django </script><b>x")
    html = client.get("/compare/django-vs-flask/").text
    for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S):
        assert "</" not in block.replace("<\\/", "")
    article = next(b for b in jsonld_blocks(html) if b["@type"] == "Article")
    assert article["headline"] == "Django </script><b>x"
