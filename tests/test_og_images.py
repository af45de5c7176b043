"""The Open Graph images: a 1200x630 PNG per comparison, profile and quiz verdict."""

import io
import re
from unittest import mock

import pytest
from PIL import Image

from comparisons import og
from comparisons.models import Status

from .factories import FrameworkFactory, build_quiz, build_site

# Only the rows each test builds.
pytestmark = pytest.mark.usefixtures("empty_content")

MAX_BYTES = 60 * 1024


@pytest.fixture
def small_site(empty_content, django_capture_on_commit_callbacks):
    """Five published frameworks alpha ... epsilon, the article "Alpha vs Beta", a quiz.

    Built as if committed, so that a later save changes the content version again.
    """
    with django_capture_on_commit_callbacks(execute=True):
        site = build_site()
        build_quiz(site.frameworks)
    return site


@pytest.fixture
def verdict(client, small_site):
    """The address of a stored quiz result (Alpha first, Beta second)."""
    return client.post("/quiz/", {"experience": "new"})["Location"]


@pytest.fixture
def no_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


def token_of(result_url):
    return result_url.rstrip("/").rsplit("/", 1)[1]


def image_of(response):
    return Image.open(io.BytesIO(response.content))


def og_image(html):
    match = re.search(r'<meta property="og:image" content="([^"]*)">', html)
    return match.group(1) if match else None


def assert_is_a_share_image(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert len(response.content) < MAX_BYTES
    image = image_of(response)
    assert image.format == "PNG"
    assert image.size == (1200, 630)


@pytest.mark.usefixtures("small_site")
@pytest.mark.parametrize(
    "url", ["/og/compare/alpha-vs-beta.png", "/og/compare/delta-vs-gamma.png",
            "/og/frameworks/alpha.png"],
)  # fmt: skip
def test_comparison_and_profile_images_are_small_1200_by_630_pngs(client, url):
    assert_is_a_share_image(client.get(url))


def test_a_verdict_image_is_a_small_1200_by_630_png(client, verdict):
    assert_is_a_share_image(client.get(f"/og/quiz/{token_of(verdict)}.png"))


def test_long_names_are_wrapped_and_shrunk_inside_the_canvas(client, empty_content):
    names = [
        "Supercalifragilisticexpialidocious Asynchronous Web Application Framework",
        "Extraordinarily Long Named Batteries Included Full Stack Framework Edition",
        "Averyveryverylongsinglewordframeworknamewithoutanyspacesatallinside",
        "Ünïcödé Främéwörk — with dashes – and accents, for good measure",
    ]
    slugs = sorted(
        FrameworkFactory(name=name, slug=f"long-{n}").slug for n, name in enumerate(names)
    )
    response = client.get(f"/og/compare/{'-vs-'.join(slugs)}.png")
    assert_is_a_share_image(response)
    image = image_of(response).convert("RGB")
    background = image.getpixel((1199, 0))
    assert background == (255, 255, 255)
    for x in range(1200 - 40, 1200):  # the right margin stays empty
        assert all(image.getpixel((x, y)) == background for y in range(630)), x
    for y in [*range(0, 30), *range(630 - 30, 630)]:  # so do the top and bottom
        assert all(image.getpixel((x, y)) == background for x in range(40, 1200)), y


def test_text_is_cut_with_an_ellipsis_when_even_the_smallest_size_is_too_big():
    lines = og._fit("word " * 400, og._font(44), 1040, 5)
    assert len(lines) == 5
    assert lines[-1].endswith("…")
    assert all(og._font(44).getlength(line) <= 1040 for line in lines)


def test_characters_the_font_lacks_are_spelled_with_ones_it_has():
    assert og._drawable("Ünïcödé — Främéwörk – “quoted”") == "Unicode - Framework - “quoted”"


@pytest.mark.usefixtures("small_site")
@pytest.mark.parametrize(
    "url",
    ["/og/compare/alpha-vs-zeta.png", "/og/compare/alpha.png", "/og/compare/alpha-vs-alpha.png",
     "/og/compare/a-vs-b-vs-c-vs-d-vs-e.png", "/og/frameworks/zeta.png",
     "/og/quiz/not-a-real-token.png"],
)  # fmt: skip
def test_unknown_images_are_404s(client, url):
    assert client.get(url).status_code == 404


def test_a_draft_framework_has_no_image(client, small_site, staff_client):
    FrameworkFactory(name="Draftframe", slug="draftframe", status=Status.DRAFT, published_at=None)
    assert client.get("/og/frameworks/draftframe.png").status_code == 404
    assert client.get("/og/compare/alpha-vs-draftframe.png").status_code == 404
    # Staff see the draft's pages, but they name no image.
    assert og_image(staff_client.get("/frameworks/draftframe/").text) is None
    assert og_image(staff_client.get("/compare/alpha-vs-draftframe/").text) is None


@pytest.mark.usefixtures("small_site")
@pytest.mark.parametrize(
    ("url", "canonical"),
    [("/og/compare/beta-vs-alpha.png", "/og/compare/alpha-vs-beta.png"),
     ("/og/compare/Delta-vs-Gamma.png", "/og/compare/delta-vs-gamma.png")],
)  # fmt: skip
def test_another_order_redirects_to_the_canonical_image(client, url, canonical):
    response = client.get(url)
    assert response.status_code == 301
    assert response["Location"] == canonical


@pytest.mark.usefixtures("small_site")
def test_head_answers_like_get_without_a_body(client):
    response = client.head("/og/compare/alpha-vs-beta.png")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response.content == b""


@pytest.mark.usefixtures("small_site")
def test_images_answer_only_safe_methods(client):
    assert client.post("/og/compare/alpha-vs-beta.png").status_code == 405


@pytest.mark.usefixtures("small_site")
@pytest.mark.parametrize(
    ("page", "image"),
    [("/compare/alpha-vs-beta/", "/og/compare/alpha-vs-beta.png"),
     ("/compare/delta-vs-gamma/", "/og/compare/delta-vs-gamma.png"),
     ("/frameworks/beta/", "/og/frameworks/beta.png")],
)  # fmt: skip
def test_pages_name_their_image_with_an_absolute_address(client, page, image):
    html = client.get(page).text
    assert og_image(html) == f"http://testserver{image}"
    assert '<meta property="og:image:width" content="1200">' in html
    assert '<meta property="og:image:height" content="630">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    assert_is_a_share_image(client.get(image))


def test_a_verdict_names_its_image(client, verdict):
    url = og_image(client.get(verdict).text)
    assert url == f"http://testserver/og/quiz/{token_of(verdict)}.png"
    assert_is_a_share_image(client.get(url.removeprefix("http://testserver")))


@pytest.mark.usefixtures("small_site")
@pytest.mark.parametrize("url", ["/", "/frameworks/", "/features/orm/", "/quiz/"])
def test_pages_without_an_image_name_none(client, url):
    html = client.get(url).text
    assert og_image(html) is None
    assert '<meta name="twitter:card" content="summary">' in html


def test_an_image_is_redrawn_after_a_content_change(
    client, small_site, django_capture_on_commit_callbacks
):
    before = client.get("/og/frameworks/alpha.png").content
    with django_capture_on_commit_callbacks(execute=True):
        small_site.alpha.name = "Alphabetical"
        small_site.alpha.save()
    after = client.get("/og/frameworks/alpha.png").content
    assert after != before
    assert_is_a_share_image(client.get("/og/frameworks/alpha.png"))


@pytest.mark.usefixtures("small_site", "no_cache")
def test_without_a_cache_an_image_is_drawn_once_per_content_version(client, verdict):
    urls = ["/og/compare/alpha-vs-beta.png", "/og/compare/beta-vs-alpha.png",
            "/og/frameworks/alpha.png", f"/og/quiz/{token_of(verdict)}.png"]  # fmt: skip
    with mock.patch("comparisons.og.draw", wraps=og.draw) as draw:
        for _ in range(3):
            for url in urls:
                assert client.get(url).status_code in (200, 301)
    assert draw.call_count == 3  # both orders of a comparison share one image


@pytest.mark.usefixtures("small_site", "no_cache")
def test_without_a_cache_a_drawn_image_costs_one_query(client, django_assert_num_queries):
    client.get("/og/compare/alpha-vs-beta.png")
    with django_assert_num_queries(1):  # the content version
        assert client.get("/og/compare/alpha-vs-beta.png").status_code == 200
