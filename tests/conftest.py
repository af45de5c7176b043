import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client, TestCase

from editing.registry import content_models
from pagecache.caching import clear_memos


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    # The manifest storage needs collectstatic; tests use the plain storage.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    clear_memos()


@pytest.fixture(autouse=True)
def _each_request_commits(monkeypatch):
    """Run on-commit hooks when each test-client request ends, as production does.

    In production a request's writes commit when it ends and the content version
    changes then (editing.signals). A test runs inside one transaction that never
    commits, so without this no hook would ever run.
    """
    request = Client.request

    def committing_request(self, **kwargs):
        with TestCase.captureOnCommitCallbacks(execute=True):
            return request(self, **kwargs)

    monkeypatch.setattr(Client, "request", committing_request)


@pytest.fixture
def version_queries():
    """Queries a page served from the cache costs: reading the content version from
    the database, unless a shared cache keeps a copy (pagecache.caching)."""
    from pagecache.caching import cache_is_shared

    return 0 if cache_is_shared() else 1


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the initial content once; each test runs in a transaction over it."""
    with django_db_blocker.unblock():
        call_command("seed", verbosity=0)


@pytest.fixture
def seeded(db):
    """The initial content from fixtures/ (loaded once per session)."""


@pytest.fixture
def empty_content(db, settings):
    """No content rows at all, for code tests that build every row they need.

    The rows are deleted inside the test's transaction, without writing their
    history (which would cost more than the test).
    """
    from comparisons.models import Verification

    settings.SIMPLE_HISTORY_ENABLED = False
    Verification.objects.all().delete()  # the record of how the content was checked
    for model in reversed(content_models()):
        model.objects.all().delete()
    settings.SIMPLE_HISTORY_ENABLED = True


@pytest.fixture
def staff_client(django_user_model):
    """A signed-in superuser, separate from the anonymous ``client``."""
    user = django_user_model.objects.create_superuser("boss", "boss@example.com", "pw")
    staff = Client()
    staff.force_login(user)
    return staff


@pytest.fixture
def editor(django_user_model):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user("eddie", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


# --- Browser tests (tests/test_browser*.py) ----------------------------------------------


@pytest.fixture(scope="session")
def live_server_env(tmp_path_factory):
    """A gunicorn server with the production settings over a seeded database."""
    from .liveserver import running_server, server_env

    workdir = tmp_path_factory.mktemp("live")
    with running_server(workdir) as url:
        yield url, server_env(workdir)


@pytest.fixture(scope="session")
def site(live_server_env):
    return live_server_env[0]


@pytest.fixture(scope="session")
def live_rows(live_server_env):
    """Read rows from the live server's database.

    The live server runs over the initial content. Browser tests take what they expect
    from these rows instead of naming the content, so a corrected fact breaks none.
    """
    import sqlite3
    from contextlib import closing

    path = live_server_env[1]["DATABASE_URL"].removeprefix("sqlite:///")

    def rows(sql, *params):
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
            return connection.execute(sql, params).fetchall()

    return rows


@pytest.fixture(scope="session")
def browser():
    import os
    from pathlib import Path

    from .browser import ARTIFACTS, CHROMIUM, LAUNCH_ARGS

    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing in CI; .ci/run should install it")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()
