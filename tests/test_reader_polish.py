"""The small things readers and their tools notice: titles, icons, feeds, robots."""

import re

import pytest

from comparisons.models import ArticleFramework
from comparisons.pages import mid_sentence

from .factories import (
    ArticleFactory,
    FeatureFactory,
    FrameworkFactory,
    SupportFactory,
    UseCaseFactory,
    build_quiz,
    build_site,
)

pytestmark = pytest.mark.usefixtures("empty_content")


@pytest.mark.parametrize(
    ("name", "expected"),
    [("REST APIs", "REST APIs"), ("MVPs", "MVPs"), ("CSRF protection", "CSRF protection"),
     ("Admin panel", "admin panel"), ("Content management (CMS)", "content management (CMS)"),
     ("API framework", "API framework"), ("ORM", "ORM")],
)  # fmt: skip
def test_names_keep_their_own_case_inside_a_sentence(name, expected):
    assert mid_sentence(name) == expected


def test_titles_and_captions_keep_acronyms(client):
    UseCaseFactory(name="REST APIs", slug="rest-apis")
    SupportFactory(feature=FeatureFactory(name="ORM", slug="orm"))
    assert "<title>Best Python framework for REST APIs · Pickframe</title>" in (
        client.get("/use-cases/rest-apis/").text
    )
    assert "Which frameworks provide ORM, and how" in client.get("/features/orm/").text


def test_every_page_names_its_icons_and_old_browsers_find_one(client):
    html = client.get("/").text
    assert re.search(r'<link rel="icon" href="[^"]+\.svg" type="image/svg\+xml">', html)
    assert re.search(r'<link rel="icon" href="[^"]+\.png" type="image/png" sizes="32x32">', html)
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith(".png")


def test_the_enhancement_flag_is_set_before_the_stylesheet_loads(client):
    head = client.get("/").text.split("</head>")[0]
    assert head.index("js/enhance.js") < head.index("css/site.css")
    assert "defer" not in re.search(r"<script[^>]+enhance\.js[^>]*>", head).group()


def test_quiz_results_and_search_are_kept_out_of_search_engines(client):
    site = build_site()
    build_quiz(site.frameworks)
    result = client.post("/quiz/", {"experience": "new"}, follow=True)
    assert '<meta name="robots" content="noindex">' in result.text
    assert '<meta name="robots" content="noindex">' in client.get("/search/?q=alpha").text
    assert 'name="robots"' not in client.get("/").text
    assert 'name="robots"' not in client.get("/quiz/").text


def test_the_sitemap_lists_the_quiz(client):
    assert "<loc>http://testserver/quiz/</loc>" in client.get("/sitemap.xml").text


def test_the_feed_names_an_author_and_carries_every_article(client):
    site = build_site()
    for n in range(35):  # more than the 30 the feed used to stop at
        article = ArticleFactory(
            title=f"Extra {n}", slug=f"extra-{n}", status=site.article.status,
            published_at=site.article.published_at,
        )  # fmt: skip
        for position in (1, 2):
            ArticleFramework.objects.create(
                article=article, framework=FrameworkFactory(), position=position
            )
    feed = client.get("/feed/").text
    assert re.search(r"<author><name>Pickframe editors</name></author>", feed)
    assert feed.count("<entry>") == 36


def test_each_search_landmark_has_its_own_name(client):
    html = client.get("/search/?q=alpha").text
    names = re.findall(r'role="search" aria-label="([^"]+)"', html)
    assert len(names) == html.count('role="search"') == 2
    assert len(set(names)) == 2
