"""The content version: changed once per committed transaction, and at scheduled times."""

import datetime
from unittest import mock

import pytest
import time_machine
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.core.management import call_command
from django.db import transaction

from comparisons.models import ArticleFramework, Status
from pagecache import caching
from pagecache.caching import content_version, stored_version
from recommender.models import Result

from .factories import ArticleFactory, FrameworkFactory, SupportFactory, framework_with_facts

pytestmark = pytest.mark.django_db

BUMP = "editing.signals.bump_content_version"


def test_a_transaction_that_saves_many_rows_changes_the_version_once_after_commit(
    django_capture_on_commit_callbacks,
):
    before = stored_version()
    with (
        mock.patch(BUMP) as bump,
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
    ):
        framework = framework_with_facts()  # dozens of saves and link changes
        framework.tagline = "Changed"
        framework.save()
        assert bump.call_count == 0  # nothing is announced before the commit
        assert stored_version() == before
    assert bump.call_count == 1


def test_a_rolled_back_transaction_never_changes_the_version(django_capture_on_commit_callbacks):
    with mock.patch(BUMP) as bump, django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            FrameworkFactory()
            raise RuntimeError("the save failed")
        assert bump.call_count == 0
        SupportFactory()  # the next transaction still announces its change
    assert bump.call_count == 1


def test_only_content_changes_the_version(django_capture_on_commit_callbacks):
    with mock.patch(BUMP) as bump, django_capture_on_commit_callbacks(execute=True):
        Result.objects.create(answers={}, winner="flask", snapshot={})
    assert bump.call_count == 0


def test_seed_force_changes_the_version_once(seeded, django_capture_on_commit_callbacks):
    with mock.patch(BUMP) as bump, django_capture_on_commit_callbacks(execute=True):
        call_command("seed", "--force", verbosity=0)
    assert bump.call_count == 1


def test_fixture_loads_send_no_version_change_of_their_own(tmp_path):
    from editing.signals import _saved

    with mock.patch("editing.signals.content_changed") as changed:
        _saved(sender=None, raw=True)
        assert changed.call_count == 0
        _saved(sender=None, raw=False)
        assert changed.call_count == 1


# --- Scheduled publishing ---------------------------------------------------------------

T0 = datetime.datetime(2030, 3, 4, 10, 0, tzinfo=datetime.UTC)
LIVE = T0 + datetime.timedelta(minutes=10)


def test_a_scheduled_article_appears_everywhere_at_its_time_without_a_save(
    client, django_capture_on_commit_callbacks
):
    with time_machine.travel(T0, tick=False) as clock:
        with django_capture_on_commit_callbacks(execute=True):
            alpha, beta = FrameworkFactory(slug="alpha"), FrameworkFactory(slug="beta")
            article = ArticleFactory(title="Alpha against Beta", lede="A scheduled lede.",
                                     status=Status.PUBLISHED, published_at=LIVE)  # fmt: skip
            for position, framework in enumerate([alpha, beta], 1):
                ArticleFramework.objects.create(
                    article=article, framework=framework, position=position
                )
        pages = ["/", "/compare/alpha-vs-beta/", "/feed/", "/search/?q=against"]
        for page in pages:  # also fills the page cache and the rendered-page memo
            assert "Alpha against Beta" not in client.get(page).text, page

        clock.move_to(LIVE + datetime.timedelta(seconds=30))

        for page in pages:
            assert "Alpha against Beta" in client.get(page).text, page


def test_a_scheduled_framework_goes_live_at_its_time_without_a_save(
    client, django_capture_on_commit_callbacks
):
    with time_machine.travel(T0, tick=False) as clock:
        with django_capture_on_commit_callbacks(execute=True):
            framework = FrameworkFactory(name="Latecomer", slug="latecomer", published_at=LIVE)
        assert client.get("/frameworks/latecomer/").status_code == 404
        assert "Latecomer" not in client.get("/frameworks/").text
        assert "/frameworks/latecomer/" not in client.get("/sitemap.xml").text
        version = content_version()

        clock.move_to(LIVE + datetime.timedelta(seconds=1))

        assert content_version() != version
        assert client.get("/frameworks/latecomer/").status_code == 200
        assert "Latecomer" in client.get("/frameworks/").text
        assert "/frameworks/latecomer/" in client.get("/sitemap.xml").text
        assert framework.is_live


def test_one_admin_save_of_many_rows_changes_the_version_once(staff_client):
    from django.urls import reverse

    from .factories import SourceFactory
    from .htmlforms import form_data

    framework = framework_with_facts()
    url = reverse("admin:comparisons_framework_change", args=[framework.pk])
    data = form_data(staff_client.get(url).text, "framework_form")
    data.update(
        {
            "tagline": "New",
            "sources": [str(SourceFactory().pk)],
            "pros_cons-0-title": "New title",
            "pros_cons-1-detail": "New detail.",
        }
    )
    with mock.patch(BUMP) as bump:
        assert staff_client.post(url, data).status_code == 302
    assert bump.call_count == 1


# --- Coherence: a save shows on every server's next request ---------------------------


class SharedMemoryCache(LocMemCache):
    """Stands in for Redis: one cache that every "server" (here, every call) shares."""


@pytest.fixture
def shared_cache(settings):
    settings.CACHES = {
        "default": {"BACKEND": "tests.test_content_version.SharedMemoryCache", "LOCATION": "s"}
    }
    cache.clear()
    assert caching.cache_is_shared()


def _token():
    return stored_version()[0]


@pytest.mark.usefixtures("shared_cache")
def test_a_reader_that_read_the_old_version_before_a_commit_cannot_put_it_back(monkeypatch):
    caching.bump_content_version()
    old = _token()
    cache.delete(caching.VERSION_KEY)  # the cached copy has expired
    read = caching.stored_version

    def reader_reads_then_the_editor_commits():
        seen = read()  # the reader's query runs before the editor's commit...
        caching.bump_content_version()  # ...which commits and announces itself here
        return seen

    monkeypatch.setattr(caching, "stored_version", reader_reads_then_the_editor_commits)
    assert content_version() == old  # the reader's own request keeps what it read
    monkeypatch.undo()
    assert _token() != old
    assert content_version() == _token()  # every later request, on any server, is current


@pytest.mark.usefixtures("shared_cache")
def test_a_reader_whose_copy_lands_between_commit_and_announcement_is_overwritten(monkeypatch):
    caching.bump_content_version()
    old = _token()
    cache.delete(caching.VERSION_KEY)
    announcements = []
    monkeypatch.setattr(caching, "_announce", announcements.append)
    caching.bump_content_version()  # committed; its announcement is delayed
    monkeypatch.setattr(caching, "stored_version", lambda: (old, []))  # read before commit
    assert content_version() == old  # and its copy is in the cache first
    monkeypatch.undo()
    caching._announce(announcements[0])
    assert content_version() == _token() != old


def test_with_a_cache_per_process_another_servers_save_shows_on_the_next_request(settings, client):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert not caching.cache_is_shared()
    framework = FrameworkFactory(name="Before")
    client.get(f"/frameworks/{framework.slug}/")
    # Another app server (another process, its own cache) saves:
    type(framework).objects.filter(pk=framework.pk).update(name="After")
    from pagecache.models import ContentVersion

    ContentVersion.objects.update_or_create(pk=1, defaults={"token": "saved-elsewhere"})
    assert "After" in client.get(f"/frameworks/{framework.slug}/").text


def test_a_request_reads_the_version_once(settings, client, django_assert_num_queries):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    framework = FrameworkFactory()
    client.get(f"/frameworks/{framework.slug}/")  # builds and keeps the profile
    with django_assert_num_queries(1):  # the version, though several memos ask for it
        assert client.get(f"/frameworks/{framework.slug}/").status_code == 200
