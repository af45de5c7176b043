"""A PostgreSQL restart costs at most the requests in flight.

gunicorn keeps each worker's connection open between requests (CONN_MAX_AGE), so
after a restart that connection is dead. CONN_HEALTH_CHECKS makes the next
request notice and connect afresh. This runs a real server against a real
cluster, so it runs in the PostgreSQL stage of CI (.ci/run), not on SQLite.
"""

import os
import re
import subprocess
import time
import urllib.parse
import urllib.request
import uuid

import psycopg
import pytest

from .liveserver import running_server

DATABASE_URL = os.environ.get("DATABASE_URL", "")

pytestmark = pytest.mark.skipif(
    not DATABASE_URL.startswith("postgres"),
    reason="needs PostgreSQL (the PostgreSQL stage of .ci/run sets DATABASE_URL)",
)


def _admin_connection():
    return psycopg.connect(DATABASE_URL, autocommit=True)


def restart_postgresql():
    """Restart the cluster DATABASE_URL names (pg_virtualenv's, in CI)."""
    port = urllib.parse.urlsplit(DATABASE_URL).port or 5432
    clusters = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True, check=True)
    for line in clusters.stdout.splitlines():
        version, name, cluster_port = line.split()[:3]
        if int(cluster_port) == port:
            for action in ("stop", "start"):
                done = subprocess.run(
                    ["pg_ctlcluster", "-m", "fast", version, name, action],
                    capture_output=True, text=True,
                )  # fmt: skip
                assert done.returncode == 0, (action, done.stdout, done.stderr)
            break
    else:
        raise RuntimeError(f"no local cluster on port {port}")
    for _ in range(100):
        try:
            _admin_connection().close()
            return
        except psycopg.OperationalError:
            time.sleep(0.1)


@pytest.fixture
def database():
    name = f"pickframe_restart_{uuid.uuid4().hex[:8]}"
    with _admin_connection() as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    yield urllib.parse.urlsplit(DATABASE_URL)._replace(path=f"/{name}").geturl()
    with _admin_connection() as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _get(url):
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status


def _take_quiz(url):
    """Answer every question with its first choice, whatever the quiz holds."""
    with urllib.request.urlopen(url + "/quiz/", timeout=30) as response:
        html = response.read().decode()
    answers = {}
    for name, value in re.findall(r'type="radio" name="([\w-]+)" value="([\w-]+)"', html):
        answers.setdefault(name, value)
    assert answers, "no questions found on /quiz/"
    data = urllib.parse.urlencode(answers).encode()
    request = urllib.request.Request(url + "/quiz/", data=data, method="POST")
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        opener.open(request, timeout=30)
    except urllib.error.HTTPError as answer:
        return answer.code
    return 200


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_after_a_restart_the_next_requests_are_answered(tmp_path, database):
    with running_server(tmp_path, workers=1, extra_env={"DATABASE_URL": database}) as url:
        assert _get(url + "/") == 200
        assert _get(url + "/frameworks/") == 200  # the worker's connection is open
        with _admin_connection() as connection:
            held = connection.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s",
                [urllib.parse.urlsplit(database).path[1:]],
            ).fetchone()[0]
        assert held >= 1

        restart_postgresql()

        assert _get(url + "/features/") == 200  # not a 500: the connection was replaced
        assert _get(url + "/frameworks/") == 200
        assert _take_quiz(url) == 303
        with psycopg.connect(database) as connection:
            stored = connection.execute("SELECT count(*) FROM recommender_result").fetchone()[0]
        assert stored == 1
