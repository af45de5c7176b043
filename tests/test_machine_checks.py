"""check_sources and sync_pypi, against local HTTP servers the tests start (never the internet)."""

import io
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command

from comparisons.models import Framework, Source, Verification

from .factories import FrameworkFactory, ProConFactory, SourceFactory

# Only the rows each test builds: the commands read every source and framework.
pytestmark = pytest.mark.usefixtures("empty_content")


class Site:
    """A tiny web server: ``routes`` maps a path to (status, headers, body, delay)."""

    def __init__(self, routes):
        self.routes = routes
        self.requests = []  # (method, path, user agent)
        self.active = self.most_active = 0
        self.lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_HEAD(self):
                self.answer(head=True)

            def do_GET(self):
                self.answer(head=False)

            def answer(self, head):
                with site.lock:
                    site.requests.append((self.command, self.path, self.headers["User-Agent"]))
                    site.active += 1
                    site.most_active = max(site.most_active, site.active)
                try:
                    route = site.routes.get(self.path, (404, {}, b"not here", 0))
                    status, headers, body, delay = route(self.command) if callable(route) else route
                    time.sleep(delay)
                finally:
                    # Counted as busy until it answers: once the answer is out, the client
                    # may send its next request before this thread gets further.
                    with site.lock:
                        site.active -= 1
                try:
                    self.send_response(status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    if not head:
                        self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def site():
    servers = []

    def start(routes):
        servers.append(Site(routes))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def run(command, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command(command, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


# --- check_sources ------------------------------------------------------------------------


def test_check_sources_records_status_final_address_and_redirects(site):
    web = site({
        "/ok": (200, {}, b"fine", 0),
        "/old": (301, {"Location": "/ok"}, b"", 0),
        "/hop1": (302, {"Location": "/hop2"}, b"", 0),
        "/hop2": (307, {"Location": "/ok"}, b"", 0),
        "/error": (500, {}, b"oops", 0),
    })  # fmt: skip
    fine, moved, hops, gone, error = [
        SourceFactory(url=web.url + path) for path in ("/ok", "/old", "/hop1", "/gone", "/error")
    ]
    offline = SourceFactory(url="http://127.0.0.1:9/nothing-listens-here")
    untouched = SourceFactory(url="")

    out, _ = run("check_sources", "--timeout", "2")

    for source in (fine, moved, hops, gone, error, offline, untouched):
        source.refresh_from_db()
    assert (fine.check_status, fine.final_url, fine.redirects) == (200, fine.url, [])
    assert (moved.check_status, moved.final_url) == (200, web.url + "/ok")
    assert moved.redirects == [{"status": 301, "to": web.url + "/ok"}]
    assert [hop["status"] for hop in hops.redirects] == [302, 307]
    assert (gone.check_status, error.check_status, offline.check_status) == (404, 500, 0)
    assert offline.check_error
    assert untouched.checked_at is None
    assert set(Source.objects.with_problems()) == {moved, hops, gone, error, offline}
    assert "moved" in out and "broken" in out


def test_a_server_refusing_head_is_asked_with_get_and_a_polite_agent(site, settings):
    web = site(
        {"/page": lambda method: (405, {}, b"", 0) if method == "HEAD" else (200, {}, b"ok", 0)}
    )
    source = SourceFactory(url=web.url + "/page")
    settings.SOURCE_CHECK_USER_AGENT = "PickframeFactCheck/test"
    run("check_sources")
    source.refresh_from_db()
    assert source.check_status == 200
    assert [method for method, _, _ in web.requests] == ["HEAD", "GET"]
    assert {agent for _, _, agent in web.requests} == {"PickframeFactCheck/test"}


def test_a_slow_server_times_out_without_holding_up_the_rest(site):
    web = site({"/slow": (200, {}, b"late", 3), "/ok": (200, {}, b"ok", 0)})
    slow, fine = SourceFactory(url=web.url + "/slow"), SourceFactory(url=web.url + "/ok")
    started = time.monotonic()
    run("check_sources", "--timeout", "0.5")
    assert time.monotonic() - started < 2.5
    slow.refresh_from_db()
    fine.refresh_from_db()
    assert slow.check_status == 0 and "timed out" in slow.check_error
    assert fine.check_status == 200


def test_requests_go_out_a_few_at_a_time(site):
    web = site({f"/p{n}": (200, {}, b"ok", 0.2) for n in range(12)})
    for n in range(12):
        SourceFactory(url=f"{web.url}/p{n}")
    run("check_sources", "--workers", "3")
    assert 1 < web.most_active <= 3
    assert Source.objects.filter(check_status=200).count() == 12


def test_an_editors_save_during_a_check_is_kept(site, monkeypatch):
    from comparisons.management.commands.check_sources import Command

    web = site({"/ok": (200, {}, b"ok", 0)})
    source = SourceFactory(url=web.url + "/ok", title="Old title")
    real = Command.ask

    def ask_while_an_editor_saves(self, *args):
        answers = real(self, *args)
        Source.objects.filter(pk=source.pk).update(title="The editor's title")
        return answers

    monkeypatch.setattr(Command, "ask", ask_while_an_editor_saves)
    run("check_sources")
    source.refresh_from_db()
    assert (source.title, source.check_status) == ("The editor's title", 200)


def test_broken_and_moved_sources_show_on_the_re_check_page_with_the_facts_citing_them(
    site, staff_client
):
    web = site({"/old": (301, {"Location": "/new"}, b"", 0), "/new": (200, {}, b"ok", 0)})
    source = SourceFactory(url=web.url + "/old", title="The moved page")
    fact = ProConFactory()
    fact.sources.add(source)
    run("check_sources")
    page = staff_client.get("/admin/comparisons/framework/facts-to-recheck/")
    problems = page.context["problem_sources"]
    assert [(s, s.citing) for s in problems] == [(source, 1)]
    assert "The moved page" in page.text and web.url + "/new" in page.text


# --- sync_pypi ------------------------------------------------------------------------------


def pypi_json(version="9.1.0", uploaded="2026-10-02T12:00:00.000000Z", **info):
    info = {"version": version, "license_expression": "MIT", "requires_python": ">=3.10",
            **info}  # fmt: skip
    files = [{"upload_time_iso_8601": uploaded, "filename": f"pkg-{version}.tar.gz"}]
    return json.dumps({"info": info, "releases": {version: files}, "urls": files}).encode()


def test_sync_pypi_updates_version_date_licence_and_python_as_machine_checked_facts(site, client):
    web = site({"/pypi/Goodpkg/json": (200, {"Content-Type": "application/json"},
                                      pypi_json(), 0)})  # fmt: skip
    framework = FrameworkFactory(pypi_name="Goodpkg", current_version="9.0", license="BSD")

    out, err = run("sync_pypi", "--base-url", web.url)

    framework.refresh_from_db()
    assert (framework.current_version, str(framework.version_released)) == ("9.1.0", "2026-10-02")
    assert (framework.license, framework.python_requires) == ("MIT", ">=3.10")
    assert framework.pypi_checked_at is not None
    assert framework.pypi_source.url == "https://pypi.org/project/Goodpkg/"
    verification = Verification.objects.get(method="machine")
    assert verification.source == framework.pypi_source
    assert verification.facts.get().fact == framework
    assert "current_version now 9.1.0" in out and not err
    profile = client.get(framework.get_absolute_url()).text
    assert "9.1.0" in profile and 'class="checked automatic"' in profile  # CSS adds the words
    other = FrameworkFactory()
    log = client.get(f"/compare/{'-vs-'.join(sorted([framework.slug, other.slug]))}/changes/")
    assert "changed from “9.0” to “9.1.0”" in log.text


def test_sync_pypi_changes_nothing_when_the_answer_is_unusable(site):
    web = site({
        "/pypi/Notjson/json": (200, {}, b"<html>maintenance</html>", 0),
        "/pypi/Noversion/json": (200, {}, json.dumps({"info": {}}).encode(), 0),
        "/pypi/Missing/json": (404, {}, b"", 0),
    })  # fmt: skip
    frameworks = [
        FrameworkFactory(pypi_name=name, current_version="1.0")
        for name in ("Notjson", "Noversion", "Missing")
    ]
    offline = FrameworkFactory(pypi_name="Offline", current_version="1.0")

    _, err = run("sync_pypi", "--base-url", web.url)
    _, err_offline = run("sync_pypi", "--base-url", "http://127.0.0.1:9")

    for framework in [*frameworks, offline]:
        framework.refresh_from_db()
        assert framework.current_version == "1.0" and framework.pypi_checked_at is None
    assert "did not send JSON" in err and "no info.version" in err and "HTTP 404" in err
    assert "did not answer" in err_offline
    assert not Verification.objects.exists()


def test_an_editors_save_during_sync_pypi_is_kept(site, monkeypatch):
    from comparisons.management.commands import sync_pypi

    web = site({"/pypi/Goodpkg/json": (200, {}, pypi_json(version="2.0"), 0)})
    framework = FrameworkFactory(pypi_name="Goodpkg", current_version="1.0", tagline="Old")
    real = sync_pypi.fetch

    def fetch_while_an_editor_saves(*args):
        data = real(*args)
        Framework.objects.filter(pk=framework.pk).update(tagline="The editor's tagline")
        return data

    monkeypatch.setattr(sync_pypi, "fetch", fetch_while_an_editor_saves)
    run("sync_pypi", "--base-url", web.url)
    framework.refresh_from_db()
    assert (framework.tagline, framework.current_version) == ("The editor's tagline", "2.0")


def test_licences_are_read_only_in_a_form_that_names_them():
    from comparisons.management.commands.sync_pypi import release

    def licence(**info):
        return release(json.loads(pypi_json(**info))).licence

    assert licence(license_expression="BSD-3-Clause") == "BSD-3-Clause"
    assert licence(license_expression=None, license="Apache-2.0") == "Apache-2.0"
    assert licence(license_expression=None, license="Long text\nof a licence") == ""
    mit = ["License :: OSI Approved :: MIT License"]
    assert licence(license_expression=None, license=None, classifiers=mit) == "MIT"
    bsd = ["License :: OSI Approved :: BSD License"]  # how many clauses? unknown
    assert licence(license_expression=None, license=None, classifiers=bsd) == ""
