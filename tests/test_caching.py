"""Anonymous pages are cached until content changes; staff always see fresh pages."""

import pytest
from django.urls import reverse

from comparisons.models import ArticleFramework, Status, Support, Trait
from pagecache.caching import clear_memos

from .factories import ArticleFactory, build_quiz, build_site
from .htmlforms import form_data

# Only the rows each test builds.
pytestmark = pytest.mark.usefixtures("empty_content")

PAGE = "/compare/alpha-vs-beta/"  # build_site's published article


@pytest.fixture
def small_site(empty_content):
    return build_site()


def rename_in_the_admin(staff_client, trait, name):
    url = reverse("admin:comparisons_trait_change", args=[trait.pk])
    data = form_data(staff_client.get(url).text, "trait_form")
    return staff_client.post(url, {**data, "name": name})


def test_a_repeat_anonymous_request_is_served_from_the_cache(
    small_site, client, django_assert_num_queries, version_queries
):
    first = client.get(PAGE)
    assert first.status_code == 200
    with django_assert_num_queries(version_queries):
        second = client.get(PAGE)
    assert second.status_code == 200
    assert second.content == first.content


def test_pages_carry_an_etag_and_a_repeat_visit_gets_a_304(small_site, client):
    response = client.get(PAGE)
    assert response.status_code == 200
    assert response["ETag"]
    again = client.get(PAGE, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    assert again.content == b""


def test_saving_in_the_admin_shows_on_the_next_anonymous_request(small_site, client, staff_client):
    assert small_site.learning.name in client.get(PAGE).text  # the page shows the trait...
    assert "Learning effort" not in client.get(PAGE).text  # ...and is now cached
    response = rename_in_the_admin(staff_client, small_site.learning, "Learning effort")
    assert response.status_code == 302
    assert "Learning effort" in client.get(PAGE).text


def test_changing_a_fact_row_in_the_admin_invalidates_its_pages(small_site, client, staff_client):
    support = Support.objects.get(framework=small_site.beta, feature=small_site.orm)
    beta, orm = small_site.beta.slug, small_site.orm.slug
    pages = [PAGE, f"/frameworks/{beta}/", f"/features/{orm}/", "/data/support.csv"]
    for page in pages:
        assert "Peewee" not in client.get(page).text, page  # now cached
    url = reverse("admin:comparisons_support_change", args=[support.pk])
    data = form_data(staff_client.get(url).text, "support_form")
    response = staff_client.post(
        url,
        {**data, "level": "third-party", "via": "Peewee",
         "via_url": "https://github.com/coleifer/peewee"},
    )  # fmt: skip
    assert response.status_code == 302
    for page in pages:
        assert "Peewee" in client.get(page).text, page


def test_signed_in_staff_always_get_a_fresh_page(small_site, client, staff_client):
    client.get(PAGE)  # cached for readers
    staff_client.get(PAGE)  # and seen once by staff
    # A bulk update sends no signals, so the readers' copy stays as it was...
    Trait.objects.filter(pk=small_site.learning.pk).update(name="Ramp-up")
    assert "Ramp-up" not in client.get(PAGE).text
    # ...but staff bypass the cache.
    response = staff_client.get(PAGE)
    assert "Ramp-up" in response.text
    assert response["Cache-Control"] == "private, no-store"


def test_error_pages_are_not_cached(small_site, client, django_assert_max_num_queries):
    missing = f"/compare/{small_site.alpha.slug}-vs-nope/"
    client.get(missing)
    with django_assert_max_num_queries(10) as captured:
        assert client.get(missing).status_code == 404
    assert len(captured) > 0


def test_browsers_that_accept_gzip_get_the_stored_compressed_copy(small_site, client):
    import gzip

    plain = client.get(PAGE)
    assert plain.status_code == 200
    zipped = client.get(PAGE, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert zipped["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.content) == plain.content
    assert len(zipped.content) < len(plain.content) / 3
    assert zipped["ETag"] != plain["ETag"]
    assert "Accept-Encoding" in zipped["Vary"]
    again = client.get(PAGE, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=zipped["ETag"])
    assert again.status_code == 304


def test_a_quiz_submission_does_not_empty_the_page_cache(
    small_site, client, django_assert_num_queries, version_queries
):
    from recommender.models import Result

    build_quiz(small_site.frameworks)
    client.get(PAGE)
    assert client.post("/quiz/", {"experience": "new"}).status_code == 303
    assert Result.objects.count() == 1  # the submission was stored
    with django_assert_num_queries(version_queries):
        assert client.get(PAGE).status_code == 200


def test_cache_url_picks_the_backend():
    import os
    import subprocess
    import sys

    from .liveserver import ROOT

    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; django.setup();"
        "from django.conf import settings; c = settings.CACHES['default'];"
        "print(c['BACKEND'], c.get('LOCATION', ''))"
    )
    expected = {
        "": "django.core.cache.backends.locmem.LocMemCache",
        "locmem://": "django.core.cache.backends.locmem.LocMemCache",
        "dummy://": "django.core.cache.backends.dummy.DummyCache",
        "redis://10.0.0.5:6379/1": "pagecache.backends.ResilientRedisCache redis://10.0.0.5:6379/1",
    }
    for url, backend in expected.items():
        env = {k: v for k, v in os.environ.items() if k != "CACHE_URL"}
        if url:
            env["CACHE_URL"] = url
        out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True,
                             capture_output=True, text=True).stdout.strip()  # fmt: skip
        assert out.startswith(backend), (url, out)


def test_the_cache_in_use_is_the_one_cache_url_names(settings):
    import os

    from django.core.cache import cache

    if os.environ.get("CACHE_URL", "").startswith("redis://"):
        assert type(cache._cache).__name__ == "RedisCacheClient"
        cache.set("pickframe:probe", 1)
        assert cache.get("pickframe:probe") == 1
    else:
        assert settings.CACHES["default"]["BACKEND"].endswith("LocMemCache")


# Without any cache (CACHE_URL=dummy://) the rendered comparison is still reused,
# keyed by the content version in the database.


@pytest.fixture
def no_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


def test_the_content_version_lives_in_the_database(small_site, staff_client):
    from pagecache.caching import stored_version

    before = stored_version()
    response = rename_in_the_admin(staff_client, small_site.learning, "Learning effort")
    assert response.status_code == 302
    assert stored_version() not in ("", before)


def test_with_no_cache_a_save_in_the_admin_shows_at_once(
    small_site, no_cache, client, staff_client
):
    assert "Learning effort" not in client.get(PAGE).text
    response = rename_in_the_admin(staff_client, small_site.learning, "Learning effort")
    assert response.status_code == 302
    assert "Learning effort" in client.get(PAGE).text


def test_with_no_cache_a_change_saved_by_another_server_shows_at_once(small_site, no_cache, client):
    from pagecache.models import ContentVersion

    client.get(PAGE)
    # Another app server saves: the row changes and so does the shared version,
    # but no signal reaches this process.
    Trait.objects.filter(pk=small_site.learning.pk).update(name="Ramp-up")
    assert "Ramp-up" not in client.get(PAGE).text  # this process's copy, still valid...
    ContentVersion.objects.filter(pk=1).update(token="saved-elsewhere")
    assert "Ramp-up" in client.get(PAGE).text  # ...until the version moves


def test_with_no_cache_pages_still_carry_validators(small_site, no_cache, client):
    response = client.get(PAGE, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert response.status_code == 200
    assert "Content-Encoding" not in response  # nowhere to keep a compressed copy
    assert response["Cache-Control"].startswith("public, ")
    again = client.get(PAGE, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_a_staff_preview_never_reaches_readers(small_site, no_cache, client, staff_client):
    # A draft article that lists gamma before delta: not the readers' alphabetical order.
    gamma, delta = small_site.gamma.slug, small_site.delta.slug
    draft = ArticleFactory(title="Hidden take", status=Status.DRAFT, published_at=None)
    for position, framework in enumerate((small_site.gamma, small_site.delta), 1):
        ArticleFramework.objects.create(article=draft, framework=framework, position=position)
    assert "Hidden take" in staff_client.get(f"/compare/{gamma}-vs-{delta}/").text
    reader = client.get(f"/compare/{gamma}-vs-{delta}/")
    assert reader.status_code == 301  # readers' canonical order is alphabetical
    assert reader["Location"] == f"/compare/{delta}-vs-{gamma}/"
    assert "Hidden take" not in client.get(reader["Location"]).text


# --- Headers a shared cache in front can use ------------------------------------------


def test_readers_pages_tell_a_shared_cache_how_long_to_keep_them(small_site, client, settings):
    settings.READER_MAX_AGE, settings.READER_SHARED_MAX_AGE = 5, 120
    settings.READER_STALE_WHILE_REVALIDATE = 30
    for page in [PAGE, "/", f"/frameworks/{small_site.alpha.slug}/", "/quiz/", "/data/support.csv"]:
        response = client.get(page)
        assert response.status_code == 200, page
        cache_control = {d.strip() for d in response["Cache-Control"].split(",")}
        assert cache_control == {
            "public", "max-age=5", "s-maxage=120", "stale-while-revalidate=30"
        }, page  # fmt: skip
        assert response["Vary"] == "Accept-Encoding", page  # never Cookie
        assert not response.cookies, page  # reading a page sets no cookie


def test_staff_pages_are_private_and_never_stored(small_site, staff_client):
    for page in [PAGE, "/", "/quiz/", "/admin/"]:
        response = staff_client.get(page)
        assert response.status_code == 200, page
        assert "private" in response["Cache-Control"], page
        assert "no-store" in response["Cache-Control"] or page == "/admin/", page


def test_head_is_answered_like_get_on_reader_pages(small_site, client):
    for page in [PAGE, "/", "/quiz/", "/sitemap.xml", "/feed/", "/robots.txt"]:
        head = client.head(page)
        assert head.status_code == 200, page
        assert head.content == b"", page


# --- The per-process memo of rendered pages ------------------------------------------


def test_the_memo_keeps_pages_within_its_byte_budget_dropping_the_least_used():
    from pagecache.caching import VersionedMemo

    memo = VersionedMemo(max_bytes=10, weigh=len)
    memo.get("a", lambda: "aaaa")
    memo.get("b", lambda: "bbbb")
    memo.get("a", lambda: "never built")  # a is used again: b is now the least used
    memo.get("c", lambda: "cccc")  # 12 bytes: b goes
    assert memo.bytes == 8
    assert memo.get("a", lambda: "rebuilt") == "aaaa"
    assert memo.get("b", lambda: "rebuilt") == "rebuilt"
    assert VersionedMemo(max_bytes=0, weigh=len).get("x", lambda: "x") == "x"  # keeps none


def test_another_order_is_redirected_without_rendering_and_shares_the_entry(
    small_site, no_cache, client, django_assert_num_queries
):
    from comparisons.views import rendered_comparisons

    clear_memos()
    assert client.get(PAGE).status_code == 200
    with django_assert_num_queries(1):  # the content version: nothing is rendered
        response = client.get("/compare/beta-vs-alpha/")
    assert response.status_code == 301 and response["Location"] == PAGE
    assert len(rendered_comparisons._values) == 1
