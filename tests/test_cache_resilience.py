"""The page cache: a key readers cannot inflate, and a cache the site can live without."""

import logging
import socket
import threading

import pytest
from django.core.cache import cache
from django.core.management import call_command

from comparisons.models import Trait
from recommender.models import Result

from .factories import build_quiz, build_site
from .liveserver import free_port
from .test_caching import rename_in_the_admin

pytestmark = pytest.mark.usefixtures("empty_content")

PAGE = "/compare/alpha-vs-beta/"


@pytest.fixture
def small_site(empty_content):
    site = build_site()
    build_quiz(site.frameworks)
    return site


@pytest.fixture
def locmem(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "t"}
    }
    cache.clear()


def stored_pages():
    """The page entries in the local-memory cache."""
    return [key for key in cache._cache if ":pickframe:page:" in key]


# --- The key -----------------------------------------------------------------------


@pytest.mark.usefixtures("locmem")
def test_a_thousand_unknown_parameters_share_one_entry(small_site, client):
    first = client.get(PAGE)
    for n in range(1000):
        response = client.get(PAGE, {"utm_source": f"campaign-{n}", f"x{n}": "1"})
        assert response.status_code == 200
    assert response.content == first.content
    assert len(stored_pages()) == 1


@pytest.mark.usefixtures("locmem")
def test_a_view_never_sees_parameters_it_does_not_read(small_site, client):
    html = client.get("/quiz/", {"experience": "new", "utm_source": "newsletter"}).text
    assert 'value="new" checked' in html
    assert "not recognised" not in html  # the campaign tag is not an unknown answer
    assert "Alpha" in client.get("/search/", {"q": "alpha", "ref": "x"}).text


@pytest.mark.usefixtures("locmem")
def test_pages_of_each_allowed_host_are_kept_apart(small_site, client, settings):
    settings.ALLOWED_HOSTS = ["pickframe.example", "www.pickframe.example"]
    one = client.get(PAGE, HTTP_HOST="pickframe.example").text
    other = client.get(PAGE, HTTP_HOST="www.pickframe.example").text
    assert "https://pickframe.example/" not in other and "//pickframe.example/" not in other
    assert "//www.pickframe.example/compare/alpha-vs-beta/" in other
    assert "//pickframe.example/compare/alpha-vs-beta/" in one
    assert len(stored_pages()) == 2
    assert client.get(PAGE, HTTP_HOST="evil.example").status_code == 400
    assert len(stored_pages()) == 2


@pytest.mark.usefixtures("locmem")
def test_pages_there_can_be_endless_numbers_of_are_not_kept(small_site, client):
    for n in range(20):
        assert client.get("/search/", {"q": f"alpha {n}"}).status_code == 200
        assert client.get("/quiz/", {"experience": "new", "project": "api"}).status_code == 200
    token = client.post("/quiz/", {"experience": "new"})["Location"].split("/")[-2]
    assert client.get(f"/quiz/result/{token}/").status_code == 200
    assert client.get(f"/og/quiz/{token}.png").status_code == 200
    assert stored_pages() == []
    client.get("/search/")
    client.get("/quiz/")
    assert len(stored_pages()) == 2  # the bare pages are kept


# --- A cache that fails ----------------------------------------------------------


@pytest.fixture
def unreachable_redis(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "pagecache.backends.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",  # nothing listens
        }
    }


@pytest.fixture
def silent_redis(settings):
    """A server that accepts connections and never answers, as a paused Redis does."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted = []

    def accept():
        while True:
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    settings.CACHES = {
        "default": {
            "BACKEND": "pagecache.backends.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{listener.getsockname()[1]}/0",
        }
    }
    yield accepted
    listener.close()
    for connection in accepted:
        connection.close()


@pytest.mark.usefixtures("unreachable_redis")
def test_with_redis_down_pages_answer_and_quiz_answers_are_stored(small_site, client, caplog):
    with caplog.at_level(logging.WARNING, logger="pagecache.backends"):
        for url in (PAGE, "/", "/frameworks/alpha/", "/quiz/", "/search/?q=alpha", "/sitemap.xml"):
            assert client.get(url).status_code == 200, url
        for _ in range(5):
            assert client.post("/quiz/", {"experience": "new"}).status_code == 303
    assert Result.objects.count() == 5
    failures = [r for r in caplog.records if r.name == "pagecache.backends"]
    assert len(failures) == 1  # once per interval, not once per request
    assert "Cache unavailable" in failures[0].getMessage()


@pytest.mark.usefixtures("unreachable_redis")
def test_with_redis_down_a_save_shows_on_the_next_request(small_site, client, staff_client):
    assert "Learning effort" not in client.get(PAGE).text
    assert rename_in_the_admin(staff_client, small_site.learning, "Learning effort").status_code
    assert "Learning effort" in client.get(PAGE).text
    # Another server's save: only the database knows.
    Trait.objects.filter(pk=small_site.learning.pk).update(name="Ramp-up")
    from pagecache.models import ContentVersion

    ContentVersion.objects.filter(pk=1).update(token="saved-elsewhere")
    assert "Ramp-up" in client.get(PAGE).text


@pytest.mark.usefixtures("unreachable_redis")
def test_seed_works_with_the_cache_down(db):
    call_command("seed", "--force", verbosity=0)
    assert Trait.objects.exists()


def test_a_silent_redis_costs_one_timeout_per_interval_not_one_per_request(
    small_site, client, silent_redis, settings
):
    settings.CACHE_SOCKET_TIMEOUT = 0.2
    for _ in range(10):
        assert client.get(PAGE).status_code == 200
    assert client.post("/quiz/", {"experience": "new"}).status_code == 303
    assert Result.objects.count() == 1
    # The first call timed out; the process then left Redis alone.
    assert len(silent_redis) == 1
