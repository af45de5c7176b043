"""A real Redis that stops, pauses, comes back and fills up, under a running site.

Each test starts its own redis-server on a free port (CI installs it; on a
machine without it these tests are skipped, but never in CI).
"""

import os
import shutil
import signal
import subprocess
import time

import pytest
import redis

from recommender.models import Result

from .factories import build_quiz, build_site
from .liveserver import free_port

pytestmark = [
    pytest.mark.usefixtures("empty_content"),
    pytest.mark.skipif(
        not shutil.which("redis-server") and not os.environ.get("CI"),
        reason="redis-server is not installed (CI installs it)",
    ),
]

PAGE = "/compare/alpha-vs-beta/"


class RedisServer:
    def __init__(self, *options):
        self.port = free_port()
        self.options = options
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", *self.options],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        client = self.client()
        for _ in range(100):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(10)

    def client(self):
        return redis.Redis(port=self.port, socket_timeout=2)

    def page_keys(self):
        return [k for k in self.client().keys("*") if b"pickframe:page:" in k]


@pytest.fixture
def redis_server(settings):
    server = RedisServer()
    server.start()
    settings.CACHES = {
        "default": {
            "BACKEND": "pagecache.backends.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{server.port}/0",
        }
    }
    settings.CACHE_RETRY_AFTER = 0.5
    yield server
    if server.process.poll() is None:
        server.process.send_signal(signal.SIGCONT)
        server.stop()


@pytest.fixture
def small_site(empty_content):
    site = build_site()
    build_quiz(site.frameworks)
    return site


def test_redis_stopped_mid_test_then_back(small_site, client, redis_server, version_queries,
                                          django_assert_num_queries):  # fmt: skip
    assert client.get(PAGE).status_code == 200
    with django_assert_num_queries(version_queries):  # served from Redis
        assert client.get(PAGE).status_code == 200
    assert len(redis_server.page_keys()) == 1

    redis_server.stop()
    for url in (PAGE, "/", "/frameworks/beta/", "/quiz/", "/search/?q=beta", "/features/"):
        assert client.get(url).status_code == 200, url
    for _ in range(3):
        assert client.post("/quiz/", {"experience": "seasoned"}).status_code == 303
    assert Result.objects.count() == 3

    redis_server.start()  # empty, as after a restart without persistence
    time.sleep(0.6)  # CACHE_RETRY_AFTER
    assert client.get(PAGE).status_code == 200
    assert len(redis_server.page_keys()) == 1  # the cache is used again
    with django_assert_num_queries(version_queries):
        assert client.get(PAGE).status_code == 200


def test_a_paused_redis_costs_pages_nothing_but_time(small_site, client, redis_server, settings):
    settings.CACHE_SOCKET_TIMEOUT = 0.2
    client.get(PAGE)
    redis_server.process.send_signal(signal.SIGSTOP)
    try:
        for url in (PAGE, "/frameworks/alpha/", "/quiz/"):
            assert client.get(url).status_code == 200, url
        assert client.post("/quiz/", {"experience": "new"}).status_code == 303
    finally:
        redis_server.process.send_signal(signal.SIGCONT)
    assert Result.objects.count() == 1


def test_a_full_redis_without_eviction_is_no_500(small_site, client, settings, caplog):
    server = RedisServer("--maxmemory", "2mb", "--maxmemory-policy", "noeviction")
    server.start()
    try:
        settings.CACHE_RETRY_AFTER = 0
        settings.CACHES = {
            "default": {
                "BACKEND": "pagecache.backends.ResilientRedisCache",
                "LOCATION": f"redis://127.0.0.1:{server.port}/0",
            }
        }
        filler = server.client()
        with pytest.raises(redis.exceptions.ResponseError, match="maxmemory"):
            for n in range(10_000):
                filler.set(f"filler:{n}", b"x" * 10_000)
        with caplog.at_level("WARNING", logger="pagecache.backends"):
            for url in (PAGE, "/", "/frameworks/gamma/", "/quiz/", "/features/"):
                assert client.get(url).status_code == 200, url
            assert client.post("/quiz/", {"experience": "new"}).status_code == 303
        assert Result.objects.count() == 1
        assert "maxmemory" in caplog.text  # Redis refused to store pages
        filler.flushall()  # the operator frees memory: pages are kept again
        client.get("/features/")
        assert len(server.page_keys()) == 1
    finally:
        server.stop()
